/**
 * The `connector-aws-ses` command as shipped: the built lib/cli.js (run `npm run build` first),
 * spawned through its #! line the way npx runs it, against the local SES emulator and a closed
 * port.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { consoleTestCode } from '../../src/test-email.js';
import { secret } from '../fixtures.js';
import { cliConfigAt as configFor, useConfigFolder } from '../support/cli-configs.js';
import { type Emulator, startEmulator } from '../support/emulator.js';
import { freePort } from '../support/free-port.js';
import { repoRoot } from '../support/repo.js';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  bin?: Record<string, string>;
};
const builtCli = join(repoRoot, 'lib', 'cli.js');

let emulator: Emulator;
let closedPort: number;
const configs = useConfigFolder();
const writeConfig = configs.write;

beforeAll(async () => {
  emulator = await startEmulator();
  closedPort = await freePort();
});

beforeEach(async () => {
  await emulator.clear();
});

afterAll(async () => {
  await emulator.close();
});

type Run = { code: number | null; stdout: string; stderr: string };

const runBuilt = async (args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    // The bin file itself, as npx runs it: through its #! line.
    execFile(builtCli, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });

describe('the shipped command (lib/cli.js)', () => {
  beforeAll(() => {
    if (!existsSync(builtCli)) {
      throw new Error('lib/cli.js is missing: run `npm run build` before these tests.');
    }
  });

  it('is the package\'s "connector-aws-ses" bin, executable, with a node #! line', () => {
    expect(manifest.bin?.['connector-aws-ses']).toMatch(/^(?:\.\/)?lib\/cli\.js$/);
    expect(readFileSync(builtCli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(() => {
      accessSync(builtCli, constants.X_OK);
    }).not.toThrow();
  });

  it('imports the connector from ./index.js instead of bundling it again', () => {
    const source = readFileSync(builtCli, 'utf8');
    expect(source).toMatch(/from ["']\.\/index\.js["']/);
    // Its own code and the JSON error locator (jsonc-parser), not the AWS SDK or the renderer.
    expect(source).not.toContain('SendEmailCommand');
    expect(source.length).toBeLessThan(50_000);
  });

  it('sends through the local SES emulator: MessageId on stdout, exit 0', async () => {
    const config = await writeConfig('ok.json', configFor(emulator.endpoint));

    const run = await runBuilt([
      'send-test',
      '--config',
      config,
      '--to',
      'ops@example.com',
      '--type',
      'SignIn',
    ]);

    const emails = await emulator.emails();
    expect(emails).toHaveLength(1);
    expect(run).toEqual({
      code: 0,
      stdout: `Sent: MessageId ${emails[0]?.messageId ?? '?'} (SignIn email to ops@example.com, SES region eu-west-1).\n`,
      stderr: '',
    });
    expect(emails[0]?.subject).toBe(`Sign-in code ${consoleTestCode}`);
  });

  it('exits 1 with the refused-connection sentence on stderr for a closed port', async () => {
    const config = await writeConfig('closed.json', configFor(`http://127.0.0.1:${closedPort}`));

    const run = await runBuilt(['send-test', '--config', config, '--to', 'ops@example.com']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Failed (general): The connection to 127.0.0.1:${closedPort} was refused`);
    expect(run.stderr).not.toContain(secret);
  });

  it('exits 1 and lists the problems of a bad config', async () => {
    const config = await writeConfig('bad.json', { ...configFor(emulator.endpoint), region: 'Frankfurt' });

    const run = await runBuilt(['send-test', '--config', config, '--to', 'ops@example.com']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^The config is invalid:\n {2}- region: Region must be a region code/);
    expect(run.stderr).not.toContain(secret);
    expect(await emulator.emails()).toEqual([]);
  });
});
