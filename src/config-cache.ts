import { ownCache } from './caches.js';
import { type ParsedConfig, parseConfig } from './config.js';

/** How many distinct configs keep their parsed form (a Logto instance usually has one). */
export const parsedConfigCacheSize = 16;

/** Configs whose JSON text is longer than this are parsed on every send, never kept. */
export const maxCachedConfigLength = 256 * 1024;

/**
 * Configs nested deeper than this (a valid one is 3 levels deep: config → templates → template)
 * are parsed on every send, never kept; every walk below stops at this depth, so no config, not
 * even one with a cycle, can overflow the stack.
 */
export const maxCachedConfigDepth = 16;

const isPlainObject = (value: object): boolean => {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/**
 * Whether `value` is plain JSON data, what a database read or a JSON request body gives:
 * strings, finite numbers, booleans, `null`, arrays without holes, and objects whose prototype
 * is `Object.prototype` or `null`. For such a value `JSON.parse(JSON.stringify(value))` is an
 * exact copy. Anything else (`undefined`, `NaN`, `-0`, a `Date`, a class instance, a function)
 * would change in that round trip, so such configs are never cached; nor are values nested
 * deeper than {@link maxCachedConfigDepth} (a cycle is infinitely deep).
 */
const isPlainJson = (value: unknown, depth = 0): boolean => {
  switch (typeof value) {
    case 'string':
    case 'boolean': {
      return true;
    }
    case 'number': {
      return Number.isFinite(value) && !Object.is(value, -0);
    }
    case 'object': {
      if (value === null) {
        return true;
      }
      if (depth >= maxCachedConfigDepth) {
        return false;
      }
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index += 1) {
          if (!(index in value) || !isPlainJson(value[index], depth + 1)) {
            return false;
          }
        }
        return true;
      }
      return (
        isPlainObject(value) &&
        Object.keys(value).every((key) => isPlainJson((value as Record<string, unknown>)[key], depth + 1))
      );
    }
    default: {
      return false;
    }
  }
};

/**
 * Whether `given` is the same JSON data as `known` (a plain JSON copy): the same strings,
 * numbers (`Object.is`), booleans and nulls, arrays of the same length without holes, plain
 * objects with the same keys **in the same order** (the order of `tags` is the order of the
 * message tags). Anything `known` cannot hold (`undefined`, `NaN`, a `Date`…) never matches;
 * `known` is never deeper than {@link maxCachedConfigDepth}, and the walk stops there.
 */
const sameJson = (known: unknown, given: unknown, depth = 0): boolean => {
  if (typeof known !== 'object' || known === null) {
    return Object.is(known, given);
  }
  if (typeof given !== 'object' || given === null || depth >= maxCachedConfigDepth) {
    return false;
  }
  if (Array.isArray(known)) {
    if (!Array.isArray(given) || given.length !== known.length) {
      return false;
    }
    for (let index = 0; index < known.length; index += 1) {
      if (!(index in given) || !sameJson(known[index], given[index], depth + 1)) {
        return false;
      }
    }
    return true;
  }
  if (Array.isArray(given) || !isPlainObject(given)) {
    return false;
  }
  const knownKeys = Object.keys(known);
  const givenKeys = Object.keys(given);
  if (givenKeys.length !== knownKeys.length) {
    return false;
  }
  for (const [index, key] of knownKeys.entries()) {
    if (
      givenKeys[index] !== key ||
      !sameJson((known as Record<string, unknown>)[key], (given as Record<string, unknown>)[key], depth + 1)
    ) {
      return false;
    }
  }
  return true;
};

/** Freezes `value` and everything in it, down to {@link maxCachedConfigDepth}. */
const deepFreeze = <Value>(value: Value, depth = 0): Value => {
  if (
    typeof value === 'object' &&
    value !== null &&
    !Object.isFrozen(value) &&
    depth <= maxCachedConfigDepth
  ) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child, depth + 1);
    }
  }
  return value;
};

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

/** Every parsed config this cache has handed out (deeply frozen, shared across sends). */
const handedOut = new WeakSet<object>();

/**
 * Whether `config` is a parsed config from this cache: frozen, reused by later sends with the same
 * config, so what is derived from it alone (the SES client key) may be remembered with it.
 */
export const isCachedConfig = (config: object): boolean => handedOut.has(config);

/**
 * {@link parseConfig} with a memory. Logto hands the connector its stored config, a fresh object,
 * on every send, and validating it (nine templates, addresses, regexes) costs more than all the
 * rest of the connector's own work for that send.
 *
 * A config is served from the cache only when it is the same JSON data, field by field and
 * character by character, as a config parsed before: the comparison reads the whole config on
 * every call, so a changed secret, region or one character of a template is always a miss and
 * is parsed afresh — the cache cannot serve a stale config. There is no lookup key (so no key
 * holds the secret); the kept copy holds it only as the parsed config itself does. Kept copies
 * and parsed configs are deeply frozen: no caller can change what a later send gets.
 *
 * Only valid configs are kept (at most {@link parsedConfigCacheSize}, least recently used
 * dropped); an invalid one throws the same `ConnectorError(InvalidConfig)` on every call.
 * Configs that are not plain JSON data, deeper than {@link maxCachedConfigDepth}, or longer than
 * {@link maxCachedConfigLength} as JSON, are parsed as given and not kept.
 */
export const parseConfigCached = (config: unknown): ParsedConfig => {
  const index = entries.findIndex(({ source }) => sameJson(source, config));
  const hit = entries[index];
  if (hit) {
    if (index > 0) {
      entries.splice(index, 1);
      entries.unshift(hit);
    }
    return hit.parsed;
  }
  if (!isPlainJson(config)) {
    return parseConfig(config);
  }
  const text = JSON.stringify(config);
  if (text.length > maxCachedConfigLength) {
    return parseConfig(config);
  }
  // Parse the private copy, so the entry is exactly that copy's parse.
  const source: unknown = deepFreeze(JSON.parse(text));
  const parsed = deepFreeze(parseConfig(source));
  handedOut.add(parsed);
  entries.unshift({ source, parsed });
  entries.length = Math.min(entries.length, parsedConfigCacheSize);
  return parsed;
};

/** How many parsed configs are cached now. */
export const cachedConfigCount = () => entries.length;
