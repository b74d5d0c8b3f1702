import { createHash } from 'node:crypto';

import { SendEmailCommand, type SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import { LRUCache } from 'lru-cache';

import { ClearableWeakMap, ownCache } from './caches.js';
import { type ParsedConfig, defaultTimeoutMs } from './config.js';
import { isCachedConfig } from './config-cache.js';
import { type SendContext, type SendPhase, SendTimeoutError, toConnectorError } from './errors.js';
import { sendHostOf } from './multi-region.js';
import { knownSecrets } from './redact.js';

// The transport: the SES clients, the time budget of a send and the one call that sends.

/** How many distinct connection settings keep a live SES client. */
export const clientCacheSize = 8;

/** Sockets each cached client may keep open to SES (its connection pool). */
export const maxSocketsPerClient = 64;

/** Attempts per send, retries included (the SDK's standard retry mode counts the same way). */
export const maxAttempts = 3;

type ConnectionSettings = Pick<
  ParsedConfig,
  'region' | 'endpoint' | 'accessKeyId' | 'accessKeySecret' | 'retryPolicy'
>;

/**
 * What a send needs of the config: where to connect, and for its errors how long it may take and
 * which multi-region endpoint it went to.
 */
export type SendSettings = ConnectionSettings &
  Pick<ParsedConfig, 'timeoutMs'> &
  Pick<Partial<ParsedConfig>, 'endpointId'>;

// ---------------------------------------------------------------------------------------------
// The time budget of one send.

/**
 * The abort signal one send hands to the SDK. The SDK reads `aborted` and `reason` and adds abort
 * listeners (in its retry loop and its HTTP handler), which is all this implements: Node's
 * `AbortController` does the same through an `EventTarget`, at a measurably higher cost per send.
 * Aborted at most once; listeners are called in the order they were added.
 */
export class SendAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  /** The SDK's older signal interface; the SDK uses listeners when it finds `addEventListener`. */
  onabort: (() => void) | null = null;
  /**
   * The SDK's context of this send, once its middleware began (clients on the default credential
   * chain only): `selectedHttpAuthScheme` appears in it once credentials were found.
   */
  sdkContext: { selectedHttpAuthScheme?: unknown } | undefined = undefined;
  readonly #listeners = new Set<() => void>();

  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.delete(listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) {
      return;
    }
    this.aborted = true;
    this.reason = reason;
    for (const listener of this.#listeners) {
      listener();
    }
    this.onabort?.();
  }
}

/**
 * The clock of one send, started when `sendMessage` is entered: {@link defaultTimeoutMs} until
 * the config is known, then the config's `timeoutMs`, both counted from the start. When it runs
 * out, {@link SendBudget.expired} rejects with a {@link SendTimeoutError} naming the step that
 * was running, and the SDK's request and retries are aborted.
 */
export class SendBudget {
  readonly signal = new SendAbortSignal();
  /** Rejects when the time is up; never resolves. Race the send against it. */
  readonly expired: Promise<never>;
  /** The step running now (set by the caller), named in the timeout error. */
  phase: SendPhase = 'config';
  #timeoutMs: number;
  readonly #startedAt = performance.now();
  #timer: NodeJS.Timeout;
  #reject: (error: SendTimeoutError) => void = () => undefined;

  constructor(timeoutMs: number = defaultTimeoutMs) {
    this.#timeoutMs = timeoutMs;
    this.expired = new Promise<never>((_resolve, reject) => {
      this.#reject = reject;
    });
    // The budget rides along as the timer's argument: no closure per send.
    this.#timer = setTimeout(expireBudget, timeoutMs, this);
  }

  /** When the budget started (`performance.now()`), the moment sendMessage was entered. */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** The budget in milliseconds, counted from the start. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Sets the budget to `timeoutMs` from the start (already running out if that has passed). */
  limitTo(timeoutMs: number): void {
    if (timeoutMs === this.#timeoutMs) {
      return;
    }
    clearTimeout(this.#timer);
    this.#timeoutMs = timeoutMs;
    const left = timeoutMs - (performance.now() - this.#startedAt);
    this.#timer = setTimeout(expireBudget, Math.max(0, left), this);
  }

  /** Stops the clock; call once the send has ended, either way. */
  end(): void {
    clearTimeout(this.#timer);
  }

  /** Runs out: aborts the SDK's request and retries, and rejects {@link SendBudget.expired}. */
  expire(): void {
    const error = new SendTimeoutError(this.#timeoutMs, this.phase);
    this.signal.abort(error);
    this.#reject(error);
  }
}

const expireBudget = (budget: SendBudget) => {
  budget.expire();
};

// ---------------------------------------------------------------------------------------------
// Retries.

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
 * The `at-most-once` policy: retries only what SES cannot have accepted, so no retry can send a
 * second copy: throttling answers, and connections that failed before the request was written.
 * After a 5xx, a reset or a timeout the request may have been accepted, so it is not retried.
 */
const atMostOnceRetries = {
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

// ---------------------------------------------------------------------------------------------
// The client cache.

type CacheEntry = {
  client: SESv2Client;
  /** Sends in progress: an evicted client is destroyed only once they have ended. */
  inFlight: number;
  evicted: boolean;
};

const destroyWhenIdle = (entry: CacheEntry) => {
  if (entry.evicted && entry.inFlight === 0) {
    entry.client.destroy();
  }
};

const clients = ownCache(
  'sesClients',
  new LRUCache<string, CacheEntry>({
    max: clientCacheSize,
    dispose: (entry) => {
      entry.evicted = true;
      destroyWhenIdle(entry);
    },
  })
);

/**
 * The cache key: a SHA-256 digest of the settings, so the secret is never kept as readable text
 * (a heap dump or a debugger shows only the digest).
 */
export const connectionKey = ({
  region,
  endpoint,
  accessKeyId,
  accessKeySecret,
  retryPolicy,
}: ConnectionSettings) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        region,
        endpoint ?? null,
        accessKeyId ?? null,
        accessKeySecret ?? null,
        retryPolicy ?? 'deliver',
      ])
    )
    .digest('base64url');

type SmithyContext = { abortSignal?: unknown; selectedHttpAuthScheme?: unknown };

/**
 * On a client using the SDK's default credential chain, shows each send's signal the SDK's
 * context of that send, so a send that runs out of time can tell whether it was still waiting for
 * credentials (the chain ends with the EC2 instance metadata service, which may never answer).
 */
const watchCredentialLookups = (client: SESv2Client) => {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const sdkContext = (context as { __smithy_context?: SmithyContext }).__smithy_context;
      if (sdkContext?.abortSignal instanceof SendAbortSignal) {
        sdkContext.abortSignal.sdkContext = sdkContext;
      }
      return next(args);
    },
    { step: 'initialize', name: 'connectorAwsSesCredentialWatch' }
  );
};

