/**
 * `connector-aws-ses send-test` and `doctor` with the send options in the config file: what the
 * fake SES records, and the refusal of a bad header before any request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type CliOutput, runCli } from '../src/cli.js';
import { cliConfigAt, useConfigFolder } from './support/cli-configs.js';
import { type FakeSes, startFakeSes } from './support/fake-ses.js';

let fake: FakeSes;
const configs = useConfigFolder();

const capture = (): CliOutput & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
};

beforeAll(async () => {
  fake = await startFakeSes();
});

beforeEach(() => {
  fake.reset();
});

afterAll(async () => {
  await fake.close();
});

describe('send-test with the send options', () => {
  it('sends the headers, the tenant and the tracking of the config file in one request', async () => {
    const path = await configs.write('options.json', {
      ...cliConfigAt(fake.endpoint),
      headers: { 'X-Logto-Tenant': 'acme' },
      tenantName: 'acme',
    });
    const output = capture();

    expect(await runCli(['send-test', '--config', path, '--to', 'me@example.com'], output)).toBe(0);

    expect(fake.count).toBe(1);
    const body = fake.requests[0]?.body;
    expect(body?.TenantName).toBe('acme');
    expect(body?.ConfigurationOverrides?.Tracking).toEqual({
      OpenTrackingEnabled: 'DISABLED',
      ClickTrackingEnabled: 'DISABLED',
    });
    expect(body?.Content?.Simple?.Headers?.map(({ Name }) => Name)).toEqual([
      'X-Logto-Tenant',
      'X-Entity-Ref-ID',
    ]);
  });

  it('lists a refused header, field by field, and sends nothing', async () => {
    const path = await configs.write('bad-header.json', {
      ...cliConfigAt(fake.endpoint),
      headers: { Bcc: 'someone@example.com' },
    });
    const output = capture();

    expect(await runCli(['send-test', '--config', path, '--to', 'me@example.com'], output)).toBe(1);

    expect(output.stderr[0]).toBe('The config is invalid:');
    expect(output.stderr[1]).toMatch(
      /^ {2}- headers\.Bcc: Header "Bcc" is written by the connector or by Amazon SES/
    );
    expect(fake.count).toBe(0);
  });
});

describe('doctor with the send options', () => {
  it('names them on the config line and checks the tenant (--json)', async () => {
    const path = await configs.write('doctor.json', {
      ...cliConfigAt(fake.endpoint),
      tracking: 'configuration-set',
      tenantName: 'acme',
    });
    const output = capture();

    await runCli(['doctor', '--config', path, '--json'], output);

    const report = JSON.parse(output.stdout.join('\n')) as {
      checks: Array<{ id: string; status: string; summary: string }>;
    };
    expect(report.checks[0]?.summary).toContain('tracking as the account and configuration set say');
    expect(report.checks[0]?.summary).toContain('SES tenant acme');
    // The fake's region has no tenants: SES would answer NotFound.
    expect(report.checks.find(({ id }) => id === 'tenant')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('does not exist') as string,
    });
  });
});
