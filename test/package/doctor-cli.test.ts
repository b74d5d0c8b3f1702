/**
 * `connector-aws-ses doctor` as shipped: the built lib/cli.js (run `npm run build` first),
 * spawned with node against the fake SES. The scenarios themselves run in process in
 * test/wire/doctor.test.ts; this checks the shipped file gives the same report and exit codes,
 * and draws no spinner when its output is not a terminal.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type DoctorReport } from '../../src/index.js';
import { secret } from '../fixtures.js';
import { useConfigFolder } from '../support/cli-configs.js';
import { type FakeSes, respond, startFakeSes } from '../support/fake-ses.js';
import { repoRoot } from '../support/repo.js';
import { healthyChecks, recipientAddress, scenarioConfig, sesScenarios } from '../support/ses-scenarios.js';

const builtCli = join(repoRoot, 'lib', 'cli.js');
const configs = useConfigFolder();

let fake: FakeSes;

const configFor = () => scenarioConfig(fake.endpoint);

type Spawned = { code: number | null; stdout: string; stderr: string };

const runBuilt = async (args: string[]): Promise<Spawned> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [builtCli, ...args],
      { timeout: 20_000, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      }
    );
  });

beforeAll(async () => {
  if (!existsSync(builtCli)) {
    throw new Error('lib/cli.js is missing: run `npm run build` before these tests.');
  }
  fake = await startFakeSes();
});

beforeEach(() => {
  fake.reset();
  fake.setDefault(respond.succeed());
});

afterAll(async () => {
  await fake.close();
});

describe('the shipped command (lib/cli.js doctor)', () => {
  it('prints one JSON report and exits 1 for the sandbox with an unverified recipient; no spinner off a terminal', async () => {
    fake.setRegions(sesScenarios.sandbox);
    const config = await configs.write('sandbox.json', configFor());

    const run = await runBuilt(['doctor', '--config', config, '--to', recipientAddress, '--json']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(Object.fromEntries(report.checks.map(({ id, status }) => [id, status]))).toEqual({
      ...healthyChecks,
      sandbox: 'warn',
      recipient: 'fail',
    });
    expect(run.stdout).not.toContain(secret);
  });

  it('reports a config file with an unquoted secret by line and column only, in text and in --json', async () => {
    const path = await configs.write(
      'unquoted-secret.json',
      `{\n  "region": "us-east-1",\n  "accessKeySecret": ${secret},\n  "emailAddress": "a@example.com"\n}\n`
    );

    const text = await runBuilt(['doctor', '--config', path]);
    const json = await runBuilt(['doctor', '--config', path, '--json']);

    const sentence = `The config file ${path} is not valid JSON: line 3, column 22.`;
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^✗ config +The config file /);
    expect(text.stdout).toContain(sentence);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as DoctorReport).checks[0]?.summary).toBe(sentence);
    for (const run of [text, json]) {
      expect(`${run.stdout}${run.stderr}`).not.toContain(secret.slice(0, 4));
    }
    expect(fake.count).toBe(0);
  });

  it('exits 0 with the text report for a healthy account, and 2 for a usage error', async () => {
    fake.setRegions(sesScenarios.healthyProduction);
    const config = await configs.write('healthy.json', configFor());

    const ok = await runBuilt(['doctor', '--config', config]);
    const usage = await runBuilt(['doctor', '--send']);

    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^✓ config +The config is valid/);
    expect(ok.stdout).toContain('No check failed (SES region eu-west-1)');
    expect(ok.stdout).not.toContain('Checking');
    expect(ok.stderr).toBe('');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--config is required.');
  });
});
