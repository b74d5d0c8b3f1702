/**
 * `sesTemplates` over real HTTP against the fake SES, which stores templates and renders them
 * with Handlebars as SES does: the usage types it names are sent as `Content.Template` with the
 * payload as `TemplateData`, the others keep the config's templates; one request per send;
 * refusals (too much data, unknown usage types, an unknown template) are sentences.
 */
import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { describe, expect, it, vi } from 'vitest';
import { type ZodError } from 'zod';

import {
  configAt,
  connectorWith,
  i18nTemplates,
  rejectionOf,
  signInPayload,
  useFakeSes,
} from '../fixtures.js';
import { type FakeSesTemplate } from '../support/fake-ses-templates.js';

const signInTemplate: FakeSesTemplate = {
  subject: 'Sign in to {{application.name}}',
  html: '<p>Hi {{user.name}}, your code is <b>{{code}}</b>.</p>',
  text: 'Your code is {{code}}.',
};

const ses = useFakeSes();

const store = (templates: Record<string, FakeSesTemplate>) => {
  ses.fake.templates.clear();
  for (const [name, template] of Object.entries(templates)) {
    ses.fake.templates.set(name, template);
  }
};

const arn = 'arn:aws:ses:eu-west-1:123456789012:template/logto-sign-in';

describe('an email of a usage type named in sesTemplates', () => {
  it('is sent as Content.Template with the payload as TemplateData, rendered by SES (one request)', async () => {
    store({ 'logto-sign-in': signInTemplate });
    const connector = await connectorWith(
      configAt(ses.fake.endpoint, { sesTemplates: { SignIn: 'logto-sign-in' } })
    );
    const messageId = await connector.sendMessage({
      to: 'ada@example.com',
      type: TemplateType.SignIn,
      payload: signInPayload,
    });

    expect(ses.fake.requests).toHaveLength(1);
    const [request] = ses.fake.requests;
    expect(request?.messageId).toBe(messageId);
    const content = request?.body?.Content as { Template?: Record<string, unknown>; Simple?: unknown };
    expect(content.Simple).toBeUndefined();
    expect(content.Template?.TemplateName).toBe('logto-sign-in');
    expect(content.Template).not.toHaveProperty('TemplateArn');
    expect(JSON.parse(String(content.Template?.TemplateData))).toEqual(signInPayload);
    expect(request?.rendered).toEqual({
      subject: 'Sign in to Acme Portal',
      html: '<p>Hi Ada, your code is <b>123456</b>.</p>',
      text: 'Your code is 123456.',
    });
    expect(request?.body).toMatchObject({
      FromEmailAddress: '"Acme" <noreply@example.com>',
      Destination: { ToAddresses: ['ada@example.com'] },
      EmailTags: [{ Name: 'logto-usage-type', Value: 'SignIn' }],
    });
  });

  it('names the template by TemplateArn when sesTemplates gives an ARN', async () => {
    store({ 'logto-sign-in': signInTemplate });
    const connector = await connectorWith(configAt(ses.fake.endpoint, { sesTemplates: { SignIn: arn } }));
    await connector.sendMessage({ to: 'ada@example.com', type: TemplateType.SignIn, payload: signInPayload });

    const template = (ses.fake.requests[0]?.body?.Content as { Template?: Record<string, unknown> }).Template;
    expect(template?.TemplateArn).toBe(arn);
    expect(template).not.toHaveProperty('TemplateName');
    expect(ses.fake.requests[0]?.rendered).toMatchObject({ subject: 'Sign in to Acme Portal' });
  });

  it("wins over Logto's per-language template, which is then not even looked up", async () => {
    store({ 'logto-sign-in': signInTemplate });
    const lookup = vi.fn(i18nTemplates({ SignIn: { subject: 'Logto FR', content: '<p>{{code}}</p>' } }));
    const connector = await connectorWith(
      configAt(ses.fake.endpoint, { sesTemplates: { SignIn: 'logto-sign-in' } }),
      lookup
    );
    await connector.sendMessage({ to: 'ada@example.com', type: TemplateType.SignIn, payload: signInPayload });

    expect(lookup).not.toHaveBeenCalled();
    expect(ses.fake.requests[0]?.rendered).toMatchObject({ subject: 'Sign in to Acme Portal' });
  });

  it('leaves the other usage types to the config templates (Simple content)', async () => {
    store({ 'logto-sign-in': signInTemplate });
    const connector = await connectorWith(
      configAt(ses.fake.endpoint, { sesTemplates: { SignIn: 'logto-sign-in' } })
    );
    await connector.sendMessage({
      to: 'ada@example.com',
      type: TemplateType.Register,
      payload: signInPayload,
    });

    const content = ses.fake.requests[0]?.body?.Content;
    expect(content).not.toHaveProperty('Template');
    expect(content?.Simple?.Subject?.Data).toBe('Code 123456');
  });

  it('is accepted by SES even when the data lacks a variable, which SES then fails to render (why the doctor checks)', async () => {
    store({ 'logto-sign-in': { subject: 'For {{organization.name}}', text: '{{code}}' } });
    const connector = await connectorWith(
      configAt(ses.fake.endpoint, { sesTemplates: { SignIn: 'logto-sign-in' } })
    );
    await connector.sendMessage({ to: 'ada@example.com', type: TemplateType.SignIn, payload: { code: '1' } });

    expect(ses.fake.accepted()).toHaveLength(1);
    expect(ses.fake.requests[0]?.rendered).toEqual({
      renderingFailure: "Attribute 'name' is not present in the rendering data.",
    });
  });
});

