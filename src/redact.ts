/**
 * Secret scrubbing: every text the connector hands out (an error's description, message, stack,
 * and those of its causes) passes through here first.
 */

const redactions: ReadonlyArray<[RegExp, string]> = [
  // SignatureDoesNotMatch messages quote the canonical request, which may include a session token.
  [/(x-amz-security-token:)[^\s]*/gi, '$1[redacted]'],
  [/(authorization:)[^\n]*/gi, '$1 [redacted]'],
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
 * Scrubs secrets from an error and its cause chain in place (message and stack); survives loops,
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
