import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';

/**
 * What an operator needs to read a failure: where the send went. Never holds a secret; the
 * secrets are only passed in so they can be scrubbed from anything SES or the SDK said.
 */
export type SendContext = {
  region: string;
  /** The host the connector talked to (the endpoint override's, or SES's regional host). */
  host: string;
  timeoutMs: number;
  /** Values that must never appear in an error: the access key secret, session tokens. */
  secrets: readonly string[];
};

/** Thrown by the connector itself when a send runs past `timeoutMs`. */
export class SendTimeoutError extends Error {
  override name = 'SendTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`The send did not finish within ${timeoutMs} ms.`);
  }
}

/** The data of every ConnectorError this connector throws for a failed SES call. */
export type SesErrorData = {
  /** One sentence for the Console: what SES said, where, and what to do. */
  errorDescription: string;
  /** SES's error name, e.g. `MessageRejected`, or the network error code, e.g. `ECONNREFUSED`. */
  sesErrorName: string;
  /** The HTTP status SES answered with, when it answered. */
  httpStatus?: number;
  /** SES's request id, for AWS Support. */
  requestId?: string;
  region: string;
};

type Classified = { code: ConnectorErrorCodes; description: string };

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
};

const maxQuotedLength = 300;

/** `usage_limit_exceeded` exists only from connector-kit 5.1.1; older hosts get `rate_limit_exceeded`. */
export const usageLimitCode = (): ConnectorErrorCodes =>
  // The enum member is undefined at run time when the host's kit predates it.
  (ConnectorErrorCodes as Partial<typeof ConnectorErrorCodes>).UsageLimitExceeded ??
  ConnectorErrorCodes.RateLimitExceeded;

const redactions: ReadonlyArray<[RegExp, string]> = [
  // SignatureDoesNotMatch messages quote the canonical request, which may include a session token.
  [/(x-amz-security-token:)[^\s]*/gi, '$1[redacted]'],
  [/(authorization:)[^\n]*/gi, '$1 [redacted]'],
];

/** Replaces every secret and credential-bearing header in a text with `[redacted]`. */
export const redact = (text: string, secrets: readonly string[]): string => {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) {
      result = result.split(secret).join('[redacted]');
    }
  }
  for (const [pattern, replacement] of redactions) {
    result = result.replace(pattern, replacement);
  }
  return result;
};

/** Scrubs secrets from an error and its cause chain in place (message and stack). */
const redactErrorChain = (error: unknown, secrets: readonly string[]) => {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    current.message = redact(current.message, secrets);
    if (current.stack) {
      current.stack = redact(current.stack, secrets);
    }
    current = current.cause;
  }
};

const quote = (message: string): string => {
  const oneLine = message.replaceAll(/\s+/g, ' ').trim();
  return oneLine.length > maxQuotedLength ? `${oneLine.slice(0, maxQuotedLength)}…` : oneLine;
};

const credentialNames = {
  unknownKey: ['UnrecognizedClientException', 'UnrecognizedClient', 'InvalidClientTokenId'],
  badSignature: ['InvalidSignatureException', 'SignatureDoesNotMatch', 'IncompleteSignatureException'],
  denied: ['AccessDeniedException', 'AccessDenied'],
  expired: ['ExpiredTokenException', 'ExpiredToken', 'RequestExpired'],
};

const classifyService = (
  name: string,
  sesMessage: string,
  status: number | undefined,
  { region }: SendContext
): Classified => {
  const said = sesMessage ? ` SES said: "${sesMessage}".` : '';
  const general = (description: string): Classified => ({
    code: ConnectorErrorCodes.General,
    description,
  });
  switch (name) {
    case 'TooManyRequestsException': {
      return {
        code: ConnectorErrorCodes.RateLimitExceeded,
        description: `Amazon SES is throttling this account: its maximum sending rate in ${region} was exceeded, even after retries. Try again in a moment; if it keeps happening, request a higher sending quota in the SES console (Account dashboard).${said}`,
      };
    }
    case 'LimitExceededException': {
      return {
        code: usageLimitCode(),
        description: `Amazon SES refused the message because a sending limit of this account in ${region} is used up, usually the 24-hour sending quota (200 a day in the SES sandbox). Wait for the quota to reset, or request production access or a higher quota in the SES console.${said}`,
      };
    }
    case 'MessageRejected': {
      return general(
        `Amazon SES rejected the message in ${region}.${said} If an address is not verified, verify the sender identity (the emailAddress or its domain) in the SES console for ${region}; while the account is in the SES sandbox, verify the recipient too, or request production access.`
      );
    }
    case 'MailFromDomainNotVerifiedException': {
      return general(
        `The custom MAIL FROM domain of the sender identity is not verified in ${region}: publish the MX and SPF records the SES console shows for it, or turn the custom MAIL FROM domain off.${said}`
      );
    }
    case 'AccountSuspendedException': {
      return general(
        `Amazon SES has suspended sending for this AWS account in ${region}. See the SES console's Reputation metrics and contact AWS Support to restore sending.${said}`
      );
    }
    case 'SendingPausedException': {
      return general(
        `Sending is paused for this account or for the configuration set in ${region}: resume sending in the SES console (or remove configurationSetName).${said}`
      );
    }
    case 'NotFoundException': {
      return general(
        `Amazon SES could not find something the message names in ${region}, usually the configuration set: check that configurationSetName and the identity ARNs exist in ${region}.${said}`
      );
    }
    case 'BadRequestException': {
      return general(
        `Amazon SES refused the request as malformed in ${region}: check the sender address, the identity ARNs and the tags.${said}`
      );
    }
    default: {
      break;
    }
  }
  if (credentialNames.unknownKey.includes(name)) {
    return general(
      `AWS does not recognise the access key: check accessKeyId, and that the key is active in IAM (Security credentials) and belongs to a commercial-partition account for ${region}.${said}`
    );
  }
  if (credentialNames.badSignature.includes(name)) {
    return general(
      `AWS rejected the request signature: the accessKeySecret does not belong to the accessKeyId. Copy both again from the IAM access key (or create a new one).${said}`
    );
  }
  if (credentialNames.denied.includes(name)) {
    return general(
      `The AWS identity is not allowed to send email in ${region}: allow ses:SendEmail on the sender identity in its IAM policy.${said}`
    );
  }
  if (credentialNames.expired.includes(name)) {
    return general(
      `The AWS credentials have expired: refresh the temporary credentials (role or session token) Logto runs with, or use a long-lived access key.${said}`
    );
  }
  if (status !== undefined && status >= 500) {
    return general(
      `Amazon SES had an internal error in ${region} (HTTP ${status}, ${name}) and retries did not help. Try again later; check the AWS Health Dashboard if it persists.${said}`
    );
  }
  return general(`Amazon SES refused the message in ${region} (${name}).${said}`);
};

