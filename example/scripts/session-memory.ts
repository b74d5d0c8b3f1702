/**
 * How much the example app keeps per visitor: sessions stored and heap growth after N anonymous
 * requests to the home page (sign-in configured, so it shows "Sign In") and N first visits of the
 * playground (which needs a session for its forms' token). Loopback only, bounded by N.
 *
 *   cd example && node --expose-gc --import tsx scripts/session-memory.ts [N, default 20000]
 *
 * Needs the connector built (`npm run build` at the root).
 */
import { type IncomingMessage, Agent, createServer, request } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Store } from 'express-session';

import { createApp } from '../src/app.js';
import { countSessions } from '../src/session-store.js';
import { readSettings } from '../src/settings.js';

const count = Number(process.argv[2] ?? 20_000);
const concurrency = 16;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !Number.isInteger(count) || count < 1) {
  console.error('Usage: node --expose-gc --import tsx scripts/session-memory.ts [N]');
  process.exit(1);
}

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const settings = readSettings({
  BASE_URL: `http://localhost:${port}`,
  PORT: String(port),
  SESSION_SECRET: 'session-memory-script',
  // Sign-in configured: the home page is the guide's "Sign In" page. Nothing here calls it.
  LOGTO_ENDPOINT: 'https://tenant.logto.example',
  LOGTO_APP_ID: 'session-memory-app',
  LOGTO_APP_SECRET: 'session-memory-secret',
});
const app = createApp(settings);
server.on('request', app);
const store = app.locals.sessionStore as Store;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const sessions = async (): Promise<number> => countSessions(store);

/** One GET from a browser without cookies; resolves with the status once the body is read. */
const get = async (path: string): Promise<number> =>
  new Promise((resolve, reject) => {
    request(
      { host: '127.0.0.1', port, path, agent, headers: { host: `localhost:${port}` } },
      (response: IncomingMessage) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
      }
    )
      .on('error', reject)
      .end();
  });

const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const visit = async (path: string): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const status = await get(path);
      if (status !== 200) {
        throw new Error(`GET ${path} answered ${status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

// Warm up: the first requests compile code and fill caches that are not per visitor.
await get('/');
await get('/playground');
for (const path of ['/', '/playground']) {
  const sessionsBefore = await sessions();
  const heapBefore = heapUsed();
  const started = performance.now();
  await visit(path);
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = heapUsed();
  console.log(
    `${count} anonymous GET ${path}: ${(await sessions()) - sessionsBefore} sessions stored, heap ${mib(heapBefore)} → ${mib(heapAfter)} (${heapAfter >= heapBefore ? '+' : ''}${mib(heapAfter - heapBefore)}), ${(count / seconds).toFixed(0)} requests/s`
  );
}

agent.destroy();
server.close();
server.closeAllConnections();
