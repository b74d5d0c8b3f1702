import { ownCache } from './caches.js';
import { type ParsedConfig, parseConfig } from './config.js';

/** How many distinct configs keep their parsed form (a Logto instance usually has one). */
export const parsedConfigCacheSize = 16;

/** Configs whose JSON text is longer than this are parsed on every send, never kept. */
export const maxCachedConfigLength = 256 * 1024;

type Entry = {
  /** A private, frozen JSON copy of the config as given. */
  source: unknown;
  /** Its parse, frozen. */
  parsed: ParsedConfig;
};

/** Most recently used first. */
const entries: Entry[] = [];

ownCache('parsedConfigs', {
  clear: () => {
    entries.length = 0;
  },
});

/** Freezes `value` and every object in it (plain JSON data: a few levels deep). */
const deepFreeze = <Value>(value: Value): Value => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
};

/**
 * Whether `given` is the same JSON data as `known`, a JSON copy: equal strings, numbers
 * (`Object.is`), booleans and nulls; arrays and plain objects (no prototype but `Object`'s)
 * with the same keys in the same order. What JSON cannot hold (`undefined`, `NaN`, `-0`, an array
 * hole, a `Map` or `Date`) never matches. The walk follows
 * `known`, so it ends even on a `given` with a cycle.
 */
const sameJson = (known: unknown, given: unknown): boolean => {
  if (typeof known !== 'object' || known === null) {
    return Object.is(known, given);
  }
  if (typeof given !== 'object' || given === null || Array.isArray(known) !== Array.isArray(given)) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(given);
  if (!Array.isArray(given) && prototype !== Object.prototype && prototype !== null) {
    return false;
  }
  const knownKeys = Object.keys(known);
  const givenKeys = Object.keys(given);
  if (knownKeys.length !== givenKeys.length) {
    return false;
  }
  // An indexed loop: this walk runs on every send, and an entries() iterator costs twice as much.
  for (let index = 0; index < knownKeys.length; index += 1) {
    const key = knownKeys[index] as string;
    if (
      givenKeys[index] !== key ||
      !sameJson((known as Record<string, unknown>)[key], (given as Record<string, unknown>)[key])
    ) {
      return false;
    }
  }
  return true;
};

/** The entry whose source is `config`'s data, or -1; a config whose reading throws matches none. */
const indexOfIn = (kept: ReadonlyArray<Pick<Entry, 'source'>>, config: unknown): number => {
  try {
    return kept.findIndex(({ source }) => sameJson(source, config));
  } catch {
    return -1;
  }
};

/** The config's JSON text, or undefined when JSON cannot write it (a cycle, a bigint, a getter that throws). */
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
 * rest of the connector's own work for that send (`npm run bench -- --profile` shows it).
 *
 * A config is served from the memory only when it is the same JSON data, field by field and
 * character by character, as a config parsed before: the comparison reads the whole config on
 * every call, so a changed secret, region, tag order or one character of a template is always a
 * miss and is parsed afresh — the cache cannot serve a stale config. There is no lookup key, so
 * no key holds the secret; the kept copy holds it as the parsed config does. Kept copies and
 * parsed configs are deeply frozen: no caller can change what a later send gets.
 *
 * Only valid configs are kept (at most {@link parsedConfigCacheSize}, least recently used
 * dropped); an invalid one throws the same `ConnectorError(InvalidConfig)` on every call.
 * Configs that are not plain JSON data (JSON cannot write them, or would change them: a `Date`,
 * `undefined`, `NaN`, a `toJSON`) or longer than {@link maxCachedConfigLength} as JSON are parsed
 * as given and never kept.
 */
export const parseConfigCached = (config: unknown): ParsedConfig => {
  const index = indexOfIn(entries, config);
  const hit = entries[index];
  if (hit) {
    if (index > 0) {
      entries.splice(index, 1);
      entries.unshift(hit);
    }
    return hit.parsed;
  }
  const text = jsonTextOf(config);
  const source: unknown =
    text === undefined || text.length > maxCachedConfigLength ? undefined : JSON.parse(text);
  // A config JSON changes on the way (a Date, `undefined`, `NaN`, a `toJSON`) is parsed as given.
  if (source === undefined || indexOfIn([{ source }], config) !== 0) {
    return parseConfig(config);
  }
  // The private copy is parsed, so the entry is exactly that copy's parse.
  deepFreeze(source);
  const parsed = deepFreeze(parseConfig(source));
  entries.unshift({ source, parsed });
  entries.length = Math.min(entries.length, parsedConfigCacheSize);
  return parsed;
};

/** How many parsed configs are cached now. */
export const cachedConfigCount = () => entries.length;
