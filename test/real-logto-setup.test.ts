/**
 * How the real-Logto suite (`npm run test:logto`) runs `setup-logto`: the example's .env it
 * writes (LOGTO_APP_SECRET, SESSION_SECRET) lies in the run's private folder, not at a name any
 * local user can predict in the shared temporary folder, and the admin's password reaches the
 * command through its environment, never its command line.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseCommand } from '../example/src/setup-logto/options.js';
import type { RealLogtoContext } from './real-logto/context.js';
import { exampleEnvFile, setupLogtoArguments, setupLogtoEnvironment } from './real-logto/example-journey.js';

let runDir = '';
beforeEach(async () => {
  // As run.ts makes it: mkdtemp creates the folder with mode 700.
  runDir = await mkdtemp(join(tmpdir(), 'real-logto-'));
});
afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

const contextFor = (folder: string): RealLogtoContext =>
  ({
    repoRoot: '/repo',
    runDir: folder,
    coreUrl: 'http://127.0.0.1:41000',
    adminUrl: 'http://127.0.0.1:41001',
    admin: { username: 'consoleadmin', password: 'Rl-abc-Ses!Check' },
    sesEmulator: { endpoint: 'http://127.0.0.1:41002' },
  }) as RealLogtoContext;

describe("the real-Logto suite's setup-logto run", () => {
  it("writes the example's .env in the run's private folder", async () => {
    const envFile = exampleEnvFile(contextFor(runDir));
    expect(dirname(envFile)).toBe(runDir);
    expect(dirname(envFile)).not.toBe(tmpdir());
    expect((await stat(runDir)).mode & 0o077).toBe(0);
  });

  it('gives two runs two different .env files, even for the same Logto port', async () => {
    const otherRun = await mkdtemp(join(tmpdir(), 'real-logto-'));
    try {
      expect(exampleEnvFile(contextFor(runDir))).not.toBe(exampleEnvFile(contextFor(otherRun)));
    } finally {
      await rm(otherRun, { recursive: true, force: true });
    }
  });

  it("passes the admin's password by environment, not on the command line", () => {
    const context = contextFor(runDir);
    const setup = { baseUrl: 'http://localhost:41003', port: 41003, envFile: exampleEnvFile(context) };
    const args = setupLogtoArguments(context, setup);
    expect(args.join(' ')).not.toContain(context.admin.password);
    expect(args).not.toContain('--password');

    const env = setupLogtoEnvironment(context);
    const command = parseCommand(args, env);
    expect(command).toMatchObject({
      kind: 'setup',
      passwordOnCommandLine: false,
      options: { username: 'consoleadmin', password: context.admin.password, envFile: setup.envFile },
    });
  });
});
