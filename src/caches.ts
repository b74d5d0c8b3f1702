/**
 * The owner of every module-level cache of the connector. Logto calls the connector factory on
 * almost every send, so what must outlive one send lives at module level; each such cache is
 * registered here under its name, and {@link resetConnectorState} empties them all.
 *
 * | name | kept in | holds | bound |
 * |---|---|---|---|
 * | `parsedConfigs` | config-cache.ts | frozen copies of configs and their parse | 16, least recently used dropped |
 * | `sesClients` | ses-client.ts | one SES client per connection settings | 8, the evicted one destroyed once idle |
 * | `connectionKeys` | ses-client.ts | the client key (a digest) of each cached config | weak: dies with its config |
 * | `compiledTexts` | render.ts | subjects and text templates split into placeholders | 256 |
 * | `compiledHtml` | html-template.ts | HTML templates split into placeholders, each with its escaping | 256 |
 * | `compiledAlternatives` | plain-text-part.ts | the plain-text part generated from each HTML template | 256 |
 *
 * Nothing here holds a secret as readable text except the parsed configs themselves (the client
 * key is a SHA-256 digest).
 */

/** The name of each cache (see the table above). */
export type CacheName =
  | 'parsedConfigs'
  | 'sesClients'
  | 'connectionKeys'
  | 'compiledTexts'
  | 'compiledHtml'
  | 'compiledAlternatives';

/** What a cache must offer its owner. */
export type OwnedCache = { clear: () => void };

const caches = new Map<CacheName, OwnedCache>();

/** Registers a module-level cache under its name and returns it. */
export const ownCache = <Cache extends OwnedCache>(name: CacheName, cache: Cache): Cache => {
  caches.set(name, cache);
  return cache;
};

/** A WeakMap that can be emptied (by replacing it), so it can be owned like the other caches. */
export class ClearableWeakMap<Key extends object, Value> {
  #map = new WeakMap<Key, Value>();

  get(key: Key): Value | undefined {
    return this.#map.get(key);
  }

  set(key: Key, value: Value): void {
    this.#map.set(key, value);
  }

  clear(): void {
    this.#map = new WeakMap();
  }
}

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
