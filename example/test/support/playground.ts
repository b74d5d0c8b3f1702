import { afterAll, beforeAll, beforeEach } from 'vitest';

import { type RunningApp, startApp } from './app.js';
import { type Emulator, startEmulator } from './emulator.js';

/** The example app and the SES emulator its playground sends to, shared by one test file. */
export type PlaygroundApp = { app: RunningApp; emulator: Emulator };

/**
 * For one test file: starts the SES emulator and the example app pointed at it (with a fixed
 * SESSION_SECRET) before its tests, empties the emulator before each test, and stops both after
 * the last. The returned object's `app` and `emulator` are set once the file's tests run.
 */
export const usePlaygroundApp = (): PlaygroundApp => {
  const running = {} as PlaygroundApp;
  beforeAll(async () => {
    running.emulator = await startEmulator();
    running.app = await startApp({
      SES_EMULATOR_URL: running.emulator.url,
      SESSION_SECRET: 'test-session-secret',
    });
  });
  beforeEach(async () => {
    await running.emulator.clear();
  });
  afterAll(async () => {
    await running.app.close();
    await running.emulator.close();
  });
  return running;
};
