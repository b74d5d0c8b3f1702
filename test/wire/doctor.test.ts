/**
 * `connector-aws-ses doctor` over real HTTP: the CLI in process (runCli), against the fake SES
 * whose reads answer per region. Every scenario checks the exact status of every check, the key
 * words of summaries and fixes, in --json and in text, and the exit code. The built lib/cli.js
 * is driven in test/package/doctor-cli.test.ts.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { runCli } from '../../src/cli.js';
import { parseConfig } from '../../src/config.js';
import { askOtherRegions } from '../../src/doctor/other-regions.js';
import { type SenderRead } from '../../src/ses-read.js';
import { withSesClient } from '../../src/ses-clients.js';
import {
  type AwsSesConfig,
  type DoctorCheckId,
  type DoctorCheckStatus,
  type DoctorReport,
  resetConnectorState,
  doctorCheckIds,
  runDoctor,
  sesRegions,
} from '../../src/index.js';
import { type FakeSesRegion, type ReadOperation, respond, startFakeSes } from '../support/fake-ses.js';
import {
  type ConfigOverrides,
  configurationSetName,
  healthyChecks,
  homeRegion,
  notVerified,
  otherRegion,
  recipientAddress,
  senderAddress,
  scenarioConfig,
  senderDomain,
  sesScenarios,
} from '../support/ses-scenarios.js';
import { stubNoAwsCredentials } from '../support/no-aws-credentials.js';
import { secret, useFakeSes } from '../fixtures.js';

const sessionToken = 'FwoGZXIvYXdzEXAMPLEDOCTORTOKEN/+=';

const ses = useFakeSes();
let folder: string;

const configFor = (overrides?: ConfigOverrides) => scenarioConfig(ses.fake.endpoint, overrides);

let files = 0;
const writeConfig = async (content: unknown): Promise<string> => {
  files += 1;
  const path = join(folder, `config-${files}.json`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

type Run = { code: number; stdout: string[]; stderr: string[] };

const doctor = async (
  args: string[],
  tty?: { isTTY: boolean; write: (text: string) => unknown }
): Promise<Run> => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(['doctor', ...args], {
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    ...(tty && { tty }),
  });
  return { code, stdout, stderr };
};

/** `doctor --json`: exactly one JSON object on stdout, nothing on stderr. */
const doctorJson = async (args: string[]): Promise<{ code: number; report: DoctorReport }> => {
  const run = await doctor([...args, '--json']);
  expect(run.stderr).toEqual([]);
  expect(run.stdout).toHaveLength(1);
  return { code: run.code, report: JSON.parse(run.stdout[0] ?? '') as DoctorReport };
};

const statusesOf = (report: DoctorReport) =>
  Object.fromEntries(report.checks.map(({ id, status }) => [id, status])) as Record<
    DoctorCheckId,
    DoctorCheckStatus
  >;

const symbolStatus: Record<string, DoctorCheckStatus> = {
  '✓': 'pass',
  '!': 'warn',
  '✗': 'fail',
  '–': 'skip',
};

/** The statuses the text output shows: one `<symbol> <id>` line per check. */
const textStatuses = (text: string): Record<string, DoctorCheckStatus | undefined> =>
  Object.fromEntries(
    [...text.matchAll(/^([✓!✗–]) (\S+) /gm)].map(
      ([, symbol, id]): [string, DoctorCheckStatus | undefined] => [id ?? '', symbolStatus[symbol ?? '']]
    )
  );

const allSkippedAfter = (
  first: Partial<Record<DoctorCheckId, DoctorCheckStatus>>
): Record<DoctorCheckId, DoctorCheckStatus> =>
  Object.fromEntries(doctorCheckIds.map((id) => [id, first[id] ?? 'skip'])) as Record<
    DoctorCheckId,
    DoctorCheckStatus
  >;

type Scenario = {
  name: string;
  regions: Record<string, FakeSesRegion>;
  args?: string[];
  config?: Parameters<typeof configFor>[0];
  before?: () => void;
  statuses: Record<DoctorCheckId, DoctorCheckStatus>;
  /** Words each check's summary and fix must hold (and the text output too). */
  says: Partial<Record<DoctorCheckId, string[]>>;
  exit: 0 | 1;
};

const to = ['--to', recipientAddress];

const denied = (operation: ReadOperation) => () => {
  ses.fake.setReadAction(
    operation,
    respond.sesError('AccessDeniedException', 403, `not authorized to ${operation}`)
  );
};