const networkDescriptions: Record<string, (context: SendContext) => string> = {
  ENOTFOUND: ({ host, region }) =>
    `Could not resolve ${host}: check that the region (${region}) is an SES region code and the endpoint, if set, is right, and that the Logto host can resolve DNS names.`,
  EAI_AGAIN: ({ host }) =>
    `DNS lookup of ${host} failed temporarily: check the Logto host's DNS resolver, then try again.`,
  ECONNREFUSED: ({ host }) =>
    `The connection to ${host} was refused: nothing accepts connections there. Check the endpoint setting (or remove it to use SES's regional endpoint).`,
  ECONNRESET: ({ host }) =>
    `The connection to ${host} was reset before SES answered, even after retries: check proxies or firewalls between Logto and ${host}.`,
  EPIPE: ({ host }) =>
    `The connection to ${host} was closed while sending, even after retries: check proxies or firewalls between Logto and ${host}.`,
  ETIMEDOUT: ({ host }) =>
    `Connecting to ${host} timed out: check that the Logto host can reach ${host} (security groups, VPC endpoint, proxy).`,
  EHOSTUNREACH: ({ host }) => `${host} is unreachable from the Logto host: check its network routes.`,
  ENETUNREACH: ({ host }) => `${host} is unreachable from the Logto host: check its network routes.`,
  CERT_HAS_EXPIRED: ({ host }) =>
    `The TLS certificate of ${host} has expired: check the endpoint setting or any TLS-inspecting proxy.`,
};

const describeTimeout = ({ host, timeoutMs }: SendContext) =>
  `Amazon SES did not answer within ${timeoutMs} ms (retries included) at ${host}. Check that the Logto host can reach ${host}, or raise timeoutMs.`;

const classify = (error: ErrorLike, context: SendContext): Classified & { name: string } => {
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? quote(redact(error.message, context.secrets)) : '';
  const status =
    typeof error.$metadata?.httpStatusCode === 'number' ? error.$metadata.httpStatusCode : undefined;

  if (error instanceof SendTimeoutError || name === 'AbortError') {
    return { name: 'Timeout', code: ConnectorErrorCodes.General, description: describeTimeout(context) };
  }
  if (error.$fault === 'client' || error.$fault === 'server') {
    return { name, ...classifyService(name, message, status, context) };
  }
  const network = code === undefined ? undefined : networkDescriptions[code];
  if (code !== undefined && network) {
    return { name: code, code: ConnectorErrorCodes.General, description: network(context) };
  }
  if (name === 'CredentialsProviderError') {
    return {
      name,
      code: ConnectorErrorCodes.General,
      description:
        'No AWS credentials were found: fill in accessKeyId and accessKeySecret, or give the Logto process credentials the AWS SDK finds (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared credentials file, or an IAM role for ECS, EKS or EC2).',
    };
  }
  if (name === 'TimeoutError') {
    return { name, code: ConnectorErrorCodes.General, description: describeTimeout(context) };
  }
  return {
    name: code ?? name,
    code: ConnectorErrorCodes.General,
    description: `Sending through Amazon SES (${context.host}) failed: ${name}${message ? `: ${message}` : ''}.`,
  };
};

/**
 * Turns anything an SES send can throw into the host's `ConnectorError`: throttling →
 * `rate_limit_exceeded`, a used-up quota → `usage_limit_exceeded` (where the host kit has it),
 * everything else → `general` with a sentence saying what happened and what to do. The SES
 * error name, HTTP status and request id are kept in `data`, the original error as `cause`,
 * and every secret is scrubbed from both.
 */
export const toConnectorError = (error: unknown, context: SendContext): ConnectorError => {
  if (error instanceof ConnectorError) {
    return error;
  }
  const errorLike: ErrorLike =
    typeof error === 'object' && error !== null ? error : { message: String(error) };
  const { name, code, description } = classify(errorLike, context);
  const requestId = errorLike.$metadata?.requestId;
  const status = errorLike.$metadata?.httpStatusCode;
  const data: SesErrorData = {
    errorDescription: redact(description, context.secrets),
    sesErrorName: name,
    ...(typeof status === 'number' && { httpStatus: status }),
    ...(typeof requestId === 'string' && { requestId }),
    region: context.region,
  };
  redactErrorChain(error, context.secrets);
  const connectorError = new ConnectorError(code, data);
  Object.defineProperty(connectorError, 'cause', {
    value: error,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return connectorError;
};
