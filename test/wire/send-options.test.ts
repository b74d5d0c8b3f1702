/**
 * Tracking, X-Entity-Ref-ID, operator headers and the SES tenant on the wire: the request bodies
 * the fake SES records (it keeps ConfigurationOverrides and TenantName, which the emulator drops)
 * and the headers the SES emulator stores (aws-ses-v2-local keeps Simple.Headers).
 */
import { TemplateType } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { type AwsSesConfig } from '../../src/index.js';
import {
  configAt,
  connectorWith,
  officialConfigs,
  rejectionOf,
  useEmulator,
  useFakeSes,
} from '../fixtures.js';
import { respond } from '../support/fake-ses.js';

const ses = useFakeSes();

const send = async (config: AwsSesConfig, to = 'ada@example.com') => {
  const connector = await connectorWith(config);
  return connector.sendMessage({ to, type: TemplateType.Generic, payload: { code: '123456' } });
};

const trackingDisabled = {
  Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
};

describe('against the fake SES', () => {
  it.each(Object.entries(officialConfigs))(
    "an official connector's config (%s) sends one request: tracking off and an X-Entity-Ref-ID",
    async (_name, official) => {
      await send({ ...(official as AwsSesConfig), endpoint: ses.fake.endpoint });
      expect(ses.fake.count).toBe(1);
      const [request] = ses.fake.requests;
      expect(request?.operation).toBe('SendEmail');
      expect(request?.body?.ConfigurationOverrides).toEqual(trackingDisabled);
      expect(request?.body?.Content?.Simple?.Headers?.map(({ Name }) => Name)).toEqual(['X-Entity-Ref-ID']);
      expect(request?.body).not.toHaveProperty('TenantName');
    }
  );

  it('every option at once still makes exactly one request, with each field in it', async () => {
    await send(
      configAt(ses.fake.endpoint, {
        tracking: 'off',
        entityRefId: 'on',
        headers: { 'X-Logto-Tenant': 'acme' },
        tenantName: 'acme',
        configurationSetName: 'logto-auth',
        tags: { app: 'logto' },
      })
    );
    expect(ses.fake.count).toBe(1);
    const body = ses.fake.requests[0]?.body;
    expect(body?.TenantName).toBe('acme');
    expect(body?.ConfigurationOverrides).toEqual(trackingDisabled);
    expect(body?.ConfigurationSetName).toBe('logto-auth');
    expect(body?.Content?.Simple?.Headers).toEqual([
      { Name: 'X-Logto-Tenant', Value: 'acme' },
      { Name: 'X-Entity-Ref-ID', Value: expect.any(String) as string },
    ]);
  });

  it('tracking "configuration-set" sends no ConfigurationOverrides', async () => {
    await send(configAt(ses.fake.endpoint, { tracking: 'configuration-set' }));
    expect(ses.fake.requests[0]?.body).not.toHaveProperty('ConfigurationOverrides');
  });

  it('gives each email its own X-Entity-Ref-ID, also across retries of one email the same one', async () => {
    ses.fake.plan(respond.serverError(503));
    await send(configAt(ses.fake.endpoint));
    await send(configAt(ses.fake.endpoint));
    const values = ses.fake.requests.map(
      ({ body }) => body?.Content?.Simple?.Headers?.find(({ Name }) => Name === 'X-Entity-Ref-ID')?.Value
    );
    expect(values).toHaveLength(3);
    // The 503 and its retry carry the same email, so the same header; the next email a new one.
    expect(values[0]).toBe(values[1]);
    expect(values[2]).not.toBe(values[1]);
  });

  it('refuses a header injection before any request', async () => {
    const error = await rejectionOf(
      send(configAt(ses.fake.endpoint, { headers: { 'X-A': 'v\r\nBcc: evil@example.com' } }))
    );
    expect(error).toMatchObject({ code: 'invalid_config' });
    expect(ses.fake.count).toBe(0);
  });
});

describe('against the SES emulator', () => {
  const emulator = useEmulator();

  it('delivers the operator headers and a different X-Entity-Ref-ID on each email', async () => {
    const config = configAt(emulator.endpoint, { headers: { 'X-Logto-Tenant': 'acme', 'List-Id': 'codes' } });
    await send(config, 'ada@example.com');
    await send(config, 'ada@example.com');
    const emails = await emulator.emails();
    expect(emails).toHaveLength(2);
    const refIds = emails.map(({ headers }) => {
      expect(headers?.slice(0, 2)).toEqual([
        { name: 'X-Logto-Tenant', value: 'acme' },
        { name: 'List-Id', value: 'codes' },
      ]);
      return headers?.find(({ name }) => name === 'X-Entity-Ref-ID')?.value;
    });
    expect(refIds[0]).toEqual(expect.any(String));
    expect(refIds[0]).not.toBe(refIds[1]);
  });

  it('stores no header with entityRefId "off" and no operator headers', async () => {
    await send(configAt(emulator.endpoint, { entityRefId: 'off' }));
    const [email] = await emulator.emails();
    expect(email?.headers ?? []).toEqual([]);
  });
});
