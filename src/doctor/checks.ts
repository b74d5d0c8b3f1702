/**
 * The doctor's checks that read SES, one function per check id. Each returns its report line
 * (and what later checks need); none throws, none prints.
 */
import {
  GetConfigurationSetCommand,
  type GetEmailIdentityCommandOutput,
  GetSuppressedDestinationCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';

import { type ParsedConfig } from '../config.js';
import { type SendContext, errorDescriptionOf, toConnectorError } from '../errors.js';
import { quoteScrubbed } from '../redact.js';
import {
  type AccountRead,
  type IdentityRead,
  type SenderRead,
  domainOf,
  readActions,
  readFailureKind,
  readIdentity,
  readWithin,
} from '../ses-read.js';

import { type DoctorCheck, type DoctorCheckId, failedCheck } from './report.js';

/** What every check needs: the parsed config, the client a send would use, and the send context. */
export type DoctorContext = {
  config: ParsedConfig;
  client: SESv2Client;
  context: SendContext;
  /**
   * The endpoint override the client uses (the config's `endpoint`, or `AWS_ENDPOINT_URL_SESV2` /
   * `AWS_ENDPOINT_URL`), when it does not talk to Amazon SES's regional endpoint.
   */
  endpointOverride?: string | undefined;
};

/** Error names of an answer that is no SES error: no error type at all, or an unknown operation. */
const notAnSesErrorNames: ReadonlySet<string> = new Set(['Unknown', 'UnknownOperationException']);

/** Bad request, not found, method not allowed, not implemented: never a credential or network fault. */
const notImplementedStatuses: ReadonlySet<number> = new Set([400, 404, 405, 501]);

/**
 * An endpoint override that does not implement a read: the check cannot run there, which is no
 * fault of the setup. aws-ses-v2-local, for one, answers `GetAccount` with a bare HTTP 400 (no SES
 * error type) and other reads with an XML body the SDK cannot read (an HTTP error status, no
 * `$fault`).
 */
const notImplementedHere = (
  endpointOverride: string | undefined,
  fault: unknown,
  name: string,
  status: unknown
): boolean => {
  if (endpointOverride === undefined || typeof status !== 'number' || !notImplementedStatuses.has(status)) {
    return false;
  }
  return fault === 'client' || fault === 'server'
    ? notAnSesErrorNames.has(name) || status >= 405
    : fault === undefined;
};

type Operation = keyof typeof readActions;

const quotaWarnRatio = 0.8;

/** SES and STS names of credential errors, whose send-path sentences fit a read too. */
const credentialErrorPattern = /UnrecognizedClient|InvalidClientTokenId|Signature|Expired/;

/** A read that did not answer: AccessDenied → skip with the IAM action; throttling → warn; else fail. */
export const readFailure = (
  id: DoctorCheckId,
  operation: Operation,
  error: unknown,
  { context, endpointOverride }: Pick<DoctorContext, 'context' | 'endpointOverride'>
): DoctorCheck => {
  switch (readFailureKind(error)) {
    case 'denied': {
      return {
        id,
        status: 'skip',
        summary: `Not checked: the AWS identity may not call ${operation} (AccessDenied).`,
        fix: `Allow ${readActions[operation]} (the optional read-only policy in docs/doctor.md) to run this check.`,
      };
    }
    case 'throttled': {
      return {
        id,
        status: 'warn',
        summary: `Not checked: SES throttled ${operation} in ${context.region}, even after retries.`,
        fix: 'Run the doctor again in a moment.',
      };
    }
    case 'timeout': {
      return {
        id,
        status: 'fail',
        summary: `SES did not answer ${operation} within ${context.timeoutMs} ms at ${context.host}.`,
        fix: `Check that this host can reach ${context.host}, or raise timeoutMs.`,
      };
    }
    default: {
      const {
        name,
        $fault: fault,
        $metadata: metadata,
      } = (error ?? {}) as {
        name?: unknown;
        $fault?: unknown;
        $metadata?: { httpStatusCode?: unknown };
      };
      const label = typeof name === 'string' ? name : 'Error';
      if (notImplementedHere(endpointOverride, fault, label, metadata?.httpStatusCode)) {
        return {
          id,
          status: 'skip',
          summary: `Not checked: this endpoint (${context.host}) does not implement ${operation}; checked on Amazon SES only.`,
        };
      }
      if ((fault === 'client' || fault === 'server') && !credentialErrorPattern.test(label)) {
        // An SES answer no check expects: quote it, do not guess.
        const said = quoteScrubbed(error instanceof Error ? error.message : '', context.secrets);
        const status =
          typeof metadata?.httpStatusCode === 'number' ? `HTTP ${metadata.httpStatusCode}, ` : '';
        return {
          id,
          status: 'fail',
          summary: `SES answered ${operation} in ${context.region} with an error (${status}${label}).`,
          fix: `${said ? `SES said: "${said}". ` : ''}Check that the endpoint (${context.host}) is an Amazon SES v2 API endpoint, then run the doctor again.`,
        };
      }
      // Credentials, network, DNS: the connector's own sentence for a send says what to do.
      return {
        id,
        status: 'fail',
        summary: `${operation} failed in ${context.region} (${label}).`,
        fix: errorDescriptionOf(toConnectorError(error, context)) ?? '',
      };
    }
  }
};

const within = async <Output>(
  { config }: Pick<DoctorContext, 'config'>,
  read: (abortSignal: AbortSignal) => Promise<Output>
): Promise<Output> => readWithin(read, config.timeoutMs);

export const checkAccount = (read: AccountRead, doctor: DoctorContext): DoctorCheck => {
  const { region } = doctor.config;
  if ('error' in read) {
    return readFailure('account', 'GetAccount', read.error, doctor);
  }
  const { SendingEnabled: sending, EnforcementStatus: enforcement = 'unknown' } = read.account;
  if (enforcement === 'SHUTDOWN') {
    return {
      id: 'account',
      status: 'fail',
      summary: `SES has shut down sending for this account in ${region} (enforcement status SHUTDOWN).`,
      fix: "See the SES console's Reputation metrics and contact AWS Support to restore sending.",
    };
  }
  if (sending === false) {
    return {
      id: 'account',
      status: 'fail',
      summary: `Sending is paused for this account in ${region} (enforcement status ${enforcement}).`,
      fix: `Resume sending in the SES console for ${region} (Account dashboard), or ask AWS Support why it was paused.`,
    };
  }
  if (enforcement === 'PROBATION') {
    return {
      id: 'account',
      status: 'warn',
      summary: `Sending is enabled in ${region}, but the account is on probation (enforcement status PROBATION).`,
      fix: "Lower the bounce and complaint rates (the SES console's Reputation metrics) before SES pauses sending.",
    };
  }
  return {
    id: 'account',
    status: 'pass',
    summary: `Sending is enabled in ${region}; enforcement status ${enforcement}.`,
  };
};

const notRead = (id: DoctorCheckId, why = 'GetAccount did not answer (see account)'): DoctorCheck => ({
  id,
  status: 'skip',
  summary: `Not checked: ${why}.`,
});

export const checkSandbox = (read: AccountRead, { config: { region } }: DoctorContext): DoctorCheck => {
  if ('error' in read || typeof read.account.ProductionAccessEnabled !== 'boolean') {
    return notRead('sandbox');
  }
  if (read.account.ProductionAccessEnabled) {
    return { id: 'sandbox', status: 'pass', summary: `The account has production access in ${region}.` };
  }
  return {
    id: 'sandbox',
    status: 'warn',
    summary: `The account is in the SES sandbox in ${region}: it can send only to verified addresses and domains, at most 200 messages in 24 hours and 1 a second.`,
    fix: `Verify each recipient in the SES console for ${region}, or request production access (Account dashboard → Request production access).`,
  };
};

export const checkQuota = (read: AccountRead, { config: { region } }: DoctorContext): DoctorCheck => {
  const quota = 'error' in read ? undefined : read.account.SendQuota;
  if (!quota) {
    return notRead('quota');
  }
  const max = quota.Max24HourSend ?? 0;
  const sent = quota.SentLast24Hours ?? 0;
  const rate = quota.MaxSendRate ?? 0;
  if (max < 0) {
    return {
      id: 'quota',
      status: 'pass',
      summary: `No 24-hour sending limit in ${region} (${sent} sent); at most ${rate} a second.`,
    };
  }
  const used = max > 0 ? sent / max : 1;
  const summary = `${sent} of ${max} messages used in the last 24 hours (${Math.floor(used * 100)} %) in ${region}; at most ${rate} a second.`;
  const fix = `Wait for the 24-hour window to move on, or request a higher sending quota in the SES console for ${region} (Service Quotas).`;
  if (used >= 1) {
    return { id: 'quota', status: 'fail', summary, fix };
  }
  if (used >= quotaWarnRatio) {
    return { id: 'quota', status: 'warn', summary, fix };
  }
  return { id: 'quota', status: 'pass', summary };
};

const verified = (read: IdentityRead): boolean =>
  'output' in read && read.output.VerifiedForSendingStatus === true;

export const checkSenderIdentity = (sender: SenderRead | undefined, doctor: DoctorContext): DoctorCheck => {
  const { region } = doctor.config;
  if (!sender) {
    return {
      id: 'sender-identity',
      status: 'skip',
      summary: "No emailAddress in the config: the From address comes from each Logto template's sendFrom.",
    };
  }
  const { address, domain, addressRead, domainRead } = sender;
  if (verified(addressRead) || verified(domainRead)) {
    return {
      id: 'sender-identity',
      status: 'pass',
      summary: verified(addressRead)
        ? `${address} is verified for sending in ${region}.`
        : `${address} can send in ${region}: its domain ${domain} is verified.`,
    };
  }
  const failedRead = 'error' in addressRead ? addressRead : 'error' in domainRead ? domainRead : undefined;
  if (failedRead && 'error' in failedRead) {
    return readFailure('sender-identity', 'GetEmailIdentity', failedRead.error, doctor);
  }
  if ('missing' in addressRead && 'missing' in domainRead) {
    return {
      id: 'sender-identity',
      status: 'fail',
      summary: `Neither ${address} nor its domain ${domain} is an identity in ${region}.`,
      fix: `Create and verify ${domain} (or ${address}) in the SES console for ${region} (Identities → Create identity), or set region to the region where it is verified (see other-regions).`,
    };
  }
  // One of the two exists (neither missing nor failed, and not both missing).
  const [name, read] =
    'output' in domainRead
      ? [domain, domainRead]
      : [address, addressRead as { output: GetEmailIdentityCommandOutput }];
  const status = read.output.VerificationStatus ?? 'unknown';
  const isDomain = name === domain;
  return {
    id: 'sender-identity',
    status: 'fail',
    summary: `${name} exists in ${region} but is not verified for sending (status ${status}).`,
    fix:
      status === 'FAILED' || status === 'TEMPORARY_FAILURE'
        ? `Check that the DNS records shown for ${name} in the SES console are published unchanged, then retry its verification there.`
        : isDomain
          ? `Publish the DKIM records of ${domain} (see dkim); SES verifies the domain once it finds them (up to 72 hours).`
          : `Open the link in the verification email AWS sent to ${address} (the SES console can send it again).`,
  };
};

/** The identity whose DKIM and MAIL FROM settings apply: the domain when it exists, else the address. */
const settingsIdentity = (
  sender: SenderRead | undefined
): [string, GetEmailIdentityCommandOutput] | undefined => {
  if (!sender) {
    return undefined;
  }
  if ('output' in sender.domainRead) {
    return [sender.domain, sender.domainRead.output];
  }
  return 'output' in sender.addressRead ? [sender.address, sender.addressRead.output] : undefined;
};

export const checkDkim = (
  sender: SenderRead | undefined,
  { config: { region } }: DoctorContext
): DoctorCheck => {
  const found = settingsIdentity(sender);
  if (!found || !sender) {
    return notRead('dkim', 'the sender has no identity to read (see sender-identity)');
  }
  const [name, output] = found;
  const status = output.DkimAttributes?.Status ?? 'NOT_STARTED';
  if (status === 'SUCCESS') {
    return { id: 'dkim', status: 'pass', summary: `DKIM signing of ${name} works (status SUCCESS).` };
  }
  const tokens = output.DkimAttributes?.Tokens ?? [];
  const records = tokens
    .map((token) => `${token}._domainkey.${sender.domain} CNAME ${token}.dkim.amazonses.com`)
    .join('; ');
  return {
    id: 'dkim',
    status: 'warn',
    summary: `DKIM of ${name} in ${region} is ${status}: receivers cannot check that mail from ${sender.domain} is really yours.`,
    fix:
      records.length > 0
        ? `Publish these CNAME records in the DNS of ${sender.domain}: ${records}.`
        : `Verify the domain ${sender.domain} in the SES console for ${region} with Easy DKIM, then publish the three CNAME records it shows.`,
  };
};

export const checkMailFrom = (
  sender: SenderRead | undefined,
  { config: { region } }: DoctorContext
): DoctorCheck => {
  const found = settingsIdentity(sender);
  if (!found) {
    return notRead('mail-from', 'the sender has no identity to read (see sender-identity)');
  }
  const [name, output] = found;
  const mailFrom = output.MailFromAttributes;
  if (!mailFrom?.MailFromDomain) {
    return {
      id: 'mail-from',
      status: 'pass',
      summary: `No custom MAIL FROM domain on ${name}: SES uses its own (amazonses.com).`,
    };
  }
  if (mailFrom.MailFromDomainStatus === 'SUCCESS') {
    return {
      id: 'mail-from',
      status: 'pass',
      summary: `The custom MAIL FROM domain ${mailFrom.MailFromDomain} is verified.`,
    };
  }
  return {
    id: 'mail-from',
    status: 'warn',
    summary: `The custom MAIL FROM domain ${mailFrom.MailFromDomain} of ${name} is ${mailFrom.MailFromDomainStatus ?? 'not verified'}.`,
    fix: `Publish an MX record for ${mailFrom.MailFromDomain} pointing to feedback-smtp.${region}.amazonses.com (priority 10) and a TXT record "v=spf1 include:amazonses.com ~all", or turn the custom MAIL FROM domain off.`,
  };
};

export const checkConfigurationSet = async (doctor: DoctorContext): Promise<DoctorCheck> => {
  const { configurationSetName: name, region } = doctor.config;
  if (!name) {
    return { id: 'configuration-set', status: 'skip', summary: 'No configurationSetName in the config.' };
  }
  try {
    const output = await within(doctor, async (abortSignal) =>
      doctor.client.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }), { abortSignal })
    );
    if (output.SendingOptions?.SendingEnabled === false) {
      return {
        id: 'configuration-set',
        status: 'fail',
        summary: `Sending is paused for the configuration set ${name} in ${region}.`,
        fix: `Resume sending for ${name} in the SES console for ${region}, or remove configurationSetName.`,
      };
    }
    return {
      id: 'configuration-set',
      status: 'pass',
      summary: `The configuration set ${name} exists in ${region}.`,
    };
  } catch (error: unknown) {
    if (readFailureKind(error) === 'notFound') {
      return {
        id: 'configuration-set',
        status: 'fail',
        summary: `The configuration set ${name} does not exist in ${region}.`,
        fix: `Create ${name} in the SES console for ${region} (Configuration sets), or remove configurationSetName from the config.`,
      };
    }
    return readFailure('configuration-set', 'GetConfigurationSet', error, doctor);
  }
};