/** A new, uncached SES client for these settings (the doctor's other-region reads use it too). */
export const createClient = ({
  region,
  endpoint,
  accessKeyId,
  accessKeySecret,
  retryPolicy,
}: ConnectionSettings) => {
  const client = new SESv2Client({
    region,
    ...(endpoint && { endpoint }),
    // Both keys → static credentials; neither → the SDK's default chain (environment, shared
    // files, SSO, ECS/EKS/EC2 roles), cached and refreshed by the client.
    ...(accessKeyId && accessKeySecret && { credentials: { accessKeyId, secretAccessKey: accessKeySecret } }),
    maxAttempts,
    // `deliver`: the SDK's standard mode (throttling, 5xx, resets and timeouts are retried).
    ...(retryPolicy === 'at-most-once' ? { retryStrategy: atMostOnceRetries } : { retryMode: 'standard' }),
    requestHandler: {
      httpAgent: { keepAlive: true, maxSockets: maxSocketsPerClient },
      httpsAgent: { keepAlive: true, maxSockets: maxSocketsPerClient },
    },
  });
  if (!(accessKeyId && accessKeySecret)) {
    watchCredentialLookups(client);
  }
  return client;
};

// The parsed configs the config cache hands out are frozen and reused across sends, so their
// digest is worth remembering; any other object is simply digested again.
const keysBySettings = ownCache('connectionKeys', new ClearableWeakMap<ConnectionSettings, string>());

const keyOf = (settings: ConnectionSettings): string => {
  let key = keysBySettings.get(settings);
  if (key === undefined) {
    key = connectionKey(settings);
    if (isCachedConfig(settings)) {
      keysBySettings.set(settings, key);
    }
  }
  return key;
};

const acquire = (settings: ConnectionSettings): CacheEntry => {
  const key = keyOf(settings);
  let entry = clients.get(key);
  if (!entry) {
    entry = { client: createClient(settings), inFlight: 0, evicted: false };
    clients.set(key, entry);
  }
  entry.inFlight += 1;
  return entry;
};

const release = (entry: CacheEntry) => {
  entry.inFlight -= 1;
  destroyWhenIdle(entry);
};

/**
 * Runs `use` with the SES client for these connection settings, creating it on first use.
 * Clients live at module level because Logto calls the connector factory on almost every send;
 * at most {@link clientCacheSize} are kept, the least recently used is destroyed once idle.
 */
export const withSesClient = async <Result>(
  settings: ConnectionSettings,
  use: (client: SESv2Client) => Promise<Result>
): Promise<Result> => {
  const entry = acquire(settings);
  try {
    return await use(entry.client);
  } finally {
    release(entry);
  }
};

/** How many clients are cached now. */
export const cachedClientCount = () => clients.size;

// ---------------------------------------------------------------------------------------------
// The send.

const sendContextOf = (settings: SendSettings, budget: SendBudget): SendContext => ({
  region: settings.region,
  host: sendHostOf(settings),
  timeoutMs: budget.timeoutMs,
  secrets: knownSecrets(settings.accessKeySecret),
  credentialsPending:
    budget.signal.sdkContext !== undefined && budget.signal.sdkContext.selectedHttpAuthScheme === undefined,
});

/** The host's ConnectorError for anything a send through SES threw (the budget's timeout too). */
export const sesFailure = (error: unknown, settings: SendSettings, budget: SendBudget) =>
  toConnectorError(error, sendContextOf(settings, budget));

/**
 * Sends one email through the cached client for `settings`, within the budget: its signal
 * aborts the request in flight and the SDK's retries. Returns the SES MessageId, or throws the
 * host's ConnectorError.
 */
export const sendEmail = async (
  settings: SendSettings,
  input: SendEmailCommandInput,
  budget: SendBudget
): Promise<string | undefined> => {
  const entry = acquire(settings);
  try {
    const output = await entry.client.send(new SendEmailCommand(input), { abortSignal: budget.signal });
    return output.MessageId;
  } catch (error: unknown) {
    // Built only when needed: a successful send never pays for it.
    throw sesFailure(error, settings, budget);
  } finally {
    release(entry);
  }
};
