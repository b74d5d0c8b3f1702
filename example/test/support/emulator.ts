import { startEmulator as startLocalSes } from '../../../test/support/emulator.js';
import { type InboxEmail, readInbox } from '../../src/playground/inbox.js';

/**
 * aws-ses-v2-local on 127.0.0.1 at a free port (the connector's own test support starts it),
 * read the way the playground reads it. Its store is per process: one at a time.
 */
export type Emulator = {
  url: string;
  /** What it received, newest first. */
  emails: () => Promise<InboxEmail[]>;
  clear: () => Promise<void>;
  close: () => Promise<void>;
};

export const startEmulator = async (): Promise<Emulator> => {
  const emulator = await startLocalSes();
  return {
    url: emulator.endpoint,
    emails: async () => readInbox(emulator.endpoint),
    clear: emulator.clear,
    close: emulator.close,
  };
};
