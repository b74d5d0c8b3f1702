/**
 * The send options of issue 19 as the SendEmail input shows them (aws-sdk-client-mock): open and
 * click tracking, the X-Entity-Ref-ID header, operator headers and the SES tenant, with every
 * refusal of a header SES or the connector would not take.
 */
import { SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';
import { type ZodError } from 'zod';

import { type AwsSesConfig } from '../src/index.js';
import { messageHeadersFor } from '../src/message-headers.js';
import {
  connectorWith,
  minimalConfig,
  officialConfigs,
  rejectionOf,
  sendData,
  useMockedSes,
} from './fixtures.js';

const ses = useMockedSes();

const inputs = (): SendEmailCommandInput[] =>
  ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);

/** Sends one Generic email with `config` and returns the only SendEmail input. */
const sendOnce = async (config: unknown): Promise<SendEmailCommandInput> => {
  const connector = await connectorWith(config);
  await connector.sendMessage(sendData(TemplateType.Generic, { code: '123456' }));
  const sent = inputs();
  expect(sent).toHaveLength(1);
  return sent[0]!;
};

/** The one zod issue of an invalid config, after checking that nothing was sent. */
const refusalOf = async (config: unknown): Promise<{ path: Array<string | number>; message: string }> => {
  const connector = await connectorWith(config);
  const error = await rejectionOf(connector.sendMessage(sendData(TemplateType.Generic, { code: '1' })));
  expect(error).toBeInstanceOf(ConnectorError);
  expect((error as ConnectorError).code).toBe(ConnectorErrorCodes.InvalidConfig);
  expect(inputs()).toHaveLength(0);
  const { issues } = (error as ConnectorError).data as ZodError;
  expect(issues).toHaveLength(1);
  const [{ path, message }] = issues as [ZodError['issues'][number]];
  return { path, message };
};

const trackingDisabled = {
  Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
};

/** Version 4 UUIDs as RFC 9562 writes them. */
const uuidV4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

describe('tracking', () => {
  it('turns open and click tracking off on every email by default', async () => {
    expect((await sendOnce(minimalConfig)).ConfigurationOverrides).toEqual(trackingDisabled);
  });

  it('turns it off with tracking "off" too, whatever the configuration set', async () => {
    const input = await sendOnce({ ...minimalConfig, tracking: 'off', configurationSetName: 'tracked' });
    expect(input.ConfigurationOverrides).toEqual(trackingDisabled);
    expect(input.ConfigurationSetName).toBe('tracked');
  });

  it('leaves tracking to the account and configuration set with "configuration-set"', async () => {
    const input = await sendOnce({ ...minimalConfig, tracking: 'configuration-set' });
    expect(input).not.toHaveProperty('ConfigurationOverrides');
  });

  it('refuses another value with a sentence naming both', async () => {
    const { path, message } = await refusalOf({ ...minimalConfig, tracking: 'on' });
    expect(path).toEqual(['tracking']);
    expect(message).toContain('"off"');
    expect(message).toContain('"configuration-set"');
  });
});

describe('entityRefId', () => {
  it('gives every email its own random X-Entity-Ref-ID header', async () => {
    const connector = await connectorWith(minimalConfig);
    for (let index = 0; index < 5; index += 1) {
      await connector.sendMessage(sendData(TemplateType.SignIn, { code: '123456' }));
    }
    const values = inputs().map(({ Content }) => {
      const headers = Content?.Simple?.Headers ?? [];
      expect(headers.map(({ Name }) => Name)).toEqual(['X-Entity-Ref-ID']);
      return headers[0]?.Value ?? '';
    });
    expect(values).toHaveLength(5);
    expect(new Set(values).size).toBe(5);
    for (const value of values) {
      expect(value).toMatch(uuidV4);
    }
  });

  it('sends no header at all with "off" and no operator headers', async () => {
    const input = await sendOnce({ ...minimalConfig, entityRefId: 'off' });
    expect(input.Content?.Simple).not.toHaveProperty('Headers');
  });

  it('refuses another value', async () => {
    const { path, message } = await refusalOf({ ...minimalConfig, entityRefId: false });
    expect(path).toEqual(['entityRefId']);
    expect(message).toContain('"off"');
  });
});

