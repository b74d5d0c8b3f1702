/**
 * The `connector-aws-ses send-test` command in process (src/cli.ts), against the local SES
 * emulator, the fake SES, a closed port and broken config files. The built lib/cli.js, spawned
 * as npx runs it, is tested in test/package/cli.test.ts.
 */
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type CliOutput, describeFailure, runCli, usage } from '../src/cli.js';
import { consoleTestCode } from '../src/test-email.js';
import { secret } from './fixtures.js';
import { cliConfigAt as configFor, useConfigFolder } from './support/cli-configs.js';
import { type Emulator, startEmulator } from './support/emulator.js';
import { type FakeSes, respond, startFakeSes } from './support/fake-ses.js';
import { freePort } from './support/free-port.js';

let emulator: Emulator;
let fake: FakeSes;
let closedPort: number;
const configs = useConfigFolder();
const writeConfig = configs.write;

const capture = (): CliOutput & { stdout: string[]; stderr: string[] } => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
};

beforeAll(async () => {
  emulator = await startEmulator();
  fake = await startFakeSes();
  closedPort = await freePort();
});

beforeEach(async () => {
  await emulator.clear();
  fake.reset();
  fake.setDefault(respond.succeed());
});

afterAll(async () => {
  await emulator.close();
  await fake.close();
});

