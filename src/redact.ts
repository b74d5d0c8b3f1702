/**
 * Secret scrubbing: every text the connector hands out (an error's description, message, stack,
 * and those of its causes) passes through here first. Two nets: by value (the secrets the
 * connector knows of, and those of the credentials that signed the failed request, see
 * {@link scrubClientErrors}), and by shape (credential headers and signatures, however quoted).
 */
import { type SESv2Client, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-sesv2';
import { type FinalizeRequestMiddleware } from '@smithy/types';

const redactions: ReadonlyArray<[RegExp, string]> = [
  // A session token or an Authorization value echoed back: as a header line (`X-Amz-Security-Token:
  // …`, with or without a space), in JSON (`"x-amz-security-token":"…"`) or as a query parameter.
  [/(x-amz-security-token"?\s*[:=]\s*"?)[^\s",&}]*/gi, '$1[redacted]'],
  [/(authorization"?\s*:\s*"?)[^\n"]*/gi, '$1[redacted]'],
  // A SigV4 signature wherever it appears (`Signature=<hex>`, `X-Amz-Signature=<hex>`).
  [/(signature=)[\da-f]{16,}/gi, '$1[redacted]'],
];

/** Secrets shorter than this are not scrubbed: replacing "a" everywhere would shred the text. */
const minSecretLength = 4;

/** Replaces every secret and credential-bearing header in a text with `[redacted]`. */
export const redact = (text: string, secrets: readonly string[]): string => {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= minSecretLength) {
      result = result.split(secret).join('[redacted]');
    }
  }
  for (const [pattern, replacement] of redactions) {
    result = result.replace(pattern, replacement);
  }
  return result;
};

/**
 * Scrubs secrets from an error and its cause chain in place: message, stack, and the error's own
 * text fields (the SDK copies the fields of an SES error body onto its error). Survives loops,
 * and errors whose properties throw when read (those are left as they are).
 */
export const redactErrorChain = (error: unknown, secrets: readonly string[]): void => {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    try {
      current.message = redact(current.message, secrets);
      if (current.stack) {
        current.stack = redact(current.stack, secrets);
      }
      const fields = current as unknown as Record<string, unknown>;
      for (const key of Object.keys(fields)) {
        const value = fields[key];
        if (typeof value === 'string') {
          fields[key] = redact(value, secrets);
        }
      }
      current = current.cause;
    } catch {
      return;
    }
  }
};

/**
 * The secrets a send, its diagnosis or the doctor may meet: the config's key secret and the
 * process's own AWS secrets (those too short to scrub are left out).
 */
export const knownSecrets = (accessKeySecret?: string): string[] =>
  [accessKeySecret, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN].filter(
    (secret): secret is string => secret !== undefined && secret.length >= minSecretLength
  );

const maxQuotedLength = 300;

/**
 * Someone else's words (SES's, the SDK's, a thrown error's) made fit to quote in a sentence:
 * secrets scrubbed, on one line, at most 300 characters (then `…`).
 */
export const quoteScrubbed = (text: string, secrets: readonly string[]): string => {
  const oneLine = redact(text, secrets).replaceAll(/\s+/g, ' ').trim();
  return oneLine.length > maxQuotedLength ? `${oneLine.slice(0, maxQuotedLength)}…` : oneLine;
};

/** The signature of a SigV4 `Authorization` value (`…, Signature=<hex>`). */
const signatureOf = (authorization: string | undefined): string | undefined =>
  /signature=([\da-f]+)/i.exec(authorization ?? '')?.[1];

type SignedRequest = { headers?: Record<string, string | undefined> };

/**
 * Makes every failure of this client's requests safe to quote: when a signed request fails, its
 * error (and cause chain) is scrubbed in place, by value, of the session token and the
 * `Authorization` value and signature the request carried, then of the secret and session token
 * of the credentials the client resolved (`client.config.credentials()`, the client's cached
 * identity: role credentials from a container or instance endpoint are in no environment
 * variable). Whatever quotes the error later (the send's ConnectorError, the diagnosis, the
 * doctor) then holds none of them. Costs nothing on a request that succeeds.
 */
export const scrubClientErrors = (client: SESv2Client): void => {
  const scrubbed = async (error: unknown, request: SignedRequest): Promise<never> => {
    const { headers = {} } = request;
    const sent = [headers['x-amz-security-token'], headers.authorization, signatureOf(headers.authorization)];
    redactErrorChain(
      error,
      sent.filter((value): value is string => value !== undefined)
    );
    const identity = await client.config.credentials().catch(() => undefined);
    redactErrorChain(
      error,
      [identity?.secretAccessKey, identity?.sessionToken].filter(
        (value): value is string => value !== undefined
      )
    );
    throw error;
  };
  // No async frame on the way: a request that succeeds costs one `catch` registration.
  const scrub: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => (args) =>
    next(args).catch(async (error: unknown) => scrubbed(error, args.request as SignedRequest));
  // `finalizeRequest`, low priority: inside the retry loop and the signing (both high), so the
  // request seen here is the signed one, and the error of each attempt passes through.
  client.middlewareStack.add(scrub, {
    step: 'finalizeRequest',
    priority: 'low',
    name: 'connectorAwsSesScrubSecrets',
    override: true,
  });
};
