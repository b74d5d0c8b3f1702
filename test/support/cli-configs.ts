/**
 * Config files for the `send-test` command's suites (in process and the built lib/cli.js): a
 * temporary folder that lives as long as the surrounding tests, and the config they send with.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll } from 'vitest';

import { type AwsSesConfig } from '../../src/index.js';
import { configAt } from '../fixtures.js';

/** A config for the command, sending to `endpoint`, with a Generic and a SignIn template. */
export const cliConfigAt = (endpoint: string): AwsSesConfig =>
  configAt(endpoint, {
    emailAddress: 'Logto <noreply@example.com>',
    timeoutMs: 3000,
    templates: [
      { usageType: 'Generic', subject: 'Generic code {{code}}', content: '<p>Your code is {{code}}</p>' },
      { usageType: 'SignIn', subject: 'Sign-in code {{code}}', content: '<p>Sign in with {{code}}</p>' },
    ],
  });

export type ConfigFolder = {
  /** The path of `name` in the folder (the file need not exist). */
  pathOf: (name: string) => string;
  /** Writes `content` (a string as it is, anything else as JSON) to `name`; returns its path. */
  write: (name: string, content: unknown) => Promise<string>;
};

/** A temporary folder for config files, made before the surrounding tests and removed after. */
export const useConfigFolder = (): ConfigFolder => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'cli-test-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  const pathOf = (name: string) => join(folder, name);
  return {
    pathOf,
    write: async (name, content) => {
      await writeFile(pathOf(name), typeof content === 'string' ? content : JSON.stringify(content));
      return pathOf(name);
    },
  };
};