describe('headers', () => {
  it('sends the operator headers, trimmed, then the X-Entity-Ref-ID', async () => {
    const input = await sendOnce({
      ...minimalConfig,
      headers: { ' X-Logto-Tenant ': ' acme ', 'List-Id': 'Sign-in codes <codes.example.com>' },
    });
    expect(input.Content?.Simple?.Headers).toEqual([
      { Name: 'X-Logto-Tenant', Value: 'acme' },
      { Name: 'List-Id', Value: 'Sign-in codes <codes.example.com>' },
      { Name: 'X-Entity-Ref-ID', Value: expect.stringMatching(uuidV4) as string },
    ]);
  });

  it('sends only the operator headers with entityRefId "off"', async () => {
    const input = await sendOnce({ ...minimalConfig, entityRefId: 'off', headers: { 'X-App': 'portal' } });
    expect(input.Content?.Simple?.Headers).toEqual([{ Name: 'X-App', Value: 'portal' }]);
  });

  it('treats an empty object (what a new Console form submits) as no headers', async () => {
    const input = await sendOnce({ ...minimalConfig, entityRefId: 'off', headers: {} });
    expect(input.Content?.Simple).not.toHaveProperty('Headers');
  });

  it("accepts SES's limits exactly and every printable ASCII character in a value", async () => {
    const printable = Array.from({ length: 95 }, (_, index) => String.fromCodePoint(32 + index))
      .join('')
      .trim();
    const longName = `X-${'n'.repeat(124)}`;
    const headers = {
      [longName]: 'v'.repeat(996 - longName.length),
      Y: 'w'.repeat(995),
      'X-Printable': printable,
      "X-!#$%&'*+.^_`|~": 'punctuation is allowed in a field name',
    };
    const input = await sendOnce({ ...minimalConfig, entityRefId: 'off', headers });
    expect(input.Content?.Simple?.Headers).toEqual(
      Object.entries(headers).map(([Name, Value]) => ({ Name, Value }))
    );
  });

  const refusals: Array<[string, unknown, string]> = [
    ['a CR LF in a value (header injection)', { 'X-A': 'a\r\nBcc: evil@example.com' }, 'line break'],
    ['a LF in a name', { 'X-A\nBcc': 'evil@example.com' }, 'line break'],
    ['a NUL in a value', { 'X-A': 'a\u0000b' }, 'control character'],
    ['a tab in a value', { 'X-A': 'a\tb' }, 'control character'],
    ['a space in a name', { 'X A': 'v' }, 'is not a header name'],
    ['a colon in a name', { 'X-A:': 'v' }, 'is not a header name'],
    ['a non-ASCII name', { 'X-Größe': 'v' }, 'is not a header name'],
    ['an empty name', { '': 'v' }, 'is not a header name'],
    ['a name of 127 characters', { [`X-${'n'.repeat(125)}`]: 'v' }, 'at most 126'],
    ['From', { From: 'evil@example.com' }, 'written by the connector or by Amazon SES'],
    ['to, in lower case', { to: 'evil@example.com' }, 'written by the connector or by Amazon SES'],
    ['Bcc', { Bcc: 'evil@example.com' }, 'written by the connector or by Amazon SES'],
    ['Subject', { Subject: 'x' }, 'written by the connector or by Amazon SES'],
    ['Reply-To', { 'Reply-To': 'x@example.com' }, 'written by the connector or by Amazon SES'],
    ['Message-ID', { 'Message-ID': '<a@b>' }, 'written by the connector or by Amazon SES'],
    ['Date', { Date: 'Mon, 1 Jan 2024 00:00:00 +0000' }, 'written by the connector or by Amazon SES'],
    ['Return-Path', { 'Return-Path': '<a@b>' }, 'written by the connector or by Amazon SES'],
    ['MIME-Version', { 'MIME-Version': '1.0' }, 'written by the connector or by Amazon SES'],
    ['Content-Type', { 'Content-Type': 'text/plain' }, 'written by the connector or by Amazon SES'],
    ['DKIM-Signature', { 'DKIM-Signature': 'v=1' }, 'written by the connector or by Amazon SES'],
    ['an X-SES- header', { 'X-SES-CONFIGURATION-SET': 'other' }, 'written by the connector or by Amazon SES'],
    ["the connector's X-Entity-Ref-ID", { 'x-entity-ref-id': 'fixed' }, 'entityRefId'],
    ['an accented value', { 'X-A': 'café' }, 'printable ASCII'],
    ['an emoji value', { 'X-A': '🔑' }, 'printable ASCII'],
    ['a value of 996 characters', { 'X-A': 'v'.repeat(996) }, 'at most 995'],
    [
      'a name and value of 997 characters together',
      { 'X-AB': 'v'.repeat(993) },
      '996 for the name and value',
    ],
    ['an empty value', { 'X-A': '  ' }, 'empty value'],
    ['a number value', { 'X-A': 1 }, 'text value'],
    ['the same name twice in other cases', { 'X-A': 'a', 'x-a': 'b' }, 'appears twice'],
    [
      '51 headers',
      Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`X-H${index}`, 'v'])),
      'at most 50',
    ],
    ['an array', [{ Name: 'X-A', Value: 'v' }], 'JSON object'],
    ['a string', 'X-A: v', 'JSON object'],
  ];

  it.each(refusals)('refuses %s with invalid_config and a sentence', async (_label, headers, expected) => {
    const { path, message } = await refusalOf({ ...minimalConfig, headers });
    expect(path[0]).toBe('headers');
    expect(message).toContain(expected);
  });

  it('names the header in the issue path, so the Console points at it', async () => {
    const { path, message } = await refusalOf({ ...minimalConfig, headers: { 'X-Ok': 'v', Cc: 'x' } });
    expect(path).toEqual(['headers', 'Cc']);
    expect(message).toMatch(/^Header "Cc"/);
  });

  it('quotes a control character in a name visibly, never raw', async () => {
    const { message } = await refusalOf({ ...minimalConfig, headers: { 'X-A\r\nBcc': 'v' } });
    expect(message).toContain(String.raw`"X-A\r\nBcc"`);
    expect(message).not.toMatch(/[\r\n]/);
  });
});