const scenarios: Scenario[] = [
  {
    name: 'a healthy production account, with a test email',
    regions: sesScenarios.healthyProduction,
    args: [...to, '--send'],
    statuses: { ...healthyChecks, 'test-send': 'pass' },
    says: {
      credentials: ['From the config', 'AKIA…MPLE'],
      account: ['Sending is enabled in eu-west-1', 'HEALTHY'],
      sandbox: ['production access'],
      quota: ['120 of 50000', 'at most 14 a second'],
      'sender-identity': [`its domain ${senderDomain} is verified`],
      dkim: ['SUCCESS'],
      'configuration-set': [`${configurationSetName} exists in eu-west-1`],
      recipient: [`${recipientAddress} is not on the suppression list`],
      'test-send': ['Sent the Generic test email', 'MessageId fake-'],
    },
    exit: 0,
  },
  {
    name: 'a config from before Logto 1.0, with Continue and Test templates, and a test email',
    regions: sesScenarios.healthyProduction,
    args: [...to, '--send'],
    config: {
      templates: ['SignIn', 'Continue', 'Test', 'Generic', 'signin'].map((usageType) => ({
        usageType,
        subject: `${usageType} {{code}}`,
        content: '<p>{{code}}</p>',
      })),
    },
    statuses: { ...healthyChecks, config: 'warn', 'test-send': 'pass' },
    says: {
      config: [
        'templates for Continue, Test, signin are never used',
        'Logto sends only SignIn, Register',
        '(signin: did you mean SignIn?)',
      ],
      'test-send': ['Sent the Generic test email', 'MessageId fake-'],
    },
    exit: 0,
  },
  {
    name: 'the sandbox with an unverified recipient',
    regions: sesScenarios.sandbox,
    args: to,
    statuses: { ...healthyChecks, sandbox: 'warn', recipient: 'fail' },
    says: {
      sandbox: [
        'SES sandbox in eu-west-1',
        'only to verified addresses',
        '200 messages',
        'request production access',
      ],
      quota: ['0 of 200'],
      recipient: [`${recipientAddress} is not a verified identity`, 'sandbox', `Verify ${recipientAddress}`],
    },
    exit: 1,
  },
  {
    name: 'the sender verified only in another region',
    regions: sesScenarios.senderElsewhere,
    statuses: {
      ...healthyChecks,
      'sender-identity': 'fail',
      dkim: 'skip',
      'mail-from': 'skip',
      'other-regions': 'skip',
      recipient: 'skip',
    },
    says: {
      'sender-identity': [
        `Neither ${senderAddress} nor its domain ${senderDomain} is an identity in eu-west-1`,
        'see other-regions',
      ],
      // The fake is an endpoint override: it serves one region (the other regions: askOtherRegions).
      'other-regions': ['the endpoint override (http://127.0.0.1:', 'without the endpoint override'],
      recipient: ['Give --to'],
    },
    exit: 1,
  },
  {
    name: 'DKIM pending',
    regions: sesScenarios.dkimPending,
    statuses: {
      ...healthyChecks,
      'sender-identity': 'fail',
      dkim: 'warn',
      'other-regions': 'skip',
      recipient: 'skip',
    },
    says: {
      'sender-identity': [
        `${senderDomain} exists in eu-west-1 but is not verified`,
        'PENDING',
        'DKIM records',
      ],
      dkim: [
        'PENDING',
        `fakedkimtokenone._domainkey.${senderDomain} CNAME fakedkimtokenone.dkim.amazonses.com`,
        'fakedkimtokenthree',
      ],
      'other-regions': ['serves one region'],
    },
    exit: 1,
  },
  {
    name: 'a missing configuration set',
    regions: sesScenarios.missingConfigurationSet,
    statuses: { ...healthyChecks, 'configuration-set': 'fail', recipient: 'skip' },
    says: {
      'configuration-set': [
        `${configurationSetName} does not exist in eu-west-1`,
        `Create ${configurationSetName}`,
        'remove configurationSetName',
      ],
    },
    exit: 1,
  },
  {
    name: 'no configuration set configured',
    regions: sesScenarios.missingConfigurationSet,
    config: { configurationSetName: undefined },
    statuses: { ...healthyChecks, 'configuration-set': 'skip', recipient: 'skip' },
    says: { 'configuration-set': ['No configurationSetName'] },
    exit: 0,
  },
  {
    name: 'the sandbox with a verified recipient, and no emailAddress (templates give sendFrom)',
    regions: {
      [homeRegion]: {
        identities: { [recipientAddress]: {} },
        configurationSets: { [configurationSetName]: {} },
      },
    },
    args: to,
    config: { emailAddress: undefined },
    statuses: {
      ...healthyChecks,
      sandbox: 'warn',
      'sender-identity': 'skip',
      dkim: 'skip',
      'mail-from': 'skip',
    },
    says: {
      'sender-identity': ['No emailAddress in the config'],
      recipient: [`${recipientAddress} is not on the suppression list and is verified in eu-west-1`],
    },
    exit: 0,
  },
  {
    name: 'a suppressed recipient',
    regions: sesScenarios.suppressedRecipient,
    args: to,
    statuses: { ...healthyChecks, recipient: 'fail' },
    says: {
      recipient: [
        'account-level suppression list since 2026-11-30 (reason BOUNCE)',
        'remove it from the suppression list',
      ],
    },
    exit: 1,
  },
  {
    name: 'AccessDenied on GetAccount',
    regions: sesScenarios.healthyProduction,
    args: to,
    before: denied('GetAccount'),
    statuses: { ...healthyChecks, account: 'skip', sandbox: 'skip', quota: 'skip' },
    says: {
      account: ['AccessDenied', 'Allow ses:GetAccount'],
      sandbox: ['GetAccount did not answer'],
      recipient: ['whether the account is in the sandbox is unknown'],
    },
    exit: 0,
  },
  {
    name: 'AccessDenied on GetEmailIdentity',
    regions: sesScenarios.healthyProduction,
    before: denied('GetEmailIdentity'),
    statuses: {
      ...healthyChecks,
      'sender-identity': 'skip',
      dkim: 'skip',
      'mail-from': 'skip',
      recipient: 'skip',
    },
    says: { 'sender-identity': ['AccessDenied', 'Allow ses:GetEmailIdentity'] },
    exit: 0,
  },
  {
    name: 'AccessDenied on GetEmailIdentity in the sandbox, with a recipient',
    regions: sesScenarios.sandbox,
    args: to,
    before: denied('GetEmailIdentity'),
    statuses: {
      ...healthyChecks,
      sandbox: 'warn',
      'sender-identity': 'skip',
      dkim: 'skip',
      'mail-from': 'skip',
      recipient: 'skip',
    },
    says: { recipient: ['GetEmailIdentity (AccessDenied)', 'Allow ses:GetEmailIdentity'] },
    exit: 0,
  },
  {
    name: 'AccessDenied on GetConfigurationSet',
    regions: sesScenarios.healthyProduction,
    before: denied('GetConfigurationSet'),
    statuses: { ...healthyChecks, 'configuration-set': 'skip', recipient: 'skip' },
    says: { 'configuration-set': ['AccessDenied', 'Allow ses:GetConfigurationSet'] },
    exit: 0,
  },
  {
    name: 'AccessDenied on GetSuppressedDestination',
    regions: sesScenarios.healthyProduction,
    args: to,
    before: denied('GetSuppressedDestination'),
    statuses: { ...healthyChecks, recipient: 'skip' },
    says: { recipient: ['AccessDenied', 'Allow ses:GetSuppressedDestination'] },
    exit: 0,
  },
  {
    name: 'throttling on every read',
    regions: sesScenarios.healthyProduction,
    args: to,
    before: () => {
      for (const operation of [
        'GetAccount',
        'GetEmailIdentity',
        'GetConfigurationSet',
        'GetSuppressedDestination',
      ] as const) {
        ses.fake.setReadAction(
          operation,
          respond.sesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.')
        );
      }
    },
    statuses: {
      ...healthyChecks,
      account: 'warn',
      sandbox: 'skip',
      quota: 'skip',
      'sender-identity': 'warn',
      dkim: 'skip',
      'mail-from': 'skip',
      'configuration-set': 'warn',
      recipient: 'warn',
    },
    says: {
      account: ['SES throttled GetAccount', 'again in a moment'],
      'sender-identity': ['SES throttled GetEmailIdentity'],
      'configuration-set': ['SES throttled GetConfigurationSet'],
      recipient: ['SES throttled GetSuppressedDestination'],
    },
    exit: 0,
  },
  {
    name: 'a quota 80 % used, a paused account and a pending MAIL FROM domain',
    regions: {
      [homeRegion]: {
        account: {
          productionAccessEnabled: true,
          sendingEnabled: false,
          max24HourSend: 1000,
          sentLast24Hours: 850,
        },
        identities: { [senderDomain]: { mailFrom: { domain: `mail.${senderDomain}`, status: 'PENDING' } } },
        configurationSets: { [configurationSetName]: { sendingEnabled: false } },
      },
    },
    statuses: {
      ...healthyChecks,
      account: 'fail',
      quota: 'warn',
      'mail-from': 'warn',
      'configuration-set': 'fail',
      recipient: 'skip',
    },
    says: {
      account: ['Sending is paused', 'Resume sending'],
      quota: ['850 of 1000', '(85 %)', 'higher sending quota'],
      'mail-from': [
        `mail.${senderDomain}`,
        'PENDING',
        `feedback-smtp.${homeRegion}.amazonses.com`,
        'v=spf1 include:amazonses.com',
      ],
      'configuration-set': ['Sending is paused for the configuration set'],
    },
    exit: 1,
  },
  {
    name: 'a used-up quota and an account on probation',
    regions: {
      [homeRegion]: {
        account: {
          productionAccessEnabled: true,
          enforcementStatus: 'PROBATION',
          max24HourSend: 1000,
          sentLast24Hours: 1000,
        },
        identities: { [senderDomain]: {} },
        configurationSets: { [configurationSetName]: {} },
      },
    },
    statuses: { ...healthyChecks, account: 'warn', quota: 'fail', recipient: 'skip' },
    says: { account: ['PROBATION'], quota: ['1000 of 1000', '(100 %)'] },
    exit: 1,
  },
  {
    name: 'a test email SES rejects because the sender is not verified',
    regions: sesScenarios.senderElsewhere,
    args: [...to, '--send'],
    before: () => {
      ses.fake.setDefault(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));
    },
    statuses: {
      ...healthyChecks,
      'sender-identity': 'fail',
      dkim: 'skip',
      'mail-from': 'skip',
      'other-regions': 'skip',
      'test-send': 'fail',
    },
    says: {
      'test-send': ['did not accept the test email', `Neither the sender ${senderAddress} nor its domain`],
    },
    exit: 1,
  },
];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'doctor-test-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const prepare = (scenario: Scenario) => {
  ses.fake.reset();
  ses.fake.setDefault(respond.succeed());
  ses.fake.setRegions(scenario.regions);
  scenario.before?.();
};

