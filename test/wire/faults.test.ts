/**
 * Fault injection over real HTTP: the connector and the AWS SDK against a fake SES endpoint of our
 * own (test/support/fake-ses.ts) that answers the way SES does. Every failure must become the
 * host's ConnectorError with the right code and description, retried exactly as often as the
 * SDK's standard mode says (counted at the fake), bounded by timeoutMs, and leave the connector
 * able to send the next email.
 */
import { createServer } from 'node:net';

import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import createConnector, { type AwsSesConfig, clearSesClients } from '../../src/index.js';
import { type FakeSes, type FakeSesAction, respond, startFakeSes } from '../support/fake-ses.js';
import { configAt, rejectionOf } from '../fixtures.js';

import { type DnsGuard, allowOnlyLoopbackDns } from '../support/loopback-only.js';

const region = 'eu-west-1';

let fake: FakeSes;
let dnsGuard: DnsGuard;
/** What `getConfig` hands the connector; tests point it elsewhere and back. */
let stored: AwsSesConfig;
let connector: Awaited<ReturnType<typeof createConnector>>;

let sends = 0;
/** One send the way Logto makes it: no config argument, the stored one comes from getConfig. */
const send = async () => {
  sends += 1;
  return connector.sendMessage({
    to: `user${sends}@example.com`,
    type: TemplateType.Generic,
    payload: { code: String(100_000 + sends) },
  });
};

/** Sends and returns the ConnectorError the send must reject with. */
const failure = async () => {
  const error = await rejectionOf(send());
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError & { data: Record<string, unknown> };
};

/** After a fault: the same connector, pointed at a healthy endpoint, delivers exactly one email. */
const expectNextSendSucceeds = async (endpoint: FakeSes = fake) => {
  stored = configAt(endpoint.endpoint);
  endpoint.setDefault(respond.succeed());
  endpoint.reset();
  const messageId = await send();
  expect(endpoint.requests).toHaveLength(1);
  expect(endpoint.accepted().map((request) => request.messageId)).toEqual([messageId]);
};

beforeAll(async () => {
  dnsGuard = allowOnlyLoopbackDns();
  fake = await startFakeSes();
  connector = await createConnector({ getConfig: async () => Promise.resolve(stored) });
});

beforeEach(() => {
  stored = configAt(fake.endpoint);
  fake.setDefault(respond.succeed());
  fake.reset();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  clearSesClients();
  await fake.close();
  dnsGuard.restore();
  // Only the deliberately unresolvable hosts were ever looked up.
  expect(new Set(dnsGuard.lookups)).toEqual(new Set(['ses.invalid', 'email.eu-nowhere-1.amazonaws.com']));
});

type SesFault = {
  name: string;
  status: number;
  /** Requests the fake must see: 3 for what the SDK's standard mode retries, 1 for the rest. */
  attempts: 1 | 3;
  code: ConnectorErrorCodes;
  /** A phrase of the description that says what happened. */
  says: string;
};

const sesFaults: SesFault[] = [
  {
    name: 'TooManyRequestsException',
    status: 429,
    attempts: 3,
    code: ConnectorErrorCodes.RateLimitExceeded,
    says: 'throttling this account',
  },
  {
    name: 'LimitExceededException',
    status: 400,
    attempts: 3,
    code: ConnectorErrorCodes.UsageLimitExceeded,
    says: 'sending limit of this account in eu-west-1 is used up',
  },
  {
    name: 'MessageRejected',
    status: 400,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'Amazon SES rejected the message in eu-west-1',
  },
  {
    name: 'MailFromDomainNotVerifiedException',
    status: 400,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'custom MAIL FROM domain',
  },
  {
    name: 'AccountSuspendedException',
    status: 400,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'suspended sending for this AWS account',
  },
  {
    name: 'SendingPausedException',
    status: 400,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'Sending is paused',
  },
  {
    name: 'NotFoundException',
    status: 404,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'could not find something',
  },
  {
    name: 'BadRequestException',
    status: 400,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'malformed',
  },
  {
    name: 'AccessDeniedException',
    status: 403,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'not allowed to send email in eu-west-1',
  },
  {
    name: 'UnrecognizedClientException',
    status: 403,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'does not recognise the access key',
  },
  {
    name: 'InvalidSignatureException',
    status: 403,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'rejected the request signature',
  },
  {
    name: 'SignatureDoesNotMatch',
    status: 403,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'rejected the request signature',
  },
  {
    name: 'ExpiredTokenException',
    status: 403,
    attempts: 1,
    code: ConnectorErrorCodes.General,
    says: 'credentials have expired',
  },
  {
    name: 'InternalFailure',
    status: 500,
    attempts: 3,
    code: ConnectorErrorCodes.General,
    says: 'internal error in eu-west-1 (HTTP 500, InternalFailure)',
  },
  {
    name: 'ServiceUnavailable',
    status: 503,
    attempts: 3,
    code: ConnectorErrorCodes.General,
    says: 'internal error in eu-west-1 (HTTP 503, ServiceUnavailable)',
  },
];