describe('send-test, in process', () => {
  it('sends the Generic template with the code 000000 and prints the MessageId', async () => {
    const config = await writeConfig('ok.json', configFor(emulator.endpoint));
    const output = capture();

    const code = await runCli(['send-test', '--config', config, '--to', 'me@example.com'], output);

    expect(code).toBe(0);
    const emails = await emulator.emails();
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email?.subject).toBe(`Generic code ${consoleTestCode}`);
    expect(email?.destination.to).toEqual(['me@example.com']);
    expect(output.stdout).toEqual([
      `Sent: MessageId ${email?.messageId ?? '?'} (Generic email to me@example.com, SES region eu-west-1).`,
    ]);
    expect(output.stderr).toEqual([]);
  });

  it('uses the template of --type', async () => {
    const config = await writeConfig('ok.json', configFor(emulator.endpoint));
    const output = capture();

    const code = await runCli(
      ['send-test', '-c', config, '-t', 'me@example.com', '--type', 'SignIn'],
      output
    );

    expect(code).toBe(0);
    expect((await emulator.emails()).map(({ subject }) => subject)).toEqual([
      `Sign-in code ${consoleTestCode}`,
    ]);
  });

  it("prints SES's reason as the connector's sentence and exits 1 when SES refuses", async () => {
    fake.plan(
      respond.sesError(
        'MessageRejected',
        400,
        'Email address is not verified. The following identities failed the check in region EU-WEST-1: noreply@example.com'
      )
    );
    const config = await writeConfig('fake.json', configFor(fake.endpoint));
    const output = capture();

    const code = await runCli(['send-test', '--config', config, '--to', 'me@example.com'], output);

    expect(code).toBe(1);
    expect(output.stdout).toEqual([]);
    expect(output.stderr).toHaveLength(1);
    expect(output.stderr[0]).toMatch(/^Failed \(general\): Amazon SES rejected the message in eu-west-1\./);
    expect(output.stderr[0]).toContain('Email address is not verified');
    expect(output.stderr.join('\n')).not.toContain(secret);
  });

  it('says the connection was refused and exits 1 when nothing listens at the endpoint', async () => {
    const config = await writeConfig('closed.json', configFor(`http://127.0.0.1:${closedPort}`));
    const output = capture();

    const code = await runCli(['send-test', '--config', config, '--to', 'me@example.com'], output);

    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toContain(`The connection to 127.0.0.1:${closedPort} was refused`);
  });

  it('lists every config problem, field by field, without sending', async () => {
    const config = await writeConfig('bad.json', {
      ...configFor(fake.endpoint),
      region: 'US East',
      emailAddress: 'not an address',
      templates: [],
    });
    const output = capture();

    const code = await runCli(['send-test', '--config', config, '--to', 'me@example.com'], output);

    expect(code).toBe(1);
    expect(output.stderr[0]).toBe('The config is invalid:');
    expect(output.stderr).toContainEqual(
      expect.stringMatching(/^ {2}- region: Region must be a region code/)
    );
    expect(output.stderr).toContainEqual(
      expect.stringMatching(/^ {2}- emailAddress: emailAddress must be an email/)
    );
    expect(output.stderr).toContainEqual(
      expect.stringMatching(/^ {2}- templates: templates needs a Generic template/)
    );
    expect(output.stderr.join('\n')).not.toContain(secret);
    expect(fake.count).toBe(0);
  });

  it('names a missing config file and a file that is not JSON', async () => {
    const missing = capture();
    expect(
      await runCli(['send-test', '--config', configs.pathOf('nope.json'), '--to', 'a@example.com'], missing)
    ).toBe(1);
    expect(missing.stderr).toEqual([`Cannot read the config file ${configs.pathOf('nope.json')} (ENOENT).`]);

    const notJson = capture();
    const path = await writeConfig('broken.json', '{ "region": ');
    expect(await runCli(['send-test', '--config', path, '--to', 'a@example.com'], notJson)).toBe(1);
    expect(notJson.stderr[0]).toMatch(new RegExp(`^The config file ${path} is not valid JSON: `));
  });

  it('prints only the line and column of a broken config, never the text around the error', async () => {
    const output = capture();
    // An unquoted secret: V8's own message would quote its first characters.
    const text = `{\n  "region": "eu-west-1",\n  "accessKeySecret": ${secret}\n}`;
    const path = await writeConfig('unquoted-secret.json', text);
    expect(await runCli(['send-test', '--config', path, '--to', 'a@example.com'], output)).toBe(1);
    expect(output.stderr).toEqual([`The config file ${path} is not valid JSON: line 3, column 22.`]);
    expect(output.stderr.join('\n')).not.toContain(secret.slice(0, 4));
  });

  it.each([
    [[], 'No command given.'],
    [['send'], 'Unknown command "send".'],
    [['send-test', 'extra', '--config', 'x.json', '--to', 'a@example.com'], 'Unexpected argument "extra".'],
    [['send-test', '--to', 'a@example.com'], '--config is required.'],
    [['send-test', '--config', 'x.json'], '--to is required.'],
    [
      ['send-test', '--config', 'x.json', '--to', 'a@example.com', '--type', 'Login'],
      '--type must be one of SignIn',
    ],
    [
      ['send-test', '--config', 'x.json', '--to', 'a@example.com', '--type', 'Test'],
      'BindMfa: Logto sends no usage type "Test", so a config template for it is never used.',
    ],
    [
      ['send-test', '--config', 'x.json', '--to', 'a@example.com', '--type', ''],
      '--type must be one of SignIn, Register, ForgotPassword, OrganizationInvitation, Generic, UserPermissionValidation, BindNewIdentifier, MfaVerification, BindMfa.',
    ],
    [['send-test', '--config'], "Option '-c, --config <value>' argument missing"],
    [['send-test', '--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j with the usage and exit code 1', async (args, problem) => {
    const output = capture();

    expect(await runCli(args, output)).toBe(1);

    expect(output.stderr.join('\n')).toContain(problem);
    expect(output.stderr.join('\n')).toContain(usage);
    expect(fake.count).toBe(0);
  });

  it('prints the usage and exits 0 for --help', async () => {
    const output = capture();
    expect(await runCli(['--help'], output)).toBe(0);
    expect(output.stdout).toEqual([usage]);
  });
});

describe('failure sentences', () => {
  it('uses the errorDescription, else the data, else the message', () => {
    expect(
      describeFailure(new ConnectorError(ConnectorErrorCodes.General, { errorDescription: 'SES said no.' }))
    ).toEqual(['Failed (general): SES said no.']);
    expect(describeFailure(new ConnectorError(ConnectorErrorCodes.RateLimitExceeded, 'slow down'))).toEqual([
      'Failed (rate_limit_exceeded): {"message":"slow down"}',
    ]);
    expect(describeFailure(new ConnectorError(ConnectorErrorCodes.NotImplemented))).toEqual([
      'Failed (not_implemented): ConnectorError: not_implemented',
    ]);
  });

  it('says when an error is not a connector error at all', () => {
    expect(describeFailure(new TypeError('boom'))).toEqual(['Unexpected error: boom']);
    expect(describeFailure('text')).toEqual(['Unexpected error: text']);
  });

  it('lists an invalid config without issues as just the heading', () => {
    expect(describeFailure(new ConnectorError(ConnectorErrorCodes.InvalidConfig))).toEqual([
      'The config is invalid:',
    ]);
  });
});
