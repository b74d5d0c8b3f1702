/**
 * The owner of every module-level cache of the connector. Logto calls the connector factory on
 * almost every send, so what must outlive one send lives at module level; each such cache is
 * registered here under its name, and {@link resetConnectorState} empties them all.
 *
 * | name | kept in | holds | bound |
 * |---|---|---|---|
 * | `parsedConfigs` | config-cache.ts | frozen JSON copies of configs and their frozen parse, found by comparing the data | 16, least recently used dropped |
 * | `sesClients` | ses-clients.ts | one SES client per connection settings, keyed by their digest | 8, the evicted one destroyed once idle |
 * | `compiledTexts` | render.ts | subjects and text templates split into placeholders | 256 |
 * | `compiledHtml` | html-template.ts | HTML templates split into placeholders, each with its escaping | 256 |
 * | `compiledAlternatives` | plain-text-part.ts | the plain-text part generated from each HTML template | 256 |
 *
 * No key holds a secret as readable text (`sesClients` keys are SHA-256 digests; `parsedConfigs`
 * has no key); the kept config copies and the parsed configs hold the
 * secret as the config itself does.
 */

/** The name of each cache (see the table above). */
export type CacheName =
  'parsedConfigs' | 'sesClients' | 'compiledTexts' | 'compiledHtml' | 'compiledAlternatives';

/** What a cache must offer its owner. */
export type OwnedCache = { clear: () => void };

const caches = new Map<CacheName, OwnedCache>();

/** Registers a module-level cache under its name and returns it. */
export const ownCache = <Cache extends OwnedCache>(name: CacheName, cache: Cache): Cache => {
  caches.set(name, cache);
  return cache;
};

/**
 * Empties every cache of the connector: parsed configs, compiled templates, and the SES clients
 * (each destroyed once its sends in progress end). For tests, for a CLI that must exit, and for
 * hosts that reload the connector.
 */
export const resetConnectorState = (): void => {
  for (const cache of caches.values()) {
    cache.clear();
  }
};