describe('SES service exceptions', () => {
  it.each(sesFaults)(
    '$name (HTTP $status) → $code after $attempts request(s), then the next send succeeds',
    async ({ name, status, attempts, code, says }) => {
      const sesMessage = `${name} as SES words it: identity noreply@example.com in region EU-WEST-1`;
      fake.setDefault(respond.sesError(name, status, sesMessage));

      const error = await failure();

      expect(fake.count).toBe(attempts);
      expect(error.code).toBe(code);
      expect(error.data).toEqual({
        errorDescription: expect.stringContaining(says) as string,
        sesErrorName: name,
        httpStatus: status,
        requestId: fake.requests.at(-1)?.requestId,
        region,
      });
      // SES's own words reach the Console, quoted.
      expect(error.data.errorDescription).toContain(`SES said: "${sesMessage}".`);
      expect((error.cause as Error).name).toBe(name);

      await expectNextSendSucceeds();
    }
  );

  it.each([
    ['a bare 500', 500],
    ['a bare 503', 503],
  ])('maps %s without an error type to a service fault after 3 requests', async (_label, status) => {
    fake.setDefault(respond.serverError(status));

    const error = await failure();

    expect(fake.count).toBe(3);
    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toMatchObject({ httpStatus: status, region });
    expect(error.data.errorDescription).toContain(
      `Amazon SES had an internal error in eu-west-1 (HTTP ${status}`
    );
    await expectNextSendSucceeds();
  });
});

describe('transient faults the SDK retries away', () => {
  it.each<[string, FakeSesAction[]]>([
    ['503, 503, then success', [respond.serverError(503), respond.serverError(503)]],
    ['500 then success', [respond.serverError(500)]],
    [
      'throttled once, then success',
      [respond.sesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.')],
    ],
    ['a reset connection, then success', [respond.reset()]],
  ])('%s: the send succeeds and the email is accepted exactly once', async (_label, faults) => {
    fake.planSequence(...faults);

    const messageId = await send();

    expect(fake.count).toBe(faults.length + 1);
    expect(fake.accepted()).toHaveLength(1);
    expect(fake.accepted()[0]?.messageId).toBe(messageId);
    // Every attempt carried the same message to the same recipient.
    const recipients = new Set(
      fake.requests.map((request) => request.body?.Destination?.ToAddresses?.join())
    );
    expect(recipients.size).toBe(1);
  });

  it('waits for a slow answer that comes within timeoutMs', async () => {
    stored = configAt(fake.endpoint, { timeoutMs: 3000 });
    fake.plan(respond.delay(300));
    const started = performance.now();
    await send();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(fake.accepted()).toHaveLength(1);
  });
});

describe('a hung endpoint', () => {
  it.each([500, 800])(
    'fails with a timeout error within timeoutMs %d ms plus a margin',
    async (timeoutMs) => {
      stored = configAt(fake.endpoint, { timeoutMs });
      fake.setDefault(respond.hang());

      const started = performance.now();
      const error = await failure();
      const elapsed = performance.now() - started;

      expect(error.code).toBe(ConnectorErrorCodes.General);
      expect(error.data).toEqual({
        errorDescription: expect.stringContaining(`did not answer within ${timeoutMs} ms`) as string,
        sesErrorName: 'Timeout',
        region,
      });
      // Not early, and not much later: a generous margin for a loaded CI machine.
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 20);
      expect(elapsed).toBeLessThan(timeoutMs + 1500);
      // The SDK was still waiting on its first attempt when the send gave up.
      expect(fake.count).toBe(1);

      await expectNextSendSucceeds();
    }
  );

  it('gives up on an answer that would come too late', async () => {
    stored = configAt(fake.endpoint, { timeoutMs: 500 });
    fake.plan(respond.delay(2000));
    const error = await failure();
    expect(error.data.sesErrorName).toBe('Timeout');
    await expectNextSendSucceeds();
  });
});

