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
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  type SendEmailCommandInput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { ConnectorError } from '@logto/connector-kit';

import { type ParsedConfig } from './config.js';
import { readActions, readFailureKind, readWithin } from './ses-read.js';
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

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

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

/** Reads one identity: its output, `null` when SES says it does not exist, `undefined` on any other failure. */
const readIdentity = async (
  client: SESv2Client,
  identity: string,
  deadline: number,
  results: ReadResults
): Promise<GetEmailIdentityCommandOutput | null | undefined> => {
  try {
    return await readWithin(
      async (abortSignal) =>
        client.send(new GetEmailIdentityCommand({ EmailIdentity: identity }), { abortSignal }),
      deadline - performance.now()
    );
  } catch (error: unknown) {
    if (readFailureKind(error) === 'notFound') {
      return null;
    }
    results.failedActions.add(readActions.GetEmailIdentity);
    return undefined;
  }
};

const readSender = async (client: SESv2Client, address: string, deadline: number, results: ReadResults) => {
  const domain = domainOf(address);
  const domainIdentity = await readIdentity(client, domain, deadline, results);
  if (domainIdentity) {
    results.senderIdentity = identityDiagnosis(domain, domainIdentity);
    return;
  }
  if (domainIdentity === undefined) {
    return;
  }
  const addressIdentity = await readIdentity(client, address, deadline, results);
  if (addressIdentity) {
    results.senderIdentity = identityDiagnosis(address, addressIdentity);
  } else if (addressIdentity === null) {
    results.senderIdentity = { identity: address, status: 'NOT_FOUND' };
  }
};

const identityDiagnosis = (
  identity: string,
  output: GetEmailIdentityCommandOutput
): SenderIdentityDiagnosis => ({
  identity,
  status: output.VerificationStatus ?? 'UNKNOWN',
  ...(output.DkimAttributes?.Status && { dkim: output.DkimAttributes.Status }),
});

const readAccount = async (client: SESv2Client, deadline: number, results: ReadResults) => {
  try {
    const account = await readWithin<GetAccountCommandOutput>(
      async (abortSignal) => client.send(new GetAccountCommand({}), { abortSignal }),
      deadline - performance.now()
    );
    results.sandbox = account.ProductionAccessEnabled !== true;
  } catch {
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
      reads.push(readAccount(client, deadline, results));
    }
    if (sender?.failed) {
      reads.push(
        recipientFailed
          ? readIdentity(client, domainOf(sender.address), deadline, results).then((output) => {
              if (output) {
                results.senderIdentity = identityDiagnosis(domainOf(sender.address), output);
              }
            })
          : readSender(client, sender.address, deadline, results)
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

const maxQuotedLength = 300;

/** SES's own words, on one line, shortened, with every secret replaced. */
const quoted = (message: string, secrets: readonly string[]): string => {
  let text = message.replaceAll(/\s+/g, ' ').trim();
  for (const secret of secrets) {
    text = text.split(secret).join('[redacted]');
  }
  return text.length > maxQuotedLength ? `${text.slice(0, maxQuotedLength)}…` : text;
};

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

/** Values that must never come out (SES's list is quoted text): the secret and session tokens. */
const secretsOf = (config: FailedSend['config']): string[] =>
  [config.accessKeySecret, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= 4
  );

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
  const secrets = secretsOf(failed.config);
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
    const sharpened = new ConnectorError(connectorError.code, {
      ...data,
      errorDescription: describe(region, sender, failedRecipients, results, quoted(message ?? '', secrets)),
      diagnosis,
    });
    Object.defineProperty(sharpened, 'cause', {
      value: connectorError.cause,
      enumerable: false,
      configurable: true,
      writable: true,
    });
    return sharpened;
  } catch {
    return connectorError;
  }
};