describe('doctor scenarios (--json and text)', () => {
  it.each(scenarios)(
    '$name',
    async (scenario) => {
      const config = await writeConfig(configFor(scenario.config));
      const args = ['--config', config, ...(scenario.args ?? [])];

      prepare(scenario);
      const { code, report } = await doctorJson(args);

      expect(code).toBe(scenario.exit);
      expect(report.ok).toBe(scenario.exit === 0);
      expect(report.region).toBe(homeRegion);
      expect(report.checks.map(({ id }) => id)).toEqual([...doctorCheckIds]);
      expect(statusesOf(report)).toEqual(scenario.statuses);
      for (const check of report.checks) {
        if (check.status === 'warn' || check.status === 'fail') {
          expect(check.fix, `${check.id} has a fix`).toEqual(expect.any(String));
        }
        const words = scenario.says[check.id] ?? [];
        for (const word of words) {
          expect(`${check.summary} ${check.fix ?? ''}`, `${check.id}: "${word}"`).toContain(word);
        }
      }

      prepare(scenario);
      const text = await doctor(args);
      const printed = text.stdout.join('\n');
      expect(text.code).toBe(scenario.exit);
      expect(text.stderr).toEqual([]);
      expect(textStatuses(printed)).toEqual(scenario.statuses);
      for (const word of Object.values(scenario.says).flat()) {
        expect(printed).toContain(word);
      }
      expect(printed).toMatch(
        scenario.exit === 0 ? /^No check failed \(SES region eu-west-1\)/m : /^Some checks failed/m
      );
      // Throttled reads are retried with the SDK's backoff: a few seconds per run.
    },
    20_000
  );
});

