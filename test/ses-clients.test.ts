import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { cachedClientCount, clientCacheSize, connectionKey, withSesClient } from '../src/ses-clients.js';
import { resetConnectorState } from '../src/caches.js';
import { accessKeyId, secret } from './fixtures.js';
import { respond, startFakeSes } from './support/fake-ses.js';

const settings = { region: 'us-east-1', accessKeyId, accessKeySecret: secret };

const clientFor = async (connection: Parameters<typeof withSesClient>[0]) =>
  withSesClient(connection, async (client) => Promise.resolve(client));

afterEach(() => {
  resetConnectorState();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('one client per connection settings', () => {
  it('reuses the client for the same settings', async () => {
    const first = await clientFor(settings);
    const second = await clientFor({ ...settings });
    expect(second).toBe(first);
    expect(cachedClientCount()).toBe(1);
  });

  it.each([
    ['region', { region: 'eu-west-1' }],
    ['endpoint', { endpoint: 'http://127.0.0.1:8005' }],
    ['access key ID', { accessKeyId: 'AKIAIOSFODNN7EXAMPLF' }],
    ['secret', { accessKeySecret: `${secret}x` }],
  ])('creates another client when the %s changes', async (_name, change) => {
    const first = await clientFor(settings);
    const second = await clientFor({ ...settings, ...change });
    expect(second).not.toBe(first);
    expect(cachedClientCount()).toBe(2);
  });

  it('notices a settings object changed in place between sends', async () => {
    const mutable = { ...settings };
    const first = await clientFor(mutable);
    mutable.accessKeySecret = `${secret}-rotated`;
    expect(await clientFor(mutable)).not.toBe(first);
  });

  it('reuses the client for the same frozen settings object', async () => {
    const frozen = Object.freeze({ ...settings });
    expect(await clientFor(frozen)).toBe(await clientFor(frozen));
    expect(await clientFor({ ...settings })).toBe(await clientFor(frozen));
  });

  it('keys the cache by a digest that does not contain the secret', () => {
    const key = connectionKey(settings);
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(key).not.toContain(secret);
    expect(connectionKey({ ...settings })).toBe(key);
  });
});

describe('eviction', () => {
  it(`keeps at most ${clientCacheSize} clients and destroys the least recently used`, async () => {
    const destroy = vi.spyOn(SESv2Client.prototype, 'destroy');
    const clients = [];
    for (let index = 0; index <= clientCacheSize; index += 1) {
      clients.push(await clientFor({ ...settings, region: `eu-west-${index + 1}` }));
    }
    expect(cachedClientCount()).toBe(clientCacheSize);
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(destroy.mock.contexts[0]).toBe(clients[0]);
    // The evicted settings get a fresh client.
    expect(await clientFor({ ...settings, region: 'eu-west-1' })).not.toBe(clients[0]);
  });

  it('destroys an evicted client only after its sends in flight have ended', async () => {
    const destroy = vi.spyOn(SESv2Client.prototype, 'destroy');
    let finish: () => void = () => undefined;
    const inFlight = withSesClient(settings, async () => new Promise<void>((resolve) => (finish = resolve)));
    for (let index = 0; index < clientCacheSize; index += 1) {
      await clientFor({ ...settings, region: `ap-south-${index + 1}` });
    }
    expect(destroy).not.toHaveBeenCalled();
    finish();
    await inFlight;
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it('destroys every client on resetConnectorState', async () => {
    const destroy = vi.spyOn(SESv2Client.prototype, 'destroy');
    await clientFor(settings);
    await clientFor({ ...settings, region: 'eu-west-3' });
    resetConnectorState();
    expect(cachedClientCount()).toBe(0);
    expect(destroy).toHaveBeenCalledTimes(2);
  });
});

describe('client settings', () => {
  it('uses static credentials when both keys are given', async () => {
    const client = await clientFor(settings);
    await expect(client.config.credentials()).resolves.toMatchObject({
      accessKeyId,
      secretAccessKey: secret,
    });
  });

  it('uses the AWS default credential chain when no key is given', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAENVIRONMENTKEY01');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'from-the-environment');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session-token');
    const client = await clientFor({ region: 'us-east-1' });
    await expect(client.config.credentials()).resolves.toMatchObject({
      accessKeyId: 'ASIAENVIRONMENTKEY01',
      secretAccessKey: 'from-the-environment',
      sessionToken: 'session-token',
    });
  });

  it('sends to the endpoint override', async () => {
    const client = await clientFor({ ...settings, endpoint: 'http://127.0.0.1:8005' });
    const endpoint = await client.config.endpoint?.();
    expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 8005, protocol: 'http:' });
  });

  it('retries a 503 twice, three requests in all, then gives up; sends a 400 once', async () => {
    const fake = await startFakeSes();
    try {
      const client = await clientFor({ ...settings, endpoint: fake.endpoint });
      const send = async () =>
        client.send(
          new SendEmailCommand({
            FromEmailAddress: 'noreply@example.com',
            Destination: { ToAddresses: ['ada@example.com'] },
            Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
          })
        );

      fake.setDefault(respond.serverError(503));
      await expect(send()).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
      expect(fake.count).toBe(3);

      fake.reset();
      fake.setDefault(respond.sesError('MessageRejected', 400, 'Email address is not verified.'));
      await expect(send()).rejects.toMatchObject({ name: 'MessageRejected' });
      expect(fake.count).toBe(1);
    } finally {
      await fake.close();
    }
  });
});
