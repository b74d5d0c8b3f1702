import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Store } from 'express-session';
import { afterEach } from 'vitest';

import { createApp } from '../../src/app.js';
import { countSessions } from '../../src/session-store.js';
import { type Settings, readSettings } from '../../src/settings.js';

/** The example app, listening on 127.0.0.1 at a free port. */
export type RunningApp = {
  /** BASE_URL: `http://<host>:<port>`, the address the browser must use. */
  baseUrl: string;
  port: number;
  settings: Settings;
  /** How many sessions the app's session store holds now. */
  sessionCount: () => Promise<number>;
  close: () => Promise<void>;
};

export const closeServer = async (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });

/**
 * Starts the app with the given environment (nothing from the test process's own). BASE_URL is
 * `http://<host>:<port>` unless the environment sets one; `host` defaults to localhost, as in the
 * demo, `port` to a free one, and `sessionLimit` to the app's own.
 */
export const startApp = async (
  env: NodeJS.ProcessEnv = {},
  {
    host = 'localhost',
    port: wantedPort = 0,
    sessionLimit,
  }: { host?: string; port?: number; sessionLimit?: number } = {}
): Promise<RunningApp> => {
  // Listen first: BASE_URL needs the port.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(wantedPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const settings = readSettings({ BASE_URL: `http://${host}:${port}`, ...env, PORT: String(port) });
  const app = createApp(settings, sessionLimit === undefined ? {} : { sessionLimit });
  server.on('request', app);
  const store = app.locals.sessionStore as Store;
  const sessionCount = async (): Promise<number> => countSessions(store);
  return { baseUrl: settings.baseUrl, port, settings, sessionCount, close: async () => closeServer(server) };
};

/** LOGTO_* for a tenant that no test calls, and a fixed SESSION_SECRET: sign-in "configured". */
export const unreachableLogtoEnv = {
  LOGTO_ENDPOINT: 'https://tenant.logto.example/',
  LOGTO_APP_ID: 'example-app-id',
  LOGTO_APP_SECRET: 'example-app-secret',
  SESSION_SECRET: 'test-session-secret',
};

/** {@link startApp} for one test file: every app it starts is closed after each test. */
export const startAppsClosedAfterEach = (): typeof startApp => {
  const running: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async (app) => app.close()));
  });
  return async (...args) => {
    const app = await startApp(...args);
    running.push(app);
    return app;
  };
};