describe('messageHeadersFor (shared with the SES template send)', () => {
  it('lists the parsed operator headers, then a new X-Entity-Ref-ID on each call', () => {
    const headers = [{ Name: 'X-App', Value: 'portal' }];
    const first = messageHeadersFor({ headers });
    const second = messageHeadersFor({ headers });
    expect(first.map(({ Name }) => Name)).toEqual(['X-App', 'X-Entity-Ref-ID']);
    expect(first[1]?.Value).not.toBe(second[1]?.Value);
    expect(messageHeadersFor({ headers, entityRefId: 'off' })).toEqual(headers);
    expect(messageHeadersFor({ entityRefId: 'off' })).toEqual([]);
  });
});

describe('tenantName', () => {
  it('sends the tenant as TenantName', async () => {
    expect((await sendOnce({ ...minimalConfig, tenantName: ' acme-prod ' })).TenantName).toBe('acme-prod');
  });

  it('sends no TenantName without one', async () => {
    expect(await sendOnce(minimalConfig)).not.toHaveProperty('TenantName');
  });

  it.each([
    ['a space', 'acme prod'],
    ['a dot', 'acme.prod'],
    ['65 characters', 't'.repeat(65)],
  ])('refuses a name with %s', async (_label, tenantName) => {
    const { path, message } = await refusalOf({ ...minimalConfig, tenantName });
    expect(path).toEqual(['tenantName']);
    expect(message).toMatch(/tenantName/);
  });
});

describe("a config of Logto's official SES connector", () => {
  it.each(Object.entries(officialConfigs))(
    '%s: one request, whose only changes are tracking off and an X-Entity-Ref-ID header',
    async (_name, config) => {
      const input = await sendOnce(config);
      expect(input.ConfigurationOverrides).toEqual(trackingDisabled);
      expect(input.Content?.Simple?.Headers).toEqual([
        { Name: 'X-Entity-Ref-ID', Value: expect.stringMatching(uuidV4) as string },
      ]);
      expect(input).not.toHaveProperty('TenantName');
      expect(input).not.toHaveProperty('EndpointId');
      expect(Object.keys(input.Content ?? {})).toEqual(['Simple']);

      // Both options turned off give the request the connector sent before them.
      ses.resetHistory();
      const optedOut = await sendOnce({
        ...(config as AwsSesConfig),
        tracking: 'configuration-set',
        entityRefId: 'off',
      });
      const expected = structuredClone(input);
      delete expected.ConfigurationOverrides;
      delete expected.Content?.Simple?.Headers;
      expect(optedOut).toEqual(expected);
      expect(Object.keys(optedOut)).not.toContain('ConfigurationOverrides');
    }
  );
});