const isoDate = (date: Date | undefined): string =>
  date ? date.toISOString().slice(0, 10) : 'an unknown date';

export const checkRecipient = async (
  doctor: DoctorContext,
  to: string | undefined,
  account: AccountRead
): Promise<DoctorCheck> => {
  const { region, timeoutMs } = doctor.config;
  if (!to) {
    return { id: 'recipient', status: 'skip', summary: 'Give --to <address> to check a recipient.' };
  }
  const sandbox = 'account' in account ? account.account.ProductionAccessEnabled === false : undefined;
  const domain = domainOf(to);
  const [suppression, identities] = await Promise.all([
    within(doctor, async (abortSignal) =>
      doctor.client.send(new GetSuppressedDestinationCommand({ EmailAddress: to }), { abortSignal })
    ).then(
      (output) => ({ output }),
      (error: unknown) => ({ error })
    ),
    sandbox
      ? Promise.all([
          readIdentity(doctor.client, to, timeoutMs),
          readIdentity(doctor.client, domain, timeoutMs),
        ])
      : undefined,
  ]);

  const failures: Array<{ summary: string; fix: string }> = [];
  const unchecked: DoctorCheck[] = [];
  if ('output' in suppression) {
    const entry = suppression.output.SuppressedDestination;
    failures.push({
      summary: `${to} is on the account-level suppression list since ${isoDate(entry?.LastUpdateTime)} (reason ${entry?.Reason ?? 'unknown'}): SES drops every message to it.`,
      fix: `If ${to} accepts mail again, remove it from the suppression list (SES console → Suppression list); otherwise use another address.`,
    });
  } else if (readFailureKind(suppression.error) !== 'notFound') {
    unchecked.push(readFailure('recipient', 'GetSuppressedDestination', suppression.error, doctor));
  }
  if (identities) {
    const [addressRead, domainRead] = identities;
    const failedRead = [addressRead, domainRead].find((read) => 'error' in read);
    if (verified(addressRead) || verified(domainRead)) {
      // A verified recipient may receive mail in the sandbox.
    } else if (failedRead && 'error' in failedRead) {
      unchecked.push(readFailure('recipient', 'GetEmailIdentity', failedRead.error, doctor));
    } else {
      failures.push({
        summary: `${to} is not a verified identity, and the account is in the SES sandbox in ${region}: SES refuses to send to it.`,
        fix: `Verify ${to} (or ${domain}) in the SES console for ${region}, or request production access.`,
      });
    }
  }
  if (failures.length > 0) {
    return failedCheck('recipient', failures);
  }
  const [firstUnchecked] = unchecked;
  if (firstUnchecked) {
    return firstUnchecked;
  }
  return {
    id: 'recipient',
    status: 'pass',
    summary: `${to} is not on the suppression list${sandbox ? ` and is verified in ${region}` : ''}${sandbox === undefined ? ' (whether the account is in the sandbox is unknown)' : ''}.`,
  };
};
