/**
 * Session memory over real HTTP: visitors who need no session get none, and the store forgets
 * sessions, both when they expire and when there are too many. Counts sessions in the app's own
 * store; the heap figures for 20,000 requests come from scripts/session-memory.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { type RunningApp, startAppsClosedAfterEach, unreachableLogtoEnv } from '../support/app.js';
import { Client } from '../support/client.js';

const logtoEnv = unreachableLogtoEnv;

const start = startAppsClosedAfterEach();

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Loads the playground in a new browser; the function returned posts "Clear inbox" with the
 * page's token, which answers 303 while the session lasts and 403 once the store forgot it.
 */
const visitPlayground = async (app: RunningApp): Promise<() => Promise<number>> => {
  const client = new Client(app.baseUrl);
  const page = await client.get('/playground');
  const token = page.document.querySelector('input[name="_csrf"]')?.getAttribute('value');
  return async () => (await client.post('/playground/clear', [['_csrf', token ?? '']])).status;
};

describe('visitors who need no session', () => {
  it('get none on the home page with sign-in configured: it has a link, no form', async () => {
    const app = await start(logtoEnv);

    const pages = [];
    for (let visitor = 0; visitor < 100; visitor += 1) {
      pages.push(await new Client(app.baseUrl).get('/'));
    }

    expect(pages.map(({ status }) => status)).toEqual(pages.map(() => 200));
    expect(pages[0]?.document.querySelector('a#sign-in')?.textContent).toBe('Sign In');
    expect(pages.flatMap(({ headers }) => headers.getSetCookie())).toEqual([]);
    expect(await app.sessionCount()).toBe(0);
  }, 30_000);

  it('get none on the setup page, the stylesheet or a refused sign-out either', async () => {
    const app = await start(logtoEnv);
    const client = new Client(app.baseUrl);

    await client.get('/setup');
    await client.get('/style.css');
    await client.post('/logto/sign-out', []);

    expect(client.cookie('example.sid')).toBeUndefined();
    expect(await app.sessionCount()).toBe(0);
  });

  it('while the playground, which has forms, still keeps one per visitor', async () => {
    const app = await start(logtoEnv);

    const clear = await visitPlayground(app);

    expect(await app.sessionCount()).toBe(1);
    expect(await clear()).toBe(303);
  });
});

describe('the session store', () => {
  it(
    'keeps at most its limit of sessions, forgetting the least recently used',
    { timeout: 30_000 },
    async () => {
      const app = await start({ SESSION_SECRET: 'test-session-secret' }, { sessionLimit: 20 });

      const first = await visitPlayground(app);
      const others = [];
      for (let visitor = 0; visitor < 29; visitor += 1) {
        others.push(await visitPlayground(app));
      }

      expect(await app.sessionCount()).toBe(20);
      expect(await first()).toBe(403);
      expect(await others.at(-1)?.()).toBe(303);
    }
  );

  it('forgets a session when its cookie expires, pruned by the store on its own timer', async () => {
    // The clock and the store's pruning timer; sockets and HTTP keep their real timers.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const app = await start({ SESSION_SECRET: 'test-session-secret' });
    const clear = await visitPlayground(app);
    expect(await app.sessionCount()).toBe(1);

    // The cookie lasts 14 days.
    vi.advanceTimersByTime(15 * 24 * 60 * 60 * 1000);

    expect(await app.sessionCount()).toBe(0);
    expect(await clear()).toBe(403);
  });
});