describe('other-regions', () => {
  // The cached clients keep the credentials they resolved: useFakeSes drops them after each test.
  const sender: SenderRead = {
    address: senderAddress,
    domain: senderDomain,
    addressRead: { missing: true },
    domainRead: { missing: true },
  };
  /** Asks the other regions as the doctor does: with the credentials of the doctor's client. */
  const askAsTheDoctorDoes = async (raw: AwsSesConfig) => {
    const config = parseConfig(raw);
    return withSesClient(config, async (client) =>
      askOtherRegions(config, sender, client.config.credentials)
    );
  };

  it('with an endpoint override (the config, or AWS_ENDPOINT_URL_SESV2) asks no other region and says why', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    vi.stubEnv('AWS_ENDPOINT_URL_SESV2', ses.fake.endpoint);
    for (const config of [configFor(), configFor({ endpoint: undefined })]) {
      ses.fake.reset();
      const { report } = await doctorJson(['--config', await writeConfig(config)]);
      expect(report.checks.find(({ id }) => id === 'sender-identity')?.status).toBe('fail');
      expect(report.checks.find(({ id }) => id === 'other-regions')).toMatchObject({
        status: 'skip',
        summary: `Not checked: the endpoint override (${ses.fake.endpoint}) serves one region, so other SES regions cannot be asked through it.`,
      });
      expect(new Set(ses.fake.requests.map(({ region }) => region))).toEqual(new Set([homeRegion]));
    }
  });

  it('asks every other SES region once each, the address and the domain', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    const check = await askAsTheDoctorDoes(configFor());
    expect(check).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining(`verified for sending in ${otherRegion}, not in eu-west-1`) as string,
      fix: expect.stringContaining(`Set region to ${otherRegion}`) as string,
    });
    const asked = new Set(ses.fake.requests.map(({ region }) => region));
    expect(asked).toEqual(new Set(sesRegions.filter((region) => region !== homeRegion)));
    expect(ses.fake.requests.filter(({ region }) => region === otherRegion)).toHaveLength(2);
  });

  it('says in how many regions it checked, when none has the sender', async () => {
    ses.fake.setRegions(sesScenarios.dkimPending);
    expect((await askAsTheDoctorDoes(configFor())).summary).toContain(
      'not verified in any other SES region either (24 checked)'
    );
  });

  it('skips with the IAM action when every other region denies GetEmailIdentity', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    for (const region of sesRegions.filter((name) => name !== homeRegion)) {
      ses.fake.setReadAction(
        'GetEmailIdentity',
        respond.sesError('AccessDeniedException', 403, 'no'),
        region
      );
    }
    expect(await askAsTheDoctorDoes(configFor())).toMatchObject({
      status: 'skip',
      summary: 'Not checked: the AWS identity may not call GetEmailIdentity (AccessDenied).',
      fix: expect.stringContaining('Allow ses:GetEmailIdentity') as string,
    });
  });

  it('is bounded by timeoutMs when regions hang', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    for (const region of sesRegions.filter((name) => name !== homeRegion && name !== otherRegion)) {
      ses.fake.setReadAction('GetEmailIdentity', respond.hang(), region);
    }
    const started = performance.now();
    const check = await askAsTheDoctorDoes(configFor({ timeoutMs: 800 }));
    expect(performance.now() - started).toBeLessThan(800 + 1000);
    expect(check.status).toBe('warn');
    expect(check.summary).toContain(`verified for sending in ${otherRegion}`);
    expect(check.summary).toContain('23 of 24 regions could not be checked');
  });

  it('resolves the credentials once, not once per region: a credential_process runs once', async () => {
    stubNoAwsCredentials();
    const runs = join(folder, 'credential-process-runs');
    const script = join(folder, 'credential-process.sh');
    await writeFile(
      script,
      `#!/bin/sh\necho run >> '${runs}'\necho '{"Version":1,"AccessKeyId":"AKIAPROCESSEXAMPLE01","SecretAccessKey":"processSecretExample/0123456789"}'\n`
    );
    await chmod(script, 0o700);
    const awsConfig = join(folder, 'aws-config');
    await writeFile(awsConfig, `[default]\ncredential_process = ${script}\n`);
    vi.stubEnv('AWS_CONFIG_FILE', awsConfig);
    ses.fake.setRegions(sesScenarios.senderElsewhere);

    const check = await askAsTheDoctorDoes(configFor({ accessKeyId: undefined, accessKeySecret: undefined }));

    expect(check.status).toBe('warn');
    expect(ses.fake.requests.filter(({ region }) => region === otherRegion)).toHaveLength(2);
    expect((await readFile(runs, 'utf8')).trim().split('\n')).toEqual(['run']);
  });
});
describe('doctor before any request', () => {
  it('no credentials anywhere: credentials fails with the SDK reason, nothing else runs, zero requests', async () => {
    stubNoAwsCredentials();
    const config = await writeConfig(configFor({ accessKeyId: undefined, accessKeySecret: undefined }));

    const { code, report } = await doctorJson(['--config', config, '--to', recipientAddress]);
    const text = await doctor(['--config', config]);

    expect(code).toBe(1);
    expect(statusesOf(report)).toEqual(allSkippedAfter({ config: 'pass', credentials: 'fail' }));
    const credentials = report.checks[1];
    expect(credentials?.summary).toContain('No AWS credentials were found');
    expect(credentials?.fix).toContain('accessKeyId and accessKeySecret');
    expect(report.checks[2]?.summary).toBe('Not checked: no AWS credentials.');
    expect(text.code).toBe(1);
    expect(text.stdout.join('\n')).toMatch(/^✗ credentials +No AWS credentials were found/m);
    expect(ses.fake.count).toBe(0);
  });

  it.each([
    ['answers HTTP 500', 500, 'answered HTTP 500.'],
    ['never answers', undefined, 'did not answer within 1000 ms.'],
  ])(
    'a container credentials endpoint that %s: credentials names that endpoint and how it failed, SES is never asked',
    async (_label, status, how) => {
      stubNoAwsCredentials();
      const held = new Set<ServerResponse>();
      const roleEndpoint = createServer((_request, response) => {
        if (status === undefined) {
          held.add(response);
          return;
        }
        response.writeHead(status);
        response.end('Internal Server Error');
      });
      await new Promise<void>((resolve) => roleEndpoint.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(roleEndpoint.address() as AddressInfo).port}/role`;
      vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', url);
      try {
        const config = await writeConfig(
          configFor({ accessKeyId: undefined, accessKeySecret: undefined, timeoutMs: 1500 })
        );
        const { code, report } = await doctorJson(['--config', config]);

        expect(code).toBe(1);
        expect(statusesOf(report)).toEqual(allSkippedAfter({ config: 'pass', credentials: 'fail' }));
        expect(report.checks[1]?.summary).toBe(
          `No AWS credentials were found: the container credentials endpoint ${url} ${how}`
        );
        expect(report.checks[1]?.summary).not.toContain('SES');
        expect(ses.fake.count).toBe(0);
      } finally {
        for (const response of held) {
          response.destroy();
        }
        roleEndpoint.closeAllConnections();
        await new Promise((resolve) => roleEndpoint.close(resolve));
        resetConnectorState();
      }
    },
    15_000
  );

  it('credentials from the environment: names the source, masks the key, never shows the secret', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENTKEY01');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', secret);
    vi.stubEnv('AWS_SESSION_TOKEN', sessionToken);
    const config = await writeConfig(configFor({ accessKeyId: undefined, accessKeySecret: undefined }));
    ses.fake.setRegions(sesScenarios.healthyProduction);

    const { code, report } = await doctorJson(['--config', config]);

    expect(code).toBe(0);
    expect(report.checks[1]).toEqual({
      id: 'credentials',
      status: 'pass',
      summary:
        'From the AWS default chain: the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), access key AKIA…EY01 (temporary, with a session token).',
    });
    expect(ses.fake.requests.every((request) => request.hasSecurityToken)).toBe(true);
  });

  it('an invalid config: config fails with each zod message, zero requests', async () => {
    const config = await writeConfig({ ...configFor(), region: 'Ireland', templates: [] });

    const { code, report } = await doctorJson(['--config', config]);
    const text = await doctor(['--config', config]);

    expect(code).toBe(1);
    expect(report.region).toBe('ireland');
    expect(statusesOf(report)).toEqual(allSkippedAfter({ config: 'fail' }));
    expect(report.checks[0]?.summary).toBe('The config is invalid (2 problems).');
    expect(report.checks[0]?.fix).toContain('region: Region must be a region code');
    expect(report.checks[0]?.fix).toContain('templates needs a Generic template');
    expect(report.checks[1]?.summary).toBe('Not checked: the config is invalid.');
    expect(text.code).toBe(1);
    expect(text.stdout.join('\n')).toMatch(
      /^✗ config +The config is invalid \(2 problems\)\.\n +→ region: Region must/m
    );
    expect(ses.fake.count).toBe(0);
  });

  it.each([
    ['a missing file', join('/nonexistent', 'config.json'), 'Cannot read the config file'],
    ['a file that is not JSON', '{ not json', 'is not valid JSON'],
  ])('%s: config fails, exit 1, zero requests', async (_label, content, says) => {
    const path = content.startsWith('/') ? content : await writeConfig(content);
    const { code, report } = await doctorJson(['--config', path]);
    expect(code).toBe(1);
    expect(statusesOf(report)).toEqual(allSkippedAfter({ config: 'fail' }));
    expect(report.checks[0]?.summary).toContain(says);
    expect(ses.fake.count).toBe(0);
  });

  it('a config file with an unquoted secret: config fails by line and column, no character of the secret in text or --json', async () => {
    const path = await writeConfig(
      `{\n  "region": "us-east-1",\n  "accessKeySecret": ${secret},\n  "emailAddress": "a@example.com"\n}\n`
    );

    const { code, report } = await doctorJson(['--config', path]);
    const text = await doctor(['--config', path]);

    const sentence = `The config file ${path} is not valid JSON: line 3, column 22.`;
    expect(code).toBe(1);
    expect(report.checks[0]).toMatchObject({ id: 'config', status: 'fail', summary: sentence });
    expect(JSON.stringify(report)).not.toContain(secret.slice(0, 4));
    expect(text.code).toBe(1);
    expect(text.stdout.join('\n')).toContain(sentence);
    expect([...text.stdout, ...text.stderr].join('\n')).not.toContain(secret.slice(0, 4));
    expect(ses.fake.count).toBe(0);
  });

  it.each([
    ['no --config', []],
    ['--send without --to', ['--config', 'x.json', '--send']],
    ['an empty --to', ['--config', 'x.json', '--to', ' ']],
    ['an unknown option', ['--config', 'x.json', '--region', 'eu-west-1']],
    ['an extra argument', ['--config', 'x.json', 'extra']],
  ])('%s: a usage error, exit 2, usage on stderr', async (_label, args) => {
    const run = await doctor(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toEqual([]);
    expect(run.stderr.join('\n')).toContain('Usage: connector-aws-ses doctor --config <file.json>');
    expect(ses.fake.count).toBe(0);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await doctor(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toContain(
      'Exits 0 when no check failed, 1 when one did, 2 for a usage error.'
    );
  });
});

describe('doctor when SES cannot be used', () => {
  it('an unknown access key: account fails with the send sentence, the later SES checks are skipped', async () => {
    const config = await writeConfig(configFor());
    ses.fake.setReadAction(
      'GetAccount',
      respond.sesError(
        'UnrecognizedClientException',
        403,
        'The security token included in the request is invalid.'
      )
    );

    const { code, report } = await doctorJson(['--config', config, '--to', recipientAddress]);

    expect(code).toBe(1);
    expect(statusesOf(report)).toEqual(
      allSkippedAfter({ config: 'pass', credentials: 'pass', account: 'fail' })
    );
    expect(report.checks[2]).toMatchObject({
      summary: 'GetAccount failed in eu-west-1 (UnrecognizedClientException).',
      fix: expect.stringContaining('AWS does not recognise the access key') as string,
    });
    expect(report.checks[5]?.summary).toBe('Not checked: SES did not answer GetAccount (see account).');
    expect(ses.fake.requests.map(({ operation }) => operation)).toEqual(['GetAccount']);
  });

  it('a closed port: account fails naming the refused connection', async () => {
    const closed = await startFakeSes();
    await closed.close();
    const config = await writeConfig(configFor({ endpoint: closed.endpoint }));

    const { code, report } = await doctorJson(['--config', config]);

    expect(code).toBe(1);
    expect(report.checks[2]?.fix).toContain(`The connection to 127.0.0.1:${closed.port} was refused`);
  });

  it('an endpoint that answers no SES read: quoted, with the endpoint to check', async () => {
    const config = await writeConfig(configFor());
    ses.fake.setReadAction(
      'GetAccount',
      respond.sesError('BadRequestException', 400, 'Bad Request Exception')
    );

    const { report } = await doctorJson(['--config', config]);

    expect(report.checks[2]).toEqual({
      id: 'account',
      status: 'fail',
      summary: 'SES answered GetAccount in eu-west-1 with an error (HTTP 400, BadRequestException).',
      fix: `SES said: "Bad Request Exception". Check that the endpoint (127.0.0.1:${ses.fake.port}) is an Amazon SES v2 API endpoint, then run the doctor again.`,
    });
  });
});

describe('the spinner', () => {
  it('draws on a terminal while checks run, and is erased before the report', async () => {
    const config = await writeConfig(configFor());
    ses.fake.setRegions(sesScenarios.healthyProduction);
    const frames: string[] = [];
    const run = await doctor(['--config', config], { isTTY: true, write: (text) => frames.push(text) });
    expect(run.code).toBe(0);
    expect(frames.some((frame) => frame.includes('Checking account…'))).toBe(true);
    expect(frames.at(-1)).toBe('\r\u001B[K');
    expect(run.stdout.join('\n')).not.toContain('Checking');
  });

  it('stays off with --json and when the output is not a terminal', async () => {
    const config = await writeConfig(configFor());
    ses.fake.setRegions(sesScenarios.healthyProduction);
    const frames: string[] = [];
    await doctor(['--config', config, '--json'], { isTTY: true, write: (text) => frames.push(text) });
    await doctor(['--config', config], { isTTY: false, write: (text) => frames.push(text) });
    expect(frames).toEqual([]);
  });
});

describe('secrets', () => {
  it('no doctor output ever holds the access key secret or a session token', async () => {
    vi.stubEnv('AWS_SESSION_TOKEN', sessionToken);
    const config = await writeConfig(configFor({ timeoutMs: 1000 }));
    const operations = [
      'GetAccount',
      'GetEmailIdentity',
      'GetConfigurationSet',
      'GetSuppressedDestination',
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.values(sesScenarios)),
        fc.subarray([...operations]),
        fc.constantFrom(
          respond.sesError('AccessDeniedException', 403, `User with secret ${secret} is not authorized`),
          respond.sesError('UnrecognizedClientException', 403, `token ${sessionToken} invalid`),
          respond.sesError('SignatureDoesNotMatch', 403, `Authorization: AWS4-HMAC-SHA256 ${secret}`),
          respond.serverError(400)
        ),
        fc.boolean(),
        fc.boolean(),
        async (regions, failing, fault, json, send) => {
          ses.fake.reset();
          ses.fake.setRegions(regions);
          for (const operation of failing) {
            ses.fake.setReadAction(operation, fault);
          }
          if (send) {
            ses.fake.setDefault(fault);
          } else {
            ses.fake.setDefault(respond.succeed());
          }
          const run = await doctor([
            '--config',
            config,
            '--to',
            recipientAddress,
            ...(send ? ['--send'] : []),
            ...(json ? ['--json'] : []),
          ]);
          const printed = [...run.stdout, ...run.stderr].join('\n');
          expect(printed).not.toContain(secret);
          expect(printed).not.toContain(sessionToken);
          expect(printed).not.toContain('AWS4-HMAC-SHA256');
        }
      ),
      { numRuns: 30 }
    );
  }, 60_000);

  it('runDoctor, the function the playground calls, returns the same report as the CLI', async () => {
    const config = configFor();
    ses.fake.setRegions(sesScenarios.sandbox);
    const report = await runDoctor(config, { to: recipientAddress });
    const { report: printed } = await doctorJson([
      '--config',
      await writeConfig(config),
      '--to',
      recipientAddress,
    ]);
    expect(statusesOf(report)).toEqual(statusesOf(printed));
    expect(report.checks.map(({ summary }) => summary)).toEqual(printed.checks.map(({ summary }) => summary));
  });
});

describe('doctor on a config with templates Logto never uses', () => {
  it('warns about one in the singular, and the report still counts as no failure', async () => {
    const config = configFor({
      templates: [
        { usageType: 'Generic', subject: 'Code {{code}}', content: '<p>{{code}}</p>' },
        { usageType: 'Continue', subject: 'Continue {{code}}', content: '<p>{{code}}</p>' },
      ],
    });
    ses.fake.setRegions(sesScenarios.healthyProduction);

    const report = await runDoctor(config);

    expect(report.checks[0]).toEqual({
      id: 'config',
      status: 'warn',
      summary:
        'The config is valid (SES region eu-west-1; open and click tracking off, X-Entity-Ref-ID on), but its template for Continue is never used: Logto sends no such usage type.',
      fix: 'Logto sends only SignIn, Register, ForgotPassword, OrganizationInvitation, Generic, UserPermissionValidation, BindNewIdentifier, MfaVerification, BindMfa. Remove the unused templates, or rename each to the usage type it is meant for.',
    });
    expect(report.ok).toBe(true);
  });
});