describe('network faults', () => {
  it('a connection reset on every attempt → ECONNRESET after 3 requests', async () => {
    fake.setDefault(respond.reset());

    const error = await failure();

    expect(fake.count).toBe(3);
    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toEqual({
      errorDescription: expect.stringContaining(
        `The connection to 127.0.0.1:${fake.port} was reset before SES answered`
      ) as string,
      sesErrorName: 'ECONNRESET',
      region,
    });
    await expectNextSendSucceeds();
  });

  it('a refused connection → ECONNREFUSED; the same endpoint works again once it is back', async () => {
    const gone = await startFakeSes();
    const { port } = gone;
    await gone.close();
    stored = configAt(gone.endpoint);

    const error = await failure();

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toEqual({
      errorDescription: expect.stringContaining(`The connection to 127.0.0.1:${port} was refused`) as string,
      sesErrorName: 'ECONNREFUSED',
      region,
    });

    // The cached client for that endpoint is not poisoned: bring the endpoint back on its port.
    const back = await startFakeSes({ port });
    try {
      await expectNextSendSucceeds(back);
    } finally {
      await back.close();
    }
    await expectNextSendSucceeds();
  });

  it('a port where nothing answers HTTP (a raw TCP server that closes) → a clear error', async () => {
    const silent = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    stored = configAt(`http://127.0.0.1:${port}`);
    try {
      const error = await failure();
      expect(error.data.sesErrorName).toBe('ECONNRESET');
      expect(error.data.errorDescription).toContain(`127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((resolve) =>
        silent.close(() => {
          resolve();
        })
      );
    }
    await expectNextSendSucceeds();
  });

  it.each([
    ['an endpoint on the reserved .invalid domain', 'http://ses.invalid', 'ses.invalid'],
    ['a well-formed region that does not exist', undefined, 'email.eu-nowhere-1.amazonaws.com'],
  ])('%s → ENOTFOUND naming the host, after 3 lookups', async (_label, endpoint, host) => {
    stored = configAt(endpoint, endpoint ? {} : { region: 'eu-nowhere-1' });
    const before = dnsGuard.lookups.length;

    const error = await failure();

    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toEqual({
      errorDescription: expect.stringContaining(`Could not resolve ${host}`) as string,
      sesErrorName: 'ENOTFOUND',
      region: endpoint ? region : 'eu-nowhere-1',
    });
    expect(dnsGuard.lookups.slice(before)).toEqual([host, host, host]);
    expect(fake.count).toBe(0);
    await expectNextSendSucceeds();
  });
});

describe('credentials', () => {
  it('no credentials anywhere → a ConnectorError saying where to put them, nothing sent', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      vi.stubEnv(name, undefined);
    }
    // Keep the default chain on this machine: no instance metadata, no shared files.
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    stored = configAt(fake.endpoint);
    delete stored.accessKeyId;
    delete stored.accessKeySecret;

    const error = await failure();

    expect(error.data).toMatchObject({ sesErrorName: 'CredentialsProviderError', region });
    expect(error.data.errorDescription).toContain('No AWS credentials were found');
    expect(fake.count).toBe(0);
    await expectNextSendSucceeds();
  });
});
