import { createHash } from 'node:crypto';

import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { LRUCache } from 'lru-cache';

import { ownCache } from './caches.js';
import { type ParsedConfig } from './config.js';
import { scrubClientErrors } from './redact.js';
import { atMostOnceRetries, maxAttempts } from './retry-policy.js';

/** How many distinct connection settings keep a live SES client. */
export const clientCacheSize = 8;

/** Sockets each cached client may keep open to SES (its connection pool). */
export const maxSocketsPerClient = 64;

/** What an SES client is made from: where to connect, with which keys, and how to retry. */
export type ConnectionSettings = Pick<
  ParsedConfig,
  'region' | 'endpoint' | 'accessKeyId' | 'accessKeySecret' | 'retryPolicy'
>;

/** Whether these settings carry both keys (static credentials) rather than using the default chain. */
export const hasStaticKeys = ({ accessKeyId, accessKeySecret }: ConnectionSettings): boolean =>
  Boolean(accessKeyId && accessKeySecret);

/**
 * A new, uncached SES client for these settings (the doctor's other-region reads use it too,
 * with `credentials`: the provider of a client that already resolved them, so a
 * `credential_process` or a role endpoint is asked once, not once per client). Every answer it
 * quotes is scrubbed of the credentials that signed the request ({@link scrubClientErrors}).
 */
export const createClient = (
  { region, endpoint, accessKeyId, accessKeySecret, retryPolicy }: ConnectionSettings,
  credentials?: SESv2ClientConfig['credentials']
) => {
  const client = new SESv2Client({
    region,
    ...(endpoint && { endpoint }),
    // Both keys → static credentials; neither → the SDK's default chain (environment, shared
    // files, SSO, ECS/EKS/EC2 roles), cached and refreshed by the client.
    ...(accessKeyId && accessKeySecret && { credentials: { accessKeyId, secretAccessKey: accessKeySecret } }),
    ...(credentials && { credentials }),
    maxAttempts,
    // `deliver`: the SDK's standard mode (throttling, 5xx, resets and timeouts are retried).
    ...(retryPolicy === 'at-most-once' ? { retryStrategy: atMostOnceRetries } : { retryMode: 'standard' }),
    requestHandler: {
      httpAgent: { keepAlive: true, maxSockets: maxSocketsPerClient },
      httpsAgent: { keepAlive: true, maxSockets: maxSocketsPerClient },
    },
  });
  scrubClientErrors(client);
  return client;
};

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

// The parsed configs the config cache hands out are frozen and serve every send of that config:
// their key is digested once. A WeakMap needs no clearing: a key is a pure function of frozen
// settings, and an entry dies with its config.
const frozenKeys = new WeakMap<ConnectionSettings, string>();

const keyOf = (settings: ConnectionSettings): string => {
  if (!Object.isFrozen(settings)) {
    return connectionKey(settings);
  }
  let key = frozenKeys.get(settings);
  if (key === undefined) {
    key = connectionKey(settings);
    frozenKeys.set(settings, key);
  }
  return key;
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
  const key = keyOf(settings);
  let entry = clients.get(key);
  if (!entry) {
    entry = { client: createClient(settings), inFlight: 0, evicted: false };
    clients.set(key, entry);
  }
  entry.inFlight += 1;
  try {
    return await use(entry.client);
  } finally {
    entry.inFlight -= 1;
    destroyWhenIdle(entry);
  }
};

/** How many clients are cached now. */
export const cachedClientCount = () => clients.size;
