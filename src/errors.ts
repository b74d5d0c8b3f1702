import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { ZodError, type ZodIssue } from 'zod';

import { quoteScrubbed, redact, redactErrorChain } from './redact.js';

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
  /**
   * True when the time ran out before any request was sent while the SDK's default credential
   * chain was still looking for credentials.
   * @default false
   */
  credentialsPending?: boolean;
};

/** The step of a send that was running when its time ran out. */
export type SendPhase = 'config' | 'template' | 'send';

/** Thrown by the connector itself when a send runs past its time budget. */
export class SendTimeoutError extends Error {
  override name = 'SendTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly phase: SendPhase = 'send'
  ) {
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

// ---------------------------------------------------------------------------------------------
// Factories: every ConnectorError the connector throws is built here.

/**
 * `invalid_config` carrying a ZodError of the host's zod (Logto shows each issue under the
 * message), from the guard's own error or from issues found outside the guard.
 */
export const invalidConfig = (issues: ZodError | readonly ZodIssue[]): ConnectorError =>
  new ConnectorError(
    ConnectorErrorCodes.InvalidConfig,
    issues instanceof ZodError ? issues : new ZodError([...issues])
  );

/** Keeps `cause` on a ConnectorError without making it part of what Logto serialises. */
const withCause = (error: ConnectorError, cause: unknown): ConnectorError => {
  Object.defineProperty(error, 'cause', {
    value: cause,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return error;
};

/**
 * `general` with the one sentence the Console shows ("Error occurred in connector: …"); the
 * optional `cause` is kept out of what Logto serialises.
 */
export const generalError = (errorDescription: string, cause?: unknown): ConnectorError => {
  const error = new ConnectorError(ConnectorErrorCodes.General, { errorDescription });
  return cause === undefined ? error : withCause(error, cause);
};

/**
 * The same failure told better (the send-path diagnosis): a new ConnectorError with the same
 * code and cause, and `data` in place of the original's.
 */
export const sharpenedError = (error: ConnectorError, data: Record<string, unknown>): ConnectorError =>
  withCause(new ConnectorError(error.code, data), error.cause);

/** `template_not_found` with a sentence naming what is missing. */
export const templateNotFound = (errorDescription: string): ConnectorError =>
  new ConnectorError(ConnectorErrorCodes.TemplateNotFound, { errorDescription });

/** What a thrown value calls itself, without running any of its code that could throw again. */
const describeThrown = (error: unknown): { name: string; message: string } => {
  try {
    if (error instanceof Error) {
      const { name, message } = error as { name: unknown; message: unknown };
      return { name: String(name), message: String(message) };
    }
    return {
      name: 'Error',
      message: typeof error === 'string' ? error : Object.prototype.toString.call(error),
    };
  } catch {
    return { name: 'Error', message: '' };
  }
};

/**
 * `general` for a failure nothing else classified (a payload getter that throws, a value that
 * cannot be turned into text): says what broke, secrets scrubbed, the error kept as `cause`.
 */
export const unexpectedFailure = (error: unknown, secrets: readonly string[] = []): ConnectorError => {
  const { name, message } = describeThrown(error);
  const said = message ? `: ${quoteScrubbed(message, secrets)}` : '';
  redactErrorChain(error, secrets);
  return withCause(
    generalError(
      `The connector could not build or send the email (${name}${said}). Check the values passed to the email (the payload) and the connector's settings; if it persists, report it with this message.`
    ),
    error
  );
};

/** Logto's `getConfig` failed: the saved settings could not be read. */
export const unreadableConfig = (error: unknown): ConnectorError =>
  generalError(
    `Logto could not read this connector's saved configuration (${describeThrown(error).message}). Save the connector's settings again.`
  );

/** The time budget ran out before SES was asked: while Logto read the config or the template. */
export const hostTimeout = (phase: 'config' | 'template', timeoutMs: number): ConnectorError =>
  generalError(
    phase === 'config'
      ? `Logto did not hand over this connector's saved configuration within ${timeoutMs} ms, so no email was sent. Check Logto's database connection, then try again.`
      : `Logto's email template lookup did not answer within ${timeoutMs} ms, so no email was sent. Check Logto's database connection (email templates are read from it), then try again.`
  );

// ---------------------------------------------------------------------------------------------
// Readers: what callers (the CLI, the example app) read from an error, without knowing its shape.

/** The zod issues of an `invalid_config` error (one per config problem), or none. */
export const configIssuesOf = (error: unknown): readonly ZodIssue[] => {
  const data: unknown = error instanceof ConnectorError ? error.data : undefined;
  const issues: unknown =
    typeof data === 'object' && data !== null ? (data as { issues?: unknown }).issues : undefined;
  return Array.isArray(issues) ? (issues as ZodIssue[]) : [];
};

/** The sentence the connector wrote for a failure (`data.errorDescription`), if it has one. */
export const errorDescriptionOf = (error: unknown): string | undefined => {
  const data: unknown = error instanceof ConnectorError ? error.data : undefined;
  const description: unknown =
    typeof data === 'object' && data !== null
      ? (data as { errorDescription?: unknown }).errorDescription
      : undefined;
  return typeof description === 'string' ? description : undefined;
};

// ---------------------------------------------------------------------------------------------
// SES and network failures: one table.

/** `usage_limit_exceeded` exists only from connector-kit 5.1.1; older hosts get `rate_limit_exceeded`. */
export const usageLimitCode = (): ConnectorErrorCodes =>
  // The enum member is undefined at run time when the host's kit predates it.
  (ConnectorErrorCodes as Partial<typeof ConnectorErrorCodes>).UsageLimitExceeded ??
  ConnectorErrorCodes.RateLimitExceeded;

/**
 * One kind of failure: the SES exception names or Node network codes it covers, the host's error
 * code for it, and the sentence. `said` is `` SES said: "…".`` (with a leading space) or `''`.
 */
type FailureKind = {
  names: readonly string[];
  code: ConnectorErrorCodes | (() => ConnectorErrorCodes);
  describe: (context: SendContext, said: string) => string;
};

const unreachable = ({ host }: SendContext) =>
  `${host} is unreachable from the Logto host: check its network routes.`;

const timeoutKind: FailureKind = {
  names: ['TimeoutError'],
  code: ConnectorErrorCodes.General,
  describe: ({ host, timeoutMs }) =>
    `Amazon SES did not answer within ${timeoutMs} ms (retries included) at ${host}. Check that the Logto host can reach ${host}, or raise timeoutMs.`,
};

const failureKinds: readonly FailureKind[] = [
  // SES service exceptions, by name.
  {
    names: ['TooManyRequestsException'],
    code: ConnectorErrorCodes.RateLimitExceeded,
    describe: ({ region }, said) =>
      `Amazon SES is throttling this account: its maximum sending rate in ${region} was exceeded, even after retries. Try again in a moment; if it keeps happening, request a higher sending quota in the SES console (Account dashboard).${said}`,
  },
  {
    names: ['LimitExceededException'],
    code: usageLimitCode,
    describe: ({ region }, said) =>
      `Amazon SES refused the message because a sending limit of this account in ${region} is used up, usually the 24-hour sending quota (200 a day in the SES sandbox). Wait for the quota to reset, or request production access or a higher quota in the SES console.${said}`,
  },
  {
    names: ['MessageRejected'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `Amazon SES rejected the message in ${region}.${said} If an address is not verified, verify the sender identity (the emailAddress or its domain) in the SES console for ${region}; while the account is in the SES sandbox, verify the recipient too, or request production access.`,
  },
  {
    names: ['MailFromDomainNotVerifiedException'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `The custom MAIL FROM domain of the sender identity is not verified in ${region}: publish the MX and SPF records the SES console shows for it, or turn the custom MAIL FROM domain off.${said}`,
  },
  {
    names: ['AccountSuspendedException'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `Amazon SES has suspended sending for this AWS account in ${region}. See the SES console's Reputation metrics and contact AWS Support to restore sending.${said}`,
  },
  {
    names: ['SendingPausedException'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `Sending is paused for this account or for the configuration set in ${region}: resume sending in the SES console (or remove configurationSetName).${said}`,
  },
  {
    names: ['NotFoundException'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `Amazon SES could not find something the message names in ${region}, usually the configuration set or a stored template: check that configurationSetName, the templates of sesTemplates and the identity ARNs exist in ${region}.${said}`,
  },
  {
    names: ['BadRequestException'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `Amazon SES refused the request as malformed in ${region}: check the sender address, the identity ARNs and the tags.${said}`,
  },
  {
    names: ['UnrecognizedClientException', 'UnrecognizedClient', 'InvalidClientTokenId'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `AWS does not recognise the access key: check accessKeyId, and that the key is active in IAM (Security credentials) and belongs to a commercial-partition account for ${region}.${said}`,
  },
  {
    names: ['InvalidSignatureException', 'SignatureDoesNotMatch', 'IncompleteSignatureException'],
    code: ConnectorErrorCodes.General,
    describe: (_context, said) =>
      `AWS rejected the request signature: the accessKeySecret does not belong to the accessKeyId. Copy both again from the IAM access key (or create a new one).${said}`,
  },
  {
    names: ['AccessDeniedException', 'AccessDenied'],
    code: ConnectorErrorCodes.General,
    describe: ({ region }, said) =>
      `The AWS identity is not allowed to send email in ${region}: allow ses:SendEmail on the sender identity in its IAM policy.${said}`,
  },
  {
    names: ['ExpiredTokenException', 'ExpiredToken', 'RequestExpired'],
    code: ConnectorErrorCodes.General,
    describe: (_context, said) =>
      `The AWS credentials have expired: refresh the temporary credentials (role or session token) Logto runs with, or use a long-lived access key.${said}`,
  },
  // Node network error codes.
  {
    names: ['ENOTFOUND'],
    code: ConnectorErrorCodes.General,
    describe: ({ host, region }) =>
      `Could not resolve ${host}: check that the region (${region}) is an SES region code and the endpoint, if set, is right, and that the Logto host can resolve DNS names.`,
  },
  {
    names: ['EAI_AGAIN'],
    code: ConnectorErrorCodes.General,
    describe: ({ host }) =>
      `DNS lookup of ${host} failed temporarily: check the Logto host's DNS resolver, then try again.`,
  },
  {
    names: ['ECONNREFUSED'],
    code: ConnectorErrorCodes.General,
    describe: ({ host }) =>
      `The connection to ${host} was refused: nothing accepts connections there. Check the endpoint setting (or remove it to use SES's regional endpoint).`,
  },
  {
    names: ['ECONNRESET'],
    code: ConnectorErrorCodes.General,
    describe: ({ host }) =>
      `The connection to ${host} was reset before SES answered, even after retries: check proxies or firewalls between Logto and ${host}.`,
  },
  {
    names: ['EPIPE'],
    code: ConnectorErrorCodes.General,
    describe: ({ host }) =>
      `The connection to ${host} was closed while sending, even after retries: check proxies or firewalls between Logto and ${host}.`,
  },
  {
    names: ['ETIMEDOUT'],
    code: ConnectorErrorCodes.General,
    describe: ({ host }) =>
      `Connecting to ${host} timed out: check that the Logto host can reach ${host} (security groups, VPC endpoint, proxy).`,
  },
  { names: ['EHOSTUNREACH', 'ENETUNREACH'], code: ConnectorErrorCodes.General, describe: unreachable },
  {
    names: ['CERT_HAS_EXPIRED'],
    code: ConnectorErrorCodes.General,
    describe: ({ host }) =>
      `The TLS certificate of ${host} has expired: check the endpoint setting or any TLS-inspecting proxy.`,
  },
  // SDK errors, by name.
  {
    names: ['CredentialsProviderError'],
    code: ConnectorErrorCodes.General,
    describe: () =>
      'No AWS credentials were found: fill in accessKeyId and accessKeySecret, or give the Logto process credentials the AWS SDK finds (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared credentials file, or an IAM role for ECS, EKS or EC2).',
  },
  timeoutKind,
];

const failureKindByName = new Map(
  failureKinds.flatMap((kind) => kind.names.map((name) => [name, kind] as const))
);

/** The time ran out while the SDK's default chain was still looking for credentials. */
const credentialsTimeoutKind: FailureKind = {
  names: [],
  code: ConnectorErrorCodes.General,
  describe: ({ timeoutMs }) =>
    `No AWS credentials could be found within ${timeoutMs} ms, so nothing was sent to Amazon SES. The AWS SDK's default chain looked in the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE), the shared config and credentials files (~/.aws), SSO, credential_process, a web identity token (EKS), ECS/EKS container credentials, and last the EC2 instance metadata service, which did not answer. Fill in accessKeyId and accessKeySecret, or give the Logto process one of these.`,
};

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
};

type Classified = { name: string; code: ConnectorErrorCodes; description: string };

const classified = (name: string, kind: FailureKind, context: SendContext, said = ''): Classified => ({
  name,
  code: typeof kind.code === 'function' ? kind.code() : kind.code,
  description: kind.describe(context, said),
});

const classify = (error: ErrorLike, context: SendContext): Classified => {
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? quoteScrubbed(error.message, context.secrets) : '';
  const status =
    typeof error.$metadata?.httpStatusCode === 'number' ? error.$metadata.httpStatusCode : undefined;

  if (error instanceof SendTimeoutError || name === 'AbortError') {
    return context.credentialsPending
      ? classified('CredentialsProviderError', credentialsTimeoutKind, context)
      : classified('Timeout', timeoutKind, context);
  }
  if (error.$fault === 'client' || error.$fault === 'server') {
    const said = message ? ` SES said: "${message}".` : '';
    const kind = failureKindByName.get(name);
    if (kind) {
      return classified(name, kind, context, said);
    }
    const description =
      status !== undefined && status >= 500
        ? `Amazon SES had an internal error in ${context.region} (HTTP ${status}, ${name}) and retries did not help. Try again later; check the AWS Health Dashboard if it persists.${said}`
        : `Amazon SES refused the message in ${context.region} (${name}).${said}`;
    return { name, code: ConnectorErrorCodes.General, description };
  }
  const byCode = code === undefined ? undefined : failureKindByName.get(code);
  if (code !== undefined && byCode) {
    return classified(code, byCode, context);
  }
  const byName = failureKindByName.get(name);
  if (byName) {
    return classified(name, byName, context);
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
  return withCause(new ConnectorError(code, data), error);
};
