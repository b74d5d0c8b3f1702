/**
 * The local SES emulator (aws-ses-v2-local) on 127.0.0.1 at a free port, for the test suites (the
 * example app's too) and the load script. Its store is module-level state: one emulator per
 * process at a time.
 */
import { type Server, request } from 'node:http';
import { type AddressInfo } from 'node:net';

import emulatorModule from 'aws-ses-v2-local';
import libmime from 'libmime';

import { type InboxEmail } from '../../example/src/playground/inbox.js';

/** One message as the emulator stores it (`GET /store`): the example app's inbox type. */
export type StoredEmail = InboxEmail;

export type Emulator = {
  endpoint: string;
  server: Server;
  /** Everything stored so far, oldest first. */
  emails: () => Promise<StoredEmail[]>;
  /** Empties the store. */
  clear: () => Promise<void>;
  close: () => Promise<void>;
};

type StartEmulator = (config: { host: string; port: number }) => Promise<Server>;

// A CommonJS module with `exports.default`: Node's ESM import gives the exports object as the
// default, bundler-style interop (tsx) gives the function itself.
const startFunction = (): StartEmulator => {
  const imported: unknown = emulatorModule;
  if (typeof imported === 'function') {
    return imported as StartEmulator;
  }
  return (imported as { default: StartEmulator }).default;
};

/**
 * One request to the emulator's own API on a connection of its own that closes afterwards, so
 * reading the store never adds a kept-alive socket to what a test or the load script counts.
 */
const call = async (url: string, method: 'GET' | 'POST'): Promise<string> =>
  new Promise((resolve, reject) => {
    const outgoing = request(url, { method, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });

/** Starts aws-ses-v2-local on 127.0.0.1, port 0. */
export const startEmulator = async (): Promise<Emulator> => {
  const server = await startFunction()({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    server,
    emails: async () => {
      const { emails } = JSON.parse(await call(`${endpoint}/store`, 'GET')) as { emails: StoredEmail[] };
      return emails;
    },
    clear: async () => {
      await call(`${endpoint}/clear-store`, 'POST');
    },
    close: async () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
};

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`) in a header value, as a mail client does. */
export const decodeHeader = (value: string): string => libmime.decodeWords(value);
