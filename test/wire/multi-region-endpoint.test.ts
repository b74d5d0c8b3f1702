/**
 * `endpointId` over real HTTP: the SendEmail carries the multi-region endpoint's ID, is signed
 * with SigV4a by the bundled signer (seen at the fake SES: the Authorization algorithm and the
 * region-set header), goes to `endpoint` when one is set, and otherwise to the host the SDK's own
 * endpoint rules name (seen by the loopback DNS guard, which refuses every lookup: nothing leaves
 * the machine). Bad IDs are refused before any request.
 */
import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { configAt, connectorWith, rejectionOf, useFakeSes } from '../fixtures.js';
import { type DnsGuard, allowOnlyLoopbackDns } from '../support/loopback-only.js';

const endpointId = 'abcd1234.efgh';

const testEmail = { to: 'ada@example.com', type: TemplateType.Generic, payload: { code: '000000' } };

const ses = useFakeSes();

let dnsGuard: DnsGuard;
beforeAll(() => {
  dnsGuard = allowOnlyLoopbackDns();
});
afterAll(() => {
  dnsGuard.restore();
});

describe('a send through a multi-region endpoint (endpointId)', () => {
  it('carries EndpointId and is signed with SigV4a for every region (one request)', async () => {
    const connector = await connectorWith(configAt(ses.fake.endpoint, { endpointId }));
    const messageId = await connector.sendMessage(testEmail);

    expect(ses.fake.requests).toHaveLength(1);
    const [request] = ses.fake.requests;
    expect(request?.messageId).toBe(messageId);
    expect(request?.body?.EndpointId).toBe(endpointId);
    expect(request?.signingAlgorithm).toBe('AWS4-ECDSA-P256-SHA256');
    expect(request?.headers['x-amz-region-set']).toBe('*');
    // A SigV4a credential scope names no region: AKID/date/ses/aws4_request.
    expect(request?.credentialScope?.split('/')).toEqual([
      expect.stringMatching(/^AKIA/),
      expect.stringMatching(/^\d{8}$/),
      'ses',
      'aws4_request',
    ]);
  });

  it('is signed with plain SigV4 in the config region without endpointId (the control)', async () => {
    const connector = await connectorWith(configAt(ses.fake.endpoint));
    await connector.sendMessage(testEmail);

    const [request] = ses.fake.requests;
    expect(request?.body).not.toHaveProperty('EndpointId');
    expect(request?.signingAlgorithm).toBe('AWS4-HMAC-SHA256');
    expect(request?.headers).not.toHaveProperty('x-amz-region-set');
    expect(request?.region).toBe('eu-west-1');
  });

  it('without endpoint, goes to <endpointId>.endpoints.email.amazonaws.com, as the SDK resolves it', async () => {
    const lookupsBefore = dnsGuard.lookups.length;
    const connector = await connectorWith(configAt(undefined, { endpointId, timeoutMs: 3000 }));
    const error = await rejectionOf(connector.sendMessage(testEmail));

    const host = `${endpointId}.endpoints.email.amazonaws.com`;
    expect(new Set(dnsGuard.lookups.slice(lookupsBefore))).toEqual(new Set([host]));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).data).toMatchObject({
      sesErrorName: 'ENOTFOUND',
      errorDescription: expect.stringContaining(`Could not resolve ${host}`),
    });
    expect(ses.fake.count).toBe(0);
  });

  it.each([
    ['a URL', 'https://abcd1234.efgh.endpoints.email.amazonaws.com'],
    ['a label ending in a hyphen', 'abcd-.efgh'],
    ['an empty label', 'abcd..efgh'],
    ['a space', 'abcd 1234'],
    ['an underscore', 'abcd_1234'],
  ])('refuses %s as endpointId with a sentence, sending nothing', async (_what, written) => {
    const connector = await connectorWith(configAt(ses.fake.endpoint, { endpointId: written }));
    const error = (await rejectionOf(connector.sendMessage(testEmail))) as ConnectorError;

    expect(error.code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(JSON.stringify(error.data)).toContain(
      'endpointId must be the ID of an SES multi-region (global) endpoint'
    );
    expect(ses.fake.count).toBe(0);
  });

  it('keeps a 200-character ID of many labels, and refuses a longer one by its length', async () => {
    const longest = Array.from({ length: 40 }, () => 'abcd').join('.');
    expect(longest).toHaveLength(199);
    await (await connectorWith(configAt(ses.fake.endpoint, { endpointId: longest }))).sendMessage(testEmail);
    expect(ses.fake.requests[0]?.body?.EndpointId).toBe(longest);

    const tooLong = `${longest}.ab`;
    const error = (await rejectionOf(
      (await connectorWith(configAt(ses.fake.endpoint, { endpointId: tooLong }))).sendMessage(testEmail)
    )) as ConnectorError;
    expect(JSON.stringify(error.data)).toContain('endpointId has 202 characters; it may have at most 200.');
  });
});
