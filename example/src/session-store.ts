import session, { type Store } from 'express-session';
import createMemoryStore from 'memorystore';

/** How long a session lasts without a visit: the cookie's max age. */
export const sessionMaxAgeMs = 14 * 24 * 60 * 60 * 1000;

/** The most sessions kept at once; past it, the least recently used is forgotten. */
export const defaultSessionLimit = 10_000;

/** How often expired sessions are dropped. */
const pruneEveryMs = 60 * 60 * 1000;

const MemoryStore = createMemoryStore(session);

/**
 * The app's session store, in production too: in memory (one process, lost on restart, as the
 * guide's default), but bounded. A session expires `sessionMaxAgeMs` after its last save, expired
 * ones are pruned hourly (an unref'd timer), and at most `limit` are kept, least recently used
 * first out. express-session's own MemoryStore keeps every session until it is read again.
 */
export const createSessionStore = ({ limit = defaultSessionLimit }: { limit?: number } = {}): Store =>
  new MemoryStore({ checkPeriod: pruneEveryMs, max: limit, ttl: sessionMaxAgeMs });

/** How many sessions `store` holds now, expired ones not yet pruned included. */
export const countSessions = async (store: Store): Promise<number> =>
  new Promise((resolve, reject) => {
    if (!store.length) {
      reject(new Error('This session store cannot count its sessions.'));
      return;
    }
    store.length((error, length) => {
      if (error) {
        reject(error as Error);
      } else {
        resolve(length ?? 0);
      }
    });
  });
