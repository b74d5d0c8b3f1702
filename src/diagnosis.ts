/**
 * The send-path diagnosis: when SES answers `MessageRejected` "Email address is
 * not verified. The following identities failed the check in region US-EAST-1: a@x.com, b@y.com",
 * say which identity failed — the sender or the recipient — and that case's fix. Then, only on
 * that failure and only within what is left of `timeoutMs`, at most two reads with the same SES
 * client (`GetAccount`, `GetEmailIdentity`) sharpen the sentence. A read that fails, AccessDenied
 * included, is ignored: the sentence keeps what the parse knows and names the optional IAM action.
 * A successful send never comes here.
 */
import {
  type GetEmailIdentityCommandOutput,
  type SendEmailCommandInput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { type ConnectorError } from '@logto/connector-kit';

import { type ParsedConfig } from './config.js';
import { sharpenedError } from './errors.js';
import { knownSecrets, quoteScrubbed } from './redact.js';
import { type IdentityRead, domainOf, readAccount, readActions, readIdentity } from './ses-read.js';
import { withSesClient } from './ses-clients.js';

/** What the reads learnt about the sender identity. */
export type SenderIdentityDiagnosis = {
  /** The identity read: the sender's domain, or its address. */
  identity: string;
  /** SES's `VerificationStatus` (`SUCCESS`, `PENDING`, `FAILED`…), or `NOT_FOUND` when neither exists. */
  status: string;
  /** SES's DKIM status of that identity, when it exists. */
  dkim?: string;
};

/** What the connector learnt about a "not verified" rejection; `diagnosis` in the ConnectorError data. */
export type Diagnosis = {
  /** The identities SES listed, as it wrote them. */
  failedIdentities: string[];
  /** The From address, or its domain, is among them. */
  senderFailed: boolean;
  /** A recipient, or a recipient's domain, is among them. */
  recipientFailed: boolean;
  /** From `GetAccount`: whether the account is in the SES sandbox in the region (absent when not read). */
  sandbox?: boolean;
  /** From `GetEmailIdentity` (absent when not read). */
  senderIdentity?: SenderIdentityDiagnosis;
};

/** The failed send the diagnosis looks at. */
export type FailedSend = {
  /** What the send threw (the SDK's error). */
  error: unknown;
  /** The connection settings and `timeoutMs` of the send. */
  config: Pick<ParsedConfig, 'region' | 'endpoint' | 'accessKeyId' | 'accessKeySecret' | 'timeoutMs'>;
  /** The SendEmail input: its From address and recipients. */
  input: Pick<SendEmailCommandInput, 'FromEmailAddress' | 'Destination'>;
  /** `performance.now()` when the send started: the reads end by `startedAt + timeoutMs`. */
  startedAt: number;
};

/** Below this many milliseconds left of `timeoutMs`, no read is attempted. */
const minimumReadBudgetMs = 50;

const identityListPattern = /following identities failed the check in region ([a-z\d-]+):\s*(.+)$/is;
const identityPattern = /^(?:[^\s@,<>]+@)?[a-z\d-]+(?:\.[a-z\d-]+)+$/i;

/**
 * The identities of SES's "Email address is not verified" message, or `undefined` when the
 * message is another one.
 */
export const parseFailedIdentities = (message: string): string[] | undefined => {
  const list = identityListPattern.exec(message)?.[2];
  if (list === undefined) {
    return undefined;
  }
  const identities = list
    .split(',')
    .map((item) => item.trim().replace(/\.$/, ''))
    .filter((item) => identityPattern.test(item));
  return identities.length > 0 ? identities : undefined;
};

/** `Name <a@b.com>` (display name possibly encoded) → `a@b.com`. */
const addressOf = (mailbox: string | undefined): string | undefined => {
  if (!mailbox) {
    return undefined;
  }
  const address = (/<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();
  return address.includes('@') ? address : undefined;
};

const listed = (identities: readonly string[], address: string): boolean => {
  const wanted = new Set([address.toLowerCase(), domainOf(address).toLowerCase()]);
  return identities.some((identity) => wanted.has(identity.toLowerCase()));
};

type ReadResults = {
  sandbox?: boolean;
  senderIdentity?: SenderIdentityDiagnosis;
  /** IAM actions of reads that failed (denied, throttled, timed out…). */
  failedActions: Set<string>;
};

/** Reads one identity by the deadline; a failure other than "not found" names its IAM action. */
const identityRead = async (
  client: SESv2Client,
  identity: string,
  deadline: number,
  results: ReadResults
): Promise<IdentityRead> => {
  const read = await readIdentity(client, identity, deadline - performance.now());
  if ('error' in read) {
    results.failedActions.add(readActions.GetEmailIdentity);
  }
  return read;
};

const identityDiagnosis = (
  identity: string,
  output: GetEmailIdentityCommandOutput
): SenderIdentityDiagnosis => ({
  identity,
  status: output.VerificationStatus ?? 'UNKNOWN',
  ...(output.DkimAttributes?.Status && { dkim: output.DkimAttributes.Status }),
});

/** The sender's domain, then its address only when the domain does not exist: at most two reads. */
const findSenderIdentity = async (
  client: SESv2Client,
  address: string,
  deadline: number,
  results: ReadResults
) => {
  const domain = domainOf(address);
  const domainRead = await identityRead(client, domain, deadline, results);
  if ('output' in domainRead) {
    results.senderIdentity = identityDiagnosis(domain, domainRead.output);
    return;
  }
  if ('error' in domainRead) {
    return;
  }
  const addressRead = await identityRead(client, address, deadline, results);
  if ('output' in addressRead) {
    results.senderIdentity = identityDiagnosis(address, addressRead.output);
  } else if ('missing' in addressRead) {
    results.senderIdentity = { identity: address, status: 'NOT_FOUND' };
  }
};

/** `GetAccount` by the deadline: whether the account is in the sandbox. */
const findSandbox = async (client: SESv2Client, deadline: number, results: ReadResults) => {
  const read = await readAccount(client, deadline - performance.now());
  if ('account' in read) {
    results.sandbox = read.account.ProductionAccessEnabled !== true;
  } else {
    results.failedActions.add(readActions.GetAccount);
  }
};

/**
 * At most two reads: the sender's domain then its address (sender failed), or `GetAccount`
 * (recipient failed), or `GetAccount` and the domain together (both failed).
 */
const readWhatHelps = async (
  { config, startedAt }: FailedSend,
  sender: { address: string; failed: boolean } | undefined,
  recipientFailed: boolean
): Promise<ReadResults> => {
  const results: ReadResults = { failedActions: new Set() };
  // A hair before the send's own deadline, so the whole send stays within timeoutMs.
  const deadline = startedAt + config.timeoutMs - 5;
  if (deadline - performance.now() < minimumReadBudgetMs) {
    return results;
  }
  await withSesClient(config, async (client) => {
    const reads: Array<Promise<void>> = [];
    if (recipientFailed) {
      reads.push(findSandbox(client, deadline, results));
    }
    if (sender?.failed) {
      const domain = domainOf(sender.address);
      reads.push(
        recipientFailed
          ? identityRead(client, domain, deadline, results).then((read) => {
              if ('output' in read) {
                results.senderIdentity = identityDiagnosis(domain, read.output);
              }
            })
          : findSenderIdentity(client, sender.address, deadline, results)
      );
    }
    await Promise.all(reads);
  });
  return results;
};

const senderSentence = (address: string, region: string, identity: SenderIdentityDiagnosis | undefined) => {
  const domain = domainOf(address);
  const elsewhere = `or set region to the region where it is verified (\`connector-aws-ses doctor\` finds it)`;
  if (!identity) {
    return `the sender ${address} is not a verified identity in ${region}. Verify ${address} or its domain ${domain} in the SES console for ${region} (Identities → Create identity), ${elsewhere}.`;
  }
  const { identity: name, status, dkim } = identity;
  if (status === 'NOT_FOUND') {
    return `neither the sender ${address} nor its domain ${domain} is an identity in ${region}. Create and verify one of them in the SES console for ${region} (Identities → Create identity), ${elsewhere}.`;
  }
  if (status === 'PENDING' || status === 'NOT_STARTED') {
    return name.includes('@')
      ? `the sender ${name} was added in ${region} but is not verified yet: open the link in the verification email AWS sent to ${name} (the SES console can send it again).`
      : `the sender's domain ${name} was created in ${region} but its DKIM records are not found yet${dkim ? ` (DKIM ${dkim})` : ''}: publish the three CNAME records shown for ${name} in the SES console, then wait for SES to detect them (up to 72 hours).`;
  }
  if (status === 'FAILED' || status === 'TEMPORARY_FAILURE') {
    return `verification of the sender's identity ${name} failed in ${region} (status ${status}${dkim ? `, DKIM ${dkim}` : ''}): check that the records shown for ${name} in the SES console are published unchanged, then retry its verification there.`;
  }
  return `SES listed the sender ${address} although ${name} is verified in ${region} (status ${status}): check emailAddressIdentityArn and the identity's sending authorization policy.`;
};

const recipientSentence = (recipients: readonly string[], region: string, sandbox: boolean | undefined) => {
  const who = recipients.join(', ');
  const fix = `Verify ${who} in the SES console for ${region}, or request production access (Account dashboard → Request production access).`;
  if (sandbox === false) {
    return `SES listed the recipient ${who} as not verified although the account has production access in ${region}. ${fix}`;
  }
  return `the recipient ${who} is not verified, and the account is in the SES sandbox in ${region}${sandbox ? ' (GetAccount confirms it)' : ''}, where it may send only to verified addresses. ${fix}`;
};

const capitalized = (sentence: string): string => `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}`;

const describe = (
  region: string,
  sender: { address: string; failed: boolean } | undefined,
  failedRecipients: readonly string[],
  results: ReadResults,
  sesSaid: string
): string => {
  const parts = [`Amazon SES rejected the message in ${region}.`];
  if (sender?.failed) {
    parts.push(capitalized(senderSentence(sender.address, region, results.senderIdentity)));
  }
  if (failedRecipients.length > 0) {
    const sentence = recipientSentence(failedRecipients, region, results.sandbox);
    parts.push(sender?.failed ? `Also, ${sentence}` : capitalized(sentence));
  }
  if (results.failedActions.size > 0) {
    parts.push(
      `For a more precise diagnosis, allow the optional read-only IAM action${results.failedActions.size > 1 ? 's' : ''} ${[...results.failedActions].join(' and ')}.`
    );
  }
  parts.push(`SES said: "${sesSaid}".`);
  return parts.join(' ');
};

const messageOf = (error: unknown): string | undefined => {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
};

/**
 * Sharpens the `ConnectorError` of a failed send when SES rejected it as "not verified": returns
 * a new `ConnectorError` (same code, same data plus a precise `errorDescription` and
 * `diagnosis`), or `connectorError` itself for every other failure. Never throws, and never runs
 * past the send's `timeoutMs`.
 */
export const diagnoseSendFailure = async (
  connectorError: ConnectorError,
  failed: FailedSend
): Promise<ConnectorError> => {
  const data: unknown = connectorError.data;
  const name = (failed.error as { name?: unknown } | null)?.name;
  const message = messageOf(failed.error);
  const secrets = knownSecrets(failed.config.accessKeySecret);
  const failedIdentities = (
    name === 'MessageRejected' && message ? parseFailedIdentities(message) : undefined
  )?.filter((identity) => !secrets.some((secret) => identity.includes(secret)));
  if (!failedIdentities?.length || typeof data !== 'object' || data === null) {
    return connectorError;
  }
  try {
    const { region } = failed.config;
    const from = addressOf(failed.input.FromEmailAddress);
    const recipients = failed.input.Destination?.ToAddresses ?? [];
    const sender = from === undefined ? undefined : { address: from, failed: listed(failedIdentities, from) };
    const failedRecipients = recipients.filter((recipient) => listed(failedIdentities, recipient));
    const recipientFailed = failedRecipients.length > 0;
    if (!sender?.failed && !recipientFailed) {
      return connectorError;
    }
    const results = await readWhatHelps(failed, sender, recipientFailed);
    const diagnosis: Diagnosis = {
      failedIdentities,
      senderFailed: sender?.failed ?? false,
      recipientFailed,
      ...(results.sandbox !== undefined && { sandbox: results.sandbox }),
      ...(results.senderIdentity && { senderIdentity: results.senderIdentity }),
    };
    return sharpenedError(connectorError, {
      ...data,
      errorDescription: describe(
        region,
        sender,
        failedRecipients,
        results,
        quoteScrubbed(message ?? '', secrets)
      ),
      diagnosis,
    });
  } catch {
    return connectorError;
  }
};
