/**
 * Where the two halves of issue 19 meet, over real HTTP: an email sent with a template stored in
 * SES (`sesTemplates`, `Content.Template`) carries the same send options as one sent with the
 * config's templates (`Content.Simple`): the operator's `headers` and a fresh `X-Entity-Ref-ID`
 * (as `Content.Template.Headers`), the tracking override and `TenantName`. Every send, with all
 * six features configured at once too, is exactly one request. The fake SES records the request
 * bodies and renders templates; the SES emulator (aws-ses-v2-local) stores a template email's
 * headers.
 */
import { CreateEmailTemplateCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { TemplateType } from '@logto/connector-kit';
import { beforeAll, describe, expect, it } from 'vitest';

import { type AwsSesConfig } from '../../src/index.js';
import {
  accessKeyId,
  configAt,
  connectorWith,
  secret,
  signInPayload,
  useEmulator,
  useFakeSes,
} from '../fixtures.js';
import { type FakeSesTemplate } from '../support/fake-ses-templates.js';

const ses = useFakeSes();

const signInTemplate: FakeSesTemplate = {
  subject: 'Sign in to {{application.name}}',
  text: 'Your code is {{code}}.',
};

const trackingDisabled = {
  Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
};

/** Version 4 UUIDs as RFC 9562 writes them. */
const uuidV4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

const sendOptions = {
  headers: { 'X-Logto-Tenant': 'acme', 'List-Id': 'Acme codes <codes.acme.example>' },
  tenantName: 'acme',
} satisfies Partial<AwsSesConfig>;

const operatorHeaders = [
  { Name: 'X-Logto-Tenant', Value: 'acme' },
  { Name: 'List-Id', Value: 'Acme codes <codes.acme.example>' },
];

const sendAs = async (config: AwsSesConfig, type: TemplateType) => {
  const connector = await connectorWith(config);
  return connector.sendMessage({ to: 'ada@example.com', type, payload: signInPayload });
};

describe('a template stored in SES, against the fake SES', () => {
  beforeAll(() => {
    ses.fake.templates.set('logto-sign-in', signInTemplate);
  });

  it('carries the operator headers and a fresh X-Entity-Ref-ID, tracking off and the tenant, in one request', async () => {
    const messageId = await sendAs(
      configAt(ses.fake.endpoint, { ...sendOptions, sesTemplates: { SignIn: 'logto-sign-in' } }),
      TemplateType.SignIn
    );

    expect(ses.fake.count).toBe(1);
    const [request] = ses.fake.requests;
    expect(request?.messageId).toBe(messageId);
    expect(request?.body?.Content?.Simple).toBeUndefined();
    expect(request?.body?.Content?.Template).toEqual({
      TemplateName: 'logto-sign-in',
      TemplateData: JSON.stringify(signInPayload),
      Headers: [
        ...operatorHeaders,
        { Name: 'X-Entity-Ref-ID', Value: expect.stringMatching(uuidV4) as string },
      ],
    });
    expect(request?.body?.ConfigurationOverrides).toEqual(trackingDisabled);
    expect(request?.body?.TenantName).toBe('acme');
    expect(request?.rendered).toMatchObject({ subject: 'Sign in to Acme Portal' });
  });

  it('sends the same fields as a Simple send of the same config, the content and usage type aside', async () => {
    const config = configAt(ses.fake.endpoint, { ...sendOptions, sesTemplates: { SignIn: 'logto-sign-in' } });
    await sendAs(config, TemplateType.SignIn);
    await sendAs(config, TemplateType.Register);

    expect(ses.fake.count).toBe(2);
    const [template, simple] = ses.fake.requests.map(({ body }) => body);
    const { Content: templateContent, EmailTags: templateTags, ...templateRest } = template ?? {};
    const { Content: simpleContent, EmailTags: simpleTags, ...simpleRest } = simple ?? {};
    expect(templateRest).toEqual(simpleRest);
    expect(templateTags?.[0]).toEqual({ Name: 'logto-usage-type', Value: 'SignIn' });
    expect(simpleTags?.[0]).toEqual({ Name: 'logto-usage-type', Value: 'Register' });
    const templateHeaders = templateContent?.Template?.Headers;
    const simpleHeaders = simpleContent?.Simple?.Headers;
    expect(templateHeaders?.slice(0, 2)).toEqual(operatorHeaders);
    expect(simpleHeaders?.slice(0, 2)).toEqual(operatorHeaders);
    // Each email its own X-Entity-Ref-ID, whichever content it has.
    expect(templateHeaders?.[2]?.Name).toBe('X-Entity-Ref-ID');
    expect(simpleHeaders?.[2]?.Name).toBe('X-Entity-Ref-ID');
    expect(templateHeaders?.[2]?.Value).not.toBe(simpleHeaders?.[2]?.Value);
  });

  it('sends neither Headers nor ConfigurationOverrides with tracking "configuration-set", entityRefId "off" and no headers', async () => {
    await sendAs(
      configAt(ses.fake.endpoint, {
        sesTemplates: { SignIn: 'logto-sign-in' },
        tracking: 'configuration-set',
        entityRefId: 'off',
      }),
      TemplateType.SignIn
    );

    const body = ses.fake.requests[0]?.body;
    expect(body?.Content?.Template).not.toHaveProperty('Headers');
    expect(body).not.toHaveProperty('ConfigurationOverrides');
    expect(body).not.toHaveProperty('TenantName');
  });
});

describe('all six features of issue 19 at once', () => {
  const everything = () =>
    configAt(ses.fake.endpoint, {
      ...sendOptions,
      tracking: 'off',
      entityRefId: 'on',
      endpointId: 'abcd1234.efgh',
      sesTemplates: { SignIn: 'logto-sign-in' },
    });

  beforeAll(() => {
    ses.fake.templates.set('logto-sign-in', signInTemplate);
  });

  it.each([
    ['a stored template (SignIn)', TemplateType.SignIn, 'Template'],
    ['a config template (Register)', TemplateType.Register, 'Simple'],
  ] as const)(
    '%s: exactly one request, SigV4a-signed, carrying every field',
    async (_name, type, content) => {
      await sendAs(everything(), type);

      expect(ses.fake.count).toBe(1);
      const [request] = ses.fake.requests;
      expect(request?.operation).toBe('SendEmail');
      expect(request?.signingAlgorithm).toBe('AWS4-ECDSA-P256-SHA256');
      expect(request?.body?.EndpointId).toBe('abcd1234.efgh');
      expect(request?.body?.TenantName).toBe('acme');
      expect(request?.body?.ConfigurationOverrides).toEqual(trackingDisabled);
      expect(Object.keys(request?.body?.Content ?? {})).toEqual([content]);
      expect(request?.body?.Content?.[content]?.Headers).toEqual([
        ...operatorHeaders,
        { Name: 'X-Entity-Ref-ID', Value: expect.stringMatching(uuidV4) as string },
      ]);
    }
  );
});

describe('a template stored in SES, against the SES emulator', () => {
  const emulator = useEmulator();

  it('delivers the operator headers and a different X-Entity-Ref-ID on each template email', async () => {
    // The emulator's /clear-store empties templates too: store it for this test.
    const client = new SESv2Client({
      region: 'eu-west-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId, secretAccessKey: secret },
    });
    await client.send(
      new CreateEmailTemplateCommand({
        TemplateName: 'logto-sign-in',
        TemplateContent: { Subject: 'Stored: {{code}}', Text: 'Stored template, code {{code}}' },
      })
    );
    client.destroy();
    const config = configAt(emulator.endpoint, { ...sendOptions, sesTemplates: { SignIn: 'logto-sign-in' } });

    await sendAs(config, TemplateType.SignIn);
    await sendAs(config, TemplateType.SignIn);

    const emails = await emulator.emails();
    expect(emails.map(({ subject }) => subject)).toEqual(['Stored: 123456', 'Stored: 123456']);
    const refIds = emails.map(({ headers }) => {
      expect(headers?.slice(0, 2)).toEqual(
        operatorHeaders.map(({ Name, Value }) => ({ name: Name, value: Value }))
      );
      return headers?.find(({ name }) => name === 'X-Entity-Ref-ID')?.value;
    });
    expect(refIds[0]).toMatch(uuidV4);
    expect(refIds[1]).toMatch(uuidV4);
    expect(refIds[0]).not.toBe(refIds[1]);
  });
});
