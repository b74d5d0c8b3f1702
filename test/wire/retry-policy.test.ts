/**
 * The two retry policies over real HTTP, counted at the fake SES endpoint: `deliver` (the default)
 * retries throttling, server errors and resets, so a code is delivered on the second or third
 * attempt at the risk of a duplicate; `at-most-once` retries only what SES cannot have accepted
 * (throttling answers, refused connections), so no failure is ever followed by a second copy.
 */
import { createServer } from 'node:net';

import { ConnectorError, TemplateType } from '@logto/connector-kit';
import { describe, expect, it, vi } from 'vitest';

import createConnector, { type AwsSesConfig, type RetryPolicy } from '../../src/index.js';
import { accessKeyId, rejectionOf, secret, useFakeSes } from '../fixtures.js';
import { type FakeSesAction, respond } from '../support/fake-ses.js';

const ses = useFakeSes();

const configFor = (retryPolicy: RetryPolicy | undefined, endpoint = ses.fake.endpoint): AwsSesConfig => ({
  accessKeyId,
  accessKeySecret: secret,
  region: 'eu-west-1',
  endpoint,
  emailAddress: 'noreply@example.com',
  timeoutMs: 10_000,
  ...(retryPolicy && { retryPolicy }),
  templates: [{ usageType: 'Generic', subject: 'Code {{code}}', content: '<p>{{code}}</p>' }],
});

const sendWith = async (config: AwsSesConfig) => {
  const connector = await createConnector({ getConfig: async () => Promise.resolve(config) });
  return connector.sendMessage({ to: 'ada@example.com', type: TemplateType.Generic, payload: { code: '1' } });
};

/** Two failures, then success: what each policy makes of them. */
const twoFailures: Array<[string, FakeSesAction]> = [
  ['a server error (500 InternalFailure)', respond.sesError('InternalFailure', 500, 'Internal failure.')],
  ['a bare 503', respond.serverError(503)],
  ['a reset connection', respond.reset()],
];

describe('retryPolicy "deliver" (the default): at least once', () => {
  it.each(twoFailures)('retries %s until SES accepts the email', async (_name, action) => {
    // No backoff wait: the SDK's jitter is random() × base.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ses.fake.plan(action, 2);
    await expect(sendWith(configFor(undefined))).resolves.toEqual(expect.any(String));
    expect(ses.fake.count).toBe(3);
    expect(ses.fake.accepted()).toHaveLength(1);
  });

  it('is what an explicit "deliver" does too', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ses.fake.plan(respond.reset(), 2);
    await expect(sendWith(configFor('deliver'))).resolves.toEqual(expect.any(String));
    expect(ses.fake.count).toBe(3);
  });
});

describe('retryPolicy "at-most-once"', () => {
  it.each(twoFailures)('does not retry after %s: one request, a ConnectorError', async (_name, action) => {
    ses.fake.plan(action, 2);
    const error = await rejectionOf(sendWith(configFor('at-most-once')));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(ses.fake.count).toBe(1);
    expect(ses.fake.accepted()).toHaveLength(0);
  });

  it('retries throttling, which SES answers without accepting the email', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ses.fake.plan(respond.sesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.'), 2);
    await expect(sendWith(configFor('at-most-once'))).resolves.toEqual(expect.any(String));
    expect(ses.fake.count).toBe(3);
    expect(ses.fake.accepted()).toHaveLength(1);
  });

  it('gives up after three throttled attempts with rate_limit_exceeded', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ses.fake.setDefault(respond.sesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.'));
    const error = await rejectionOf(sendWith(configFor('at-most-once')));
    expect(error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(ses.fake.count).toBe(3);
  });

  it('retries a refused connection, which never carried the request', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    // A port that was free a moment ago: every connection to it is refused.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => {
          resolve(free);
        });
      });
    });
    const error = await rejectionOf(sendWith(configFor('at-most-once', `http://127.0.0.1:${port}`)));
    expect(error).toMatchObject({ data: { sesErrorName: 'ECONNREFUSED' } });
    const cause = (error as { cause?: { $metadata?: { attempts?: number } } }).cause;
    expect(cause?.$metadata?.attempts).toBe(3);
  });

  it('keeps a client of its own: the same keys with "deliver" still retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ses.fake.plan(respond.reset(), 1);
    await expect(rejectionOf(sendWith(configFor('at-most-once')))).resolves.toBeInstanceOf(ConnectorError);
    ses.fake.reset();
    ses.fake.plan(respond.reset(), 1);
    await expect(sendWith(configFor('deliver'))).resolves.toEqual(expect.any(String));
    expect(ses.fake.count).toBe(2);
  });
});

describe('the retryPolicy field', () => {
  it('refuses any other value with a sentence naming both', async () => {
    const error = await rejectionOf(
      sendWith({ ...configFor(undefined), retryPolicy: 'never' as RetryPolicy })
    );
    expect(error).toMatchObject({
      code: 'invalid_config',
      data: {
        issues: [
          expect.objectContaining({
            path: ['retryPolicy'],
            message: expect.stringContaining('"at-most-once"'),
          }),
        ],
      },
    });
  });
});
