/** Attempts per send, retries included (the SDK's standard retry mode counts the same way). */
export const maxAttempts = 3;

type RetryToken = { getRetryCount: () => number; getRetryDelay: () => number };
type RetryErrorInfo = { errorType: string; error?: unknown };

const retryTokenOf = (count: number, delay: number): RetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

/**
 * Failures after which SES cannot have received the request: the connection never carried it
 * (refused, or the host name or route did not resolve).
 */
const notSentCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

const neverReachedSes = (error: unknown): boolean => {
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | undefined)?.cause);
  return typeof code === 'string' && notSentCodes.has(code);
};

/** Exponential backoff with full jitter, like the SDK's: 100 ms base, 500 ms for throttling. */
const backoffMs = (retries: number, throttled: boolean) =>
  Math.floor(Math.random() * Math.min(20_000, (throttled ? 500 : 100) * 2 ** retries));

/**
 * The `at-most-once` policy, an SDK retry strategy: retries only what SES cannot have accepted,
 * so no retry can send a second copy: throttling answers, and connections that failed before
 * the request was written. After a 5xx, a reset or a timeout the request may have been
 * accepted, so it is not retried. (`deliver` is the SDK's own standard mode.)
 */
export const atMostOnceRetries = {
  mode: 'standard',
  acquireInitialRetryToken: async (): Promise<RetryToken> => Promise.resolve(retryTokenOf(0, 0)),
  refreshRetryTokenForRetry: async (
    token: RetryToken,
    { errorType, error }: RetryErrorInfo
  ): Promise<RetryToken> => {
    const retries = token.getRetryCount();
    const throttled = errorType === 'THROTTLING';
    if (retries + 1 >= maxAttempts || !(throttled || neverReachedSes(error))) {
      throw new Error('No retry token available');
    }
    const delay = backoffMs(retries, throttled);
    await new Promise((resolve) => setTimeout(resolve, delay));
    return retryTokenOf(retries + 1, delay);
  },
  recordSuccess: (): void => undefined,
};