describe('refusals', () => {
  it('refuses a payload over SES’s 30 KB of TemplateData with a sentence, sending nothing', async () => {
    store({ 'logto-sign-in': signInTemplate });
    const connector = await connectorWith(
      configAt(ses.fake.endpoint, { sesTemplates: { SignIn: 'logto-sign-in' } })
    );
    const payload = {
      ...signInPayload,
      organization: { id: 'o', name: 'x'.repeat(31 * 1024), branding: {} },
    };
    const error = (await rejectionOf(
      connector.sendMessage({ to: 'ada@example.com', type: TemplateType.SignIn, payload })
    )) as ConnectorError;

    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect((error.data as { errorDescription: string }).errorDescription).toMatch(
      /^The payload of this SignIn email is 32 KB as JSON, more than the 30 KB Amazon SES accepts/
    );
    expect(ses.fake.count).toBe(0);
  });

  it('sends a payload of just under 30 KB', async () => {
    store({ 'logto-sign-in': signInTemplate });
    const connector = await connectorWith(
      configAt(ses.fake.endpoint, { sesTemplates: { SignIn: 'logto-sign-in' } })
    );
    const base = JSON.stringify({ ...signInPayload, filler: '' }).length;
    const payload = { ...signInPayload, filler: 'x'.repeat(30 * 1024 - base) };
    expect(JSON.stringify(payload)).toHaveLength(30 * 1024);
    await connector.sendMessage({ to: 'ada@example.com', type: TemplateType.SignIn, payload });
    expect(ses.fake.accepted()).toHaveLength(1);
  });

  it.each([
    [
      'a usage type Logto does not have',
      { Login: 'logto-login' },
      'sesTemplates has "Login", which is not a Logto usage type',
    ],
    [
      'a lower-cased usage type',
      { signin: 'logto-sign-in' },
      'sesTemplates has "signin", which is not a Logto usage type',
    ],
    [
      'a name with a space',
      { SignIn: 'logto sign in' },
      'sesTemplates.SignIn must be the name of an SES template',
    ],
    [
      'an identity ARN',
      { SignIn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' },
      'sesTemplates.SignIn must be the name of an SES template',
    ],
    [
      'a number',
      { SignIn: 7 },
      'sesTemplates must map each usage type to the name or ARN of an SES template, as text',
    ],
    [
      'an array',
      ['logto-sign-in'],
      'sesTemplates must be a JSON object of Logto usage types to SES template names or ARNs',
    ],
  ])(
    'refuses %s with invalid_config and a sentence, sending nothing',
    async (_what, sesTemplates, sentence) => {
      const connector = await connectorWith({ ...configAt(ses.fake.endpoint), sesTemplates });
      const error = (await rejectionOf(
        connector.sendMessage({ to: 'ada@example.com', type: TemplateType.SignIn, payload: signInPayload })
      )) as ConnectorError;

      expect(error.code).toBe(ConnectorErrorCodes.InvalidConfig);
      expect((error.data as ZodError).issues.map(({ message }) => message).join(' ')).toContain(sentence);
      expect(ses.fake.count).toBe(0);
    }
  );

  it('maps SES’s NotFoundException for a template that does not exist to a sentence naming it', async () => {
    store({});
    const connector = await connectorWith(
      configAt(ses.fake.endpoint, { sesTemplates: { Generic: 'missing-template' } })
    );
    const error = (await rejectionOf(
      connector.sendMessage({
        to: 'ada@example.com',
        type: TemplateType.Generic,
        payload: { code: '000000' },
      })
    )) as ConnectorError;

    expect(error.data).toMatchObject({
      sesErrorName: 'NotFoundException',
      httpStatus: 404,
      errorDescription: expect.stringContaining('Template missing-template does not exist.'),
    });
    expect(ses.fake.requests).toHaveLength(1);
  });
});
