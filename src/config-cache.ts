import { createHash } from 'node:crypto';

import { LRUCache } from 'lru-cache';

import { ownCache } from './caches.js';
import { type ParsedConfig, parseConfig } from './config.js';

/** How many distinct configs keep their parsed form (a Logto instance usually has one). */
export const parsedConfigCacheSize = 16;

/** Configs whose JSON text is longer than this are parsed on every send, never kept. */
export const maxCachedConfigLength = 256 * 1024;

const parsedConfigs = ownCache(
  'parsedConfigs',
  new LRUCache<string, ParsedConfig>({ max: parsedConfigCacheSize })
);

/** Freezes `value` and every object in it (a parsed config: a few levels of plain data). */
const deepFreeze = <Value>(value: Value): Value => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
};

/** The config's JSON text, or undefined when JSON cannot write it (a cycle, a bigint, a function). */
const jsonTextOf = (config: unknown): string | undefined => {
  try {
    return JSON.stringify(config);
  } catch {
    return undefined;
  }
};

/**
 * {@link parseConfig} with a memory. Logto hands the connector its stored config, a fresh object,
 * on every send, and validating it (nine templates, addresses, regexes) costs more than all the
 * rest of the connector's own work for that send.
 *
 * A config is recognised by a SHA-256 digest of its JSON text, computed afresh on every call: a
 * changed secret, region, tag order or one character of a template is another text, so another
 * key, and is parsed afresh — the cache cannot serve a stale config. The key is a digest, so no
 * key holds the secret as readable text. Values JSON cannot hold are seen as JSON writes them: a
 * config that differs from a kept one only there (a key holding `undefined`, `NaN` where the
 * kept one has `null`) gets the kept one's parse. The parsed configs are deeply frozen: no
 * caller can change what a later send gets.
 *
 * Only valid configs are kept (at most {@link parsedConfigCacheSize}, least recently used
 * dropped); an invalid one throws the same `ConnectorError(InvalidConfig)` on every call.
 * Configs JSON cannot write, or longer than {@link maxCachedConfigLength} as JSON, are parsed as
 * given and not kept.
 */
export const parseConfigCached = (config: unknown): ParsedConfig => {
  const text = jsonTextOf(config);
  if (text === undefined || text.length > maxCachedConfigLength) {
    return parseConfig(config);
  }
  const key = createHash('sha256').update(text).digest('base64url');
  let parsed = parsedConfigs.get(key);
  if (!parsed) {
    // zod builds new objects as it parses, so freezing the parse freezes nothing of the caller's.
    parsed = deepFreeze(parseConfig(config));
    parsedConfigs.set(key, parsed);
  }
  return parsed;
};

/** How many parsed configs are cached now. */
export const cachedConfigCount = () => parsedConfigs.size;
