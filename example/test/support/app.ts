import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import { createApp } from '../../src/app.js';
import { type Settings, readSettings } from '../../src/settings.js';

/** The example app, listening on 127.0.0.1 at a free port. */
export type RunningApp = {
  /** BASE_URL: `http://<host>:<port>`, the address the browser must use. */
  baseUrl: string;
  port: number;
  settings: Settings;
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
 * demo, and `port` to a free one.
 */
export const startApp = async (
  env: NodeJS.ProcessEnv = {},
  { host = 'localhost', port: wantedPort = 0 } = {}
): Promise<RunningApp> => {
  // Listen first: BASE_URL needs the port.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(wantedPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const settings = readSettings({ BASE_URL: `http://${host}:${port}`, ...env, PORT: String(port) });
  server.on('request', createApp(settings));
  return { baseUrl: settings.baseUrl, port, settings, close: async () => closeServer(server) };
};
