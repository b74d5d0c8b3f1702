/**
 * The doctor's checks as pure functions of what SES answered (src/doctor/checks.ts,
 * credentials.ts, report.ts): the edge cases the wire suite (test/wire/doctor.test.ts) does not
 * reach with the fake SES — unlimited quotas, missing fields, every verification status, every
 * credential source, the report's wording.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type GetEmailIdentityCommandOutput, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { parseConfig } from '../src/config.js';
import {
  type DoctorContext,
  checkAccount,
  checkDkim,
  checkMailFrom,
  checkQuota,
  checkSandbox,
  checkSenderIdentity,
  readFailure,
} from '../src/doctor/checks.js';
import { checkCredentials, maskAccessKeyId } from '../src/doctor/credentials.js';
import { doctorCheckIds, formatDoctorReport } from '../src/doctor/report.js';
import { runDoctor } from '../src/doctor/run-doctor.js';
import {
  type IdentityRead,
  type SenderRead,
  ReadTimeoutError,
  readFailureKind,
  readWithin,
} from '../src/ses-read.js';
import { accessKeyId, secret } from './fixtures.js';

const rawConfig = {
  region: 'eu-west-1',
  emailAddress: 'noreply@example.com',
  timeoutMs: 1000,
  templates: [{ usageType: 'Generic', subject: 's', content: 'c' }],
};
const config = parseConfig(rawConfig);

const doctor = {
  config,
  // Never called: these checks are given what SES answered.
  client: new SESv2Client({ region: 'eu-west-1' }),
  context: { region: 'eu-west-1', host: 'email.eu-west-1.amazonaws.com', timeoutMs: 1000, secrets: [secret] },
} satisfies DoctorContext;

const account = (fields: Record<string, unknown>) => ({ account: { $metadata: {}, ...fields } });

const identity = (fields: Partial<GetEmailIdentityCommandOutput>): IdentityRead => ({
  output: { $metadata: {}, ...fields },
});
const missing: IdentityRead = { missing: true };

const sender = (addressRead: IdentityRead, domainRead: IdentityRead): SenderRead => ({
  address: 'noreply@example.com',
  domain: 'example.com',
  addressRead,
  domainRead,
});

const serviceError = (name: string, status: number, message = 'said') =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('account, sandbox and quota', () => {
  it('fails a shut-down account, warns on probation, says what is unknown', () => {
    expect(
      checkAccount(account({ EnforcementStatus: 'SHUTDOWN', SendingEnabled: true }), doctor)
    ).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('shut down') as string,
    });
    expect(checkAccount(account({ SendingEnabled: true }), doctor).summary).toBe(
      'Sending is enabled in eu-west-1; enforcement status unknown.'
    );
    expect(checkSandbox(account({}), doctor)).toMatchObject({ status: 'skip' });
  });

  it('reads an unlimited quota (-1) and an unknown one, and fails a zero quota', () => {
    expect(
      checkQuota(account({ SendQuota: { Max24HourSend: -1, MaxSendRate: 50, SentLast24Hours: 9 } }), doctor)
    ).toEqual({
      id: 'quota',
      status: 'pass',
      summary: 'No 24-hour sending limit in eu-west-1 (9 sent); at most 50 a second.',
    });
    expect(checkQuota(account({}), doctor).status).toBe('skip');
    expect(checkQuota(account({ SendQuota: {} }), doctor)).toMatchObject({
      status: 'fail',
      summary: '0 of 0 messages used in the last 24 hours (100 %) in eu-west-1; at most 0 a second.',
    });
  });
});

describe('the sender identity, DKIM and MAIL FROM', () => {
  it('passes a verified address, and skips without an emailAddress', () => {
    expect(
      checkSenderIdentity(sender(identity({ VerifiedForSendingStatus: true }), missing), doctor).summary
    ).toBe('noreply@example.com is verified for sending in eu-west-1.');
    expect(checkSenderIdentity(undefined, doctor).status).toBe('skip');
  });

  it('gives the fix of each status: a failed domain, a pending address', () => {
    const failed = checkSenderIdentity(sender(missing, identity({ VerificationStatus: 'FAILED' })), doctor);
    expect(failed).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('status FAILED') as string,
    });
    expect(failed.fix).toContain('retry its verification');
    const pending = checkSenderIdentity(sender(identity({ VerificationStatus: 'PENDING' }), missing), doctor);
    expect(pending.fix).toContain('verification email AWS sent to noreply@example.com');
    const unknown = checkSenderIdentity(sender(identity({}), missing), doctor);
    expect(unknown.summary).toContain('status unknown');
  });

  it('reports a read error of either identity', () => {
    const check = checkSenderIdentity(
      sender(missing, { error: serviceError('InternalFailure', 500, 'oops') }),
      doctor
    );
    expect(check).toMatchObject({
      status: 'fail',
      summary: 'SES answered GetEmailIdentity in eu-west-1 with an error (HTTP 500, InternalFailure).',
    });
  });

  it('DKIM: an address identity without tokens gets the Easy DKIM fix; no identity is skipped', () => {
    const dkim = checkDkim(sender(identity({}), missing), doctor);
    expect(dkim).toMatchObject({ status: 'warn', summary: expect.stringContaining('NOT_STARTED') as string });
    expect(dkim.fix).toContain('with Easy DKIM');
    expect(checkDkim(sender(missing, missing), doctor).status).toBe('skip');
    expect(checkDkim(undefined, doctor).status).toBe('skip');
  });

  it('MAIL FROM: a verified custom domain passes, an unknown status warns, no identity is skipped', () => {
    expect(
      checkMailFrom(
        sender(
          missing,
          identity({
            MailFromAttributes: {
              MailFromDomain: 'mail.example.com',
              MailFromDomainStatus: 'SUCCESS',
              BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
            },
          })
        ),
        doctor
      )
    ).toMatchObject({ status: 'pass', summary: 'The custom MAIL FROM domain mail.example.com is verified.' });
    expect(
      checkMailFrom(
        sender(missing, identity({ MailFromAttributes: { MailFromDomain: 'mail.example.com' } as never })),
        doctor
      ).summary
    ).toContain('is not verified');
    expect(checkMailFrom(sender(missing, missing), doctor).status).toBe('skip');
  });
});

describe('failed reads', () => {
  it('a credentials error keeps the send sentence; a timeout names the host; a non-Error is named Error', () => {
    expect(
      readFailure('account', 'GetAccount', serviceError('UnrecognizedClientException', 403), doctor)
    ).toMatchObject({
      status: 'fail',
      summary: 'GetAccount failed in eu-west-1 (UnrecognizedClientException).',
      fix: expect.stringContaining('does not recognise the access key') as string,
    });
    expect(readFailure('account', 'GetAccount', new ReadTimeoutError(1000), doctor)).toMatchObject({
      status: 'fail',
      summary: 'SES did not answer GetAccount within 1000 ms at email.eu-west-1.amazonaws.com.',
    });
    expect(readFailure('account', 'GetAccount', undefined, doctor).summary).toBe(
      'GetAccount failed in eu-west-1 (Error).'
    );
  });

  it('quotes what SES said, without the secret', () => {
    const check = readFailure(
      'account',
      'GetAccount',
      serviceError('BadRequestException', 400, `bad ${secret}`),
      doctor
    );
    expect(check.fix).toContain('SES said: "bad [redacted]".');
    expect(JSON.stringify(check)).not.toContain(secret);
    expect(readFailure('account', 'GetAccount', serviceError('Weird', 400, ''), doctor).fix).toMatch(
      /^Check that the endpoint/
    );
  });

  it('sorts failures: AccessDenied, NotFound, throttling, timeouts, the rest', () => {
    expect(
      [
        'AccessDenied',
        'NotFoundException',
        'ThrottlingException',
        'LimitExceededException',
        'AbortError',
        'TimeoutError',
        'X',
      ].map((name) => readFailureKind({ name }))
    ).toEqual(['denied', 'notFound', 'throttled', 'throttled', 'timeout', 'timeout', 'other']);
    expect(readFailureKind(null)).toBe('other');
  });

  it('readWithin gives up at once without time left, and at the bound otherwise', async () => {
    await expect(readWithin(async () => Promise.resolve(1), 0)).rejects.toBeInstanceOf(ReadTimeoutError);
    let aborted = false;
    const error = await readWithin(
      async (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
      20
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReadTimeoutError);
    expect(aborted).toBe(true);
  });
});

describe('credentials', () => {
  const clientWith = (identityValue: Record<string, unknown> | Error) =>
    ({
      config: {
        credentials: async () =>
          identityValue instanceof Error ? Promise.reject(identityValue) : Promise.resolve(identityValue),
      },
    }) as unknown as SESv2Client;
  const defaultChain = config;

  it.each([
    [{ CREDENTIALS_ENV_VARS: 'g' }, 'the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)'],
    [{ CREDENTIALS_PROFILE: 'n' }, 'the shared credentials files (profile ops)'],
    [{ CREDENTIALS_PROFILE_SSO: 'r' }, 'AWS IAM Identity Center (SSO)'],
    [{ CREDENTIALS_PROCESS: 'w' }, 'a credential_process'],
    [{ CREDENTIALS_STS_ASSUME_ROLE: 'i' }, 'an assumed role'],
    [{ CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h' }, 'a web identity role'],
    [{ CREDENTIALS_LOGIN: 'AD' }, 'an AWS console login session'],
    [{ CREDENTIALS_HTTP: 'z' }, 'the container credentials endpoint'],
    [{}, 'the EC2 instance role (instance metadata)'],
  ])('names the source %j', async (source, says) => {
    vi.stubEnv('AWS_PROFILE', 'ops');
    const check = await checkCredentials(
      defaultChain,
      clientWith({ accessKeyId: 'ASIAEXAMPLEKEY123456', secretAccessKey: secret, $source: source }),
      [secret]
    );
    expect(check.status).toBe('pass');
    expect(check.summary).toContain(says);
    expect(check.summary).toContain('ASIA…3456');
    expect(check.summary).not.toContain(secret);
  });

  it('names the container endpoint when its variable is set, and the default profile otherwise', async () => {
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', '/v2/credentials/x');
    vi.stubEnv('AWS_PROFILE', undefined);
    const container = await checkCredentials(
      defaultChain,
      clientWith({ accessKeyId: 'ASIAEXAMPLEKEY123456' }),
      []
    );
    expect(container.summary).toContain('the container credentials endpoint');
    const profile = await checkCredentials(
      defaultChain,
      clientWith({ accessKeyId: 'ASIAEXAMPLEKEY123456', $source: { CREDENTIALS_PROFILE: 'n' } }),
      []
    );
    expect(profile.summary).toContain('(profile default)');
  });

  it('fails with the reason, redacted, when nothing resolves', async () => {
    const check = await checkCredentials(defaultChain, clientWith(new Error(`Could not load ${secret}`)), [
      secret,
    ]);
    expect(check).toMatchObject({
      status: 'fail',
      summary: 'No AWS credentials were found: Could not load [redacted]',
    });
  });

  it('says the chain found none in time, naming the instance metadata service unless it is off', async () => {
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    const hanging = {
      config: { credentials: async () => new Promise(() => undefined) },
    } as unknown as SESv2Client;
    const quick = { ...defaultChain, timeoutMs: 20 };
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', undefined);
    expect((await checkCredentials(quick, hanging, [])).summary).toBe(
      "No AWS credentials were found: the AWS SDK's default chain found none within 20 ms; last, it asks the EC2 instance metadata service, which did not answer."
    );
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    expect((await checkCredentials(quick, hanging, [])).summary).toBe(
      "No AWS credentials were found: the AWS SDK's default chain found none within 20 ms."
    );
  });

  it('asks a failing container endpoint once more: one that answers now, or one the SDK will not ask', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          AccessKeyId: 'ASIAEXAMPLEKEY123456',
          SecretAccessKey: 'late/secret/0123456789',
          Token: 'late-token-0123456789',
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        })
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/role`;
      vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
      vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', url);
      const failing = clientWith(new Error('Could not load credentials from any providers'));
      expect((await checkCredentials(defaultChain, failing, [])).summary).toBe(
        `No AWS credentials were found: the container credentials endpoint ${url} answers now, but not in time for the AWS SDK's default chain: run the doctor again.`
      );
      // The SDK asks plain-HTTP container endpoints on loopback and AWS's link-local hosts only.
      vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', 'http://credentials.example/role');
      expect((await checkCredentials(defaultChain, failing, [])).summary).toMatch(
        /^No AWS credentials were found: the container credentials endpoint http:\/\/credentials\.example\/role could not be asked: .*URL not accepted/
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('masks short keys entirely', () => {
    expect(maskAccessKeyId(accessKeyId)).toBe('AKIA…MPLE');
    expect(maskAccessKeyId('AKIA')).toBe('…');
  });
});

describe('the report', () => {
  it('says "No check failed" without counts when everything passed, and names no region it does not know', () => {
    const text = formatDoctorReport({
      ok: true,
      region: '',
      checks: doctorCheckIds.map((id) => ({ id, status: 'pass', summary: 'fine' })),
    });
    expect(text.split('\n').at(-1)).toBe('No check failed.');
  });

  it('runDoctor: a config that is not an object fails config with one problem and no region', async () => {
    const report = await runDoctor(null);
    expect(report.region).toBe('');
    expect(report.checks[0]).toMatchObject({
      id: 'config',
      status: 'fail',
      summary: 'The config is invalid (1 problem).',
    });
  });

  it('runDoctor: --send without a recipient is skipped, never sent', async () => {
    const report = await runDoctor(
      { ...rawConfig, accessKeyId, accessKeySecret: secret, endpoint: 'http://127.0.0.1:9' },
      { send: true }
    );
    expect(report.checks.at(-1)).toEqual({
      id: 'test-send',
      status: 'skip',
      summary: 'Give --to <address> with --send.',
    });
  });
});
