import { createHash } from 'node:crypto';

import { SESv2Client } from '@aws-sdk/client-sesv2';
import { LRUCache } from 'lru-cache';

import { type ParsedConfig } from './config.js';

/** How many distinct connection settings keep a live SES client. */
export const clientCacheSize = 8;

/** Sockets each cached client may keep open to SES (its connection pool). */
export const maxSocketsPerClient = 64;

/** The SDK's standard retry mode: throttling, 5xx and network faults, three attempts in all. */
export const maxAttempts = 3;

type ConnectionSettings = Pick<ParsedConfig, 'region' | 'endpoint' | 'accessKeyId' | 'accessKeySecret'>;

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

const clients = new LRUCache<string, CacheEntry>({
  max: clientCacheSize,
  dispose: (entry) => {
    entry.evicted = true;
    destroyWhenIdle(entry);
  },
});

/**
 * The cache key: a SHA-256 digest of the settings, so the secret is never kept as readable text
 * (a heap dump or a debugger shows only the digest).
 */
export const connectionKey = ({ region, endpoint, accessKeyId, accessKeySecret }: ConnectionSettings) =>
  createHash('sha256')
    .update(JSON.stringify([region, endpoint ?? null, accessKeyId ?? null, accessKeySecret ?? null]))
    .digest('base64url');

/** A new, uncached SES client for these settings (the doctor's other-region reads use it too). */
export const createClient = ({ region, endpoint, accessKeyId, accessKeySecret }: ConnectionSettings) =>
  new SESv2Client({
    region,
    ...(endpoint && { endpoint }),
    // Both keys → static credentials; neither → the SDK's default chain (environment, shared
    // files, SSO, ECS/EKS/EC2 roles), cached and refreshed by the client.
    ...(accessKeyId && accessKeySecret && { credentials: { accessKeyId, secretAccessKey: accessKeySecret } }),
    maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      httpAgent: { keepAlive: true, maxSockets: maxSocketsPerClient },
      httpsAgent: { keepAlive: true, maxSockets: maxSocketsPerClient },
    },
  });

// The parsed configs the config cache hands out are frozen and reused across sends, so their
// digest is worth remembering; an object seen once is simply digested again.
const keysBySettings = new WeakMap<ConnectionSettings, string>();

const keyOf = (settings: ConnectionSettings): string => {
  let key = keysBySettings.get(settings);
  if (key === undefined) {
    key = connectionKey(settings);
    if (Object.isFrozen(settings)) {
      keysBySettings.set(settings, key);
    }
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

/** Destroys every cached client (tests, and hosts that reload the connector). */
export const clearSesClients = () => {
  clients.clear();
};

/** How many clients are cached now. */
export const cachedClientCount = () => clients.size;
