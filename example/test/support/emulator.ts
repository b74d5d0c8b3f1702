import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import emulatorModule from 'aws-ses-v2-local';

import { type InboxEmail, clearInbox, readInbox } from '../../src/playground/inbox.js';
import { closeServer } from './app.js';

/** aws-ses-v2-local on 127.0.0.1 at a free port. Its store is per process: one at a time. */
export type Emulator = {
  url: string;
  /** What it received, newest first. */
  emails: () => Promise<InboxEmail[]>;
  clear: () => Promise<void>;
  close: () => Promise<void>;
};

type StartEmulator = (config: { host: string; port: number }) => Promise<Server>;

// A CommonJS module with `exports.default`: Node's ESM import gives the exports object as the
// default, bundler-style interop gives the function itself.
const start: StartEmulator =
  typeof (emulatorModule as unknown) === 'function'
    ? (emulatorModule as unknown as StartEmulator)
    : (emulatorModule as unknown as { default: StartEmulator }).default;

export const startEmulator = async (): Promise<Emulator> => {
  const server = await start({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    emails: async () => readInbox(url),
    clear: async () => clearInbox(url),
    close: async () => closeServer(server),
  };
};
