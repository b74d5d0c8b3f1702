/**
 * `sesTemplates` and `endpointId` with the SDK mocked (aws-sdk-client-mock): the SendEmail input
 * the connector builds, the choice between a stored SES template and the other templates, the
 * `Content.Template` builder (with its `Headers` seam) and the config guard's sentences.
 */
import { SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { describe, expect, it, vi } from 'vitest';

import { parseConfig } from '../src/index.js';
import { sendHostOf } from '../src/multi-region.js';
import {
  maxTemplateDataBytes,
  storedTemplateFor,
  templateNameOf,
  toTemplateContent,
} from '../src/ses-templates.js';
import { configGuard } from '../src/index.js';
import {
  connectorWith,
  i18nTemplates,
  minimalConfig,
  rejectionOf,
  sendData,
  sentInput,
  signInPayload,
  useMockedSes,
} from './fixtures.js';

const ses = useMockedSes();

const problemsOf = (config: unknown): string[] => {
  const result = configGuard.safeParse(config);
  return result.success
    ? []
    : result.error.issues.map(({ path, message }) => `${path.join('.')}: ${message}`);
};

const arn = 'arn:aws:ses:us-east-1:123456789012:template/logto-sign-in';

/** Version 4 UUIDs as RFC 9562 writes them. */
const uuidV4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

const trackingDisabled = {
  Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
};

describe('the SendEmail input with sesTemplates and endpointId', () => {
  it('names the stored template, carries the payload as TemplateData and the EndpointId, in one call', async () => {
    const connector = await connectorWith({
      ...minimalConfig,
      sesTemplates: { SignIn: 'logto-sign-in' },
      endpointId: 'abcd1234.efgh',
    });
    await connector.sendMessage(sendData(TemplateType.SignIn));

    const input = sentInput(ses);
    expect(input.EndpointId).toBe('abcd1234.efgh');
    expect(input.Content).toEqual({
      Template: {
        TemplateName: 'logto-sign-in',
        TemplateData: JSON.stringify(signInPayload),
        Headers: [{ Name: 'X-Entity-Ref-ID', Value: expect.stringMatching(uuidV4) as string }],
      },
    });
    expect(input.FromEmailAddress).toBe('noreply@example.com');
  });

  it('sends no EndpointId and Simple content when neither is configured (the official config unchanged)', async () => {
    const connector = await connectorWith(minimalConfig);
    await connector.sendMessage(sendData(TemplateType.SignIn));

    const input = sentInput(ses);
    expect(input).not.toHaveProperty('EndpointId');
    expect(input.Content).toHaveProperty('Simple');
    expect(input.Content).not.toHaveProperty('Template');
  });

  it("ignores a Logto template's sendFrom and replyTo for a stored template (SES template wins)", async () => {
    const lookup = vi.fn(
      i18nTemplates({
        SignIn: {
          subject: 'x',
          content: 'y',
          sendFrom: 'Other <other@example.com>',
          replyTo: 'r@example.com',
        },
      })
    );
    const connector = await connectorWith({ ...minimalConfig, sesTemplates: { SignIn: arn } }, lookup);
    await connector.sendMessage(sendData(TemplateType.SignIn));

    const input = sentInput(ses);
    expect(lookup).not.toHaveBeenCalled();
    expect(input.FromEmailAddress).toBe('noreply@example.com');
    expect(input).not.toHaveProperty('ReplyToAddresses');
    expect(input.Content?.Template).toEqual({
      TemplateArn: arn,
      TemplateData: JSON.stringify(signInPayload),
      Headers: [{ Name: 'X-Entity-Ref-ID', Value: expect.stringMatching(uuidV4) as string }],
    });
  });

  it('refuses a payload that cannot be written as JSON with a sentence, sending nothing', async () => {
    const connector = await connectorWith({ ...minimalConfig, sesTemplates: { Generic: 'logto-code' } });
    const error = (await rejectionOf(
      connector.sendMessage(sendData(TemplateType.Generic, { code: '1', count: 10n }))
    )) as ConnectorError;

    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toEqual({
      errorDescription:
        'The payload of this Generic email cannot be written as JSON for the SES template logto-code.',
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('a stored template carries the send options exactly as a Simple send does', () => {
  const withOptions = {
    ...minimalConfig,
    templates: [
      ...minimalConfig.templates,
      { usageType: 'Register', subject: 'Register {{code}}', content: '<p>{{code}}</p>' },
    ],
    sesTemplates: { SignIn: 'logto-sign-in' },
    headers: { 'X-Logto-Tenant': ' acme ', 'List-Id': 'Acme codes <codes.acme.example>' },
    tenantName: 'acme',
  };

  /** Sends one email of each type with `config`, in order, and returns their SendEmail inputs. */
  const sendEach = async (config: unknown, types: TemplateType[]): Promise<SendEmailCommandInput[]> => {
    const connector = await connectorWith(config);
    for (const type of types) {
      await connector.sendMessage(sendData(type));
    }
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(types.length);
    return calls.map((call) => call.args[0].input);
  };

  it('puts the operator headers, then a fresh X-Entity-Ref-ID, on Content.Template.Headers', async () => {
    const [template] = await sendEach(withOptions, [TemplateType.SignIn]);

    expect(template!.Content).not.toHaveProperty('Simple');
    expect(template!.Content?.Template?.Headers).toEqual([
      { Name: 'X-Logto-Tenant', Value: 'acme' },
      { Name: 'List-Id', Value: 'Acme codes <codes.acme.example>' },
      { Name: 'X-Entity-Ref-ID', Value: expect.stringMatching(uuidV4) as string },
    ]);
    expect(template!.ConfigurationOverrides).toEqual(trackingDisabled);
    expect(template!.TenantName).toBe('acme');
  });

  it('gives the template send the same fields as a Simple send of the same config, content aside', async () => {
    const [template, simple] = await sendEach(withOptions, [TemplateType.SignIn, TemplateType.Register]);
    expect(simple!.Content).not.toHaveProperty('Template');

    const { Content: templateContent, EmailTags: templateTags, ...templateRest } = template!;
    const { Content: simpleContent, EmailTags: simpleTags, ...simpleRest } = simple!;
    expect(templateRest).toEqual(simpleRest);
    // Only the usage-type tag differs.
    expect(templateTags?.slice(1)).toEqual(simpleTags?.slice(1));
    const names = (headers: Array<{ Name?: string | undefined }> | undefined) =>
      headers?.map(({ Name }) => Name);
    expect(names(templateContent?.Template?.Headers)).toEqual(names(simpleContent?.Simple?.Headers));
    expect(templateContent?.Template?.Headers?.at(-1)?.Value).not.toBe(
      simpleContent?.Simple?.Headers?.at(-1)?.Value
    );
  });

  it('gives every template email its own X-Entity-Ref-ID', async () => {
    const sent = await sendEach(withOptions, [TemplateType.SignIn, TemplateType.SignIn, TemplateType.SignIn]);
    const ids = sent.map((input) => input.Content?.Template?.Headers?.at(-1)?.Value);

    expect(ids.every((id) => uuidV4.test(id ?? ''))).toBe(true);
    expect(new Set(ids).size).toBe(3);
  });

  it('sends no Headers and no tracking override when both are turned off and no headers are set', async () => {
    const [template] = await sendEach(
      {
        ...minimalConfig,
        sesTemplates: { SignIn: 'logto-sign-in' },
        tracking: 'configuration-set',
        entityRefId: 'off',
      },
      [TemplateType.SignIn]
    );

    expect(template!.Content?.Template).toEqual({
      TemplateName: 'logto-sign-in',
      TemplateData: JSON.stringify(signInPayload),
    });
    expect(template).not.toHaveProperty('ConfigurationOverrides');
    expect(template).not.toHaveProperty('TenantName');
  });

  it('keeps tracking to the configuration set and still sends the headers when asked', async () => {
    const [template] = await sendEach({ ...withOptions, tracking: 'configuration-set' }, [
      TemplateType.SignIn,
    ]);

    expect(template).not.toHaveProperty('ConfigurationOverrides');
    expect(template!.Content?.Template?.Headers).toHaveLength(3);
  });
});

describe('storedTemplateFor', () => {
  const config = parseConfig({ ...minimalConfig, sesTemplates: { SignIn: 'a', Generic: 'b' } });

  it.each([
    ['SignIn', 'a'],
    ['Generic', 'b'],
  ])('gives the template named for %s', (type, reference) => {
    expect(storedTemplateFor(config, type)).toEqual({ source: 'ses', usageType: type, reference });
  });

  it.each(['Register', 'toString', '__proto__', 'constructor'])(
    'gives none for %s (no fallback to the stored Generic, nothing inherited)',
    (type) => {
      expect(storedTemplateFor(config, type)).toBeUndefined();
    }
  );

  it('gives none without sesTemplates', () => {
    expect(storedTemplateFor(parseConfig(minimalConfig), 'SignIn')).toBeUndefined();
  });
});

describe('toTemplateContent', () => {
  const template = { source: 'ses', usageType: 'SignIn', reference: 'logto-sign-in' } as const;

  it('attaches headers when given, and only then', () => {
    const headers = [{ Name: 'X-Entity-Ref-ID', Value: 'abc' }];
    expect(toTemplateContent(template, { code: '1' }, headers).Template?.Headers).toEqual(headers);
    expect(toTemplateContent(template, { code: '1' }, []).Template).not.toHaveProperty('Headers');
    expect(toTemplateContent(template, { code: '1' }).Template).not.toHaveProperty('Headers');
  });

  it('accepts TemplateData of exactly 30 KB and refuses one byte more', () => {
    const overhead = JSON.stringify({ filler: '' }).length;
    const fits = { filler: 'x'.repeat(maxTemplateDataBytes - overhead) };
    expect(Buffer.byteLength(JSON.stringify(fits))).toBe(maxTemplateDataBytes);
    expect(() => toTemplateContent(template, fits)).not.toThrow();
    expect(() => toTemplateContent(template, { filler: `${fits.filler}x` })).toThrow(ConnectorError);
  });

  it('reads the template name of an ARN', () => {
    expect(templateNameOf(arn)).toBe('logto-sign-in');
    expect(templateNameOf('logto-sign-in')).toBe('logto-sign-in');
  });
});

describe('the config guard', () => {
  it('accepts sesTemplates of every usage type, by name or ARN, and an empty object', () => {
    const sesTemplates = Object.fromEntries(
      Object.values(TemplateType).map((type) => [type, `logto-${type}`])
    );
    expect(problemsOf({ ...minimalConfig, sesTemplates })).toEqual([]);
    expect(problemsOf({ ...minimalConfig, sesTemplates: { SignIn: arn } })).toEqual([]);
    expect(problemsOf({ ...minimalConfig, sesTemplates: {} })).toEqual([]);
  });

  it('treats an empty endpointId and a null sesTemplates as absent, and trims both', () => {
    const empty = parseConfig({ ...minimalConfig, endpointId: '', sesTemplates: null });
    expect(empty.endpointId).toBeUndefined();
    expect(empty.sesTemplates).toBeUndefined();
    const parsed = parseConfig({
      ...minimalConfig,
      endpointId: ' abcd.efgh ',
      sesTemplates: { SignIn: ' a ' },
    });
    expect(parsed.endpointId).toBe('abcd.efgh');
    expect(parsed.sesTemplates).toEqual({ SignIn: 'a' });
  });

  it('names every unknown usage type and every bad template reference, each in a sentence', () => {
    expect(
      problemsOf({ ...minimalConfig, sesTemplates: { Login: 'a', SignIn: 'a b', Generic: 'x'.repeat(65) } })
    ).toEqual([
      'sesTemplates.Login: sesTemplates has "Login", which is not a Logto usage type: use SignIn, Register, ForgotPassword, OrganizationInvitation, Generic, UserPermissionValidation, BindNewIdentifier, MfaVerification, BindMfa.',
      'sesTemplates.SignIn: sesTemplates.SignIn must be the name of an SES template (letters, digits, "_" and "-", at most 64 characters) or its ARN, such as arn:aws:ses:us-east-1:123456789012:template/logto-sign-in; "a b" is neither.',
      expect.stringContaining(
        'sesTemplates.Generic: sesTemplates.Generic must be the name of an SES template'
      ),
    ]);
  });

  it('refuses an endpointId of another type with a sentence', () => {
    expect(problemsOf({ ...minimalConfig, endpointId: 42 })).toEqual([
      'endpointId: endpointId must be text (a JSON string).',
    ]);
  });
});

describe('sendHostOf, the host named in a send error', () => {
  it.each([
    [{ region: 'eu-west-1' }, 'email.eu-west-1.amazonaws.com'],
    [{ region: 'eu-west-1', endpointId: 'abcd.efgh' }, 'abcd.efgh.endpoints.email.amazonaws.com'],
    [{ region: 'eu-west-1', endpointId: 'abcd.efgh', endpoint: 'http://127.0.0.1:8005' }, '127.0.0.1:8005'],
  ])('for %j is %s', (settings, host) => {
    expect(sendHostOf(settings)).toBe(host);
  });
});
