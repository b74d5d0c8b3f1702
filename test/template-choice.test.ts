import {
  ConnectorError,
  ConnectorErrorCodes,
  type GetI18nEmailTemplate,
  TemplateType,
} from '@logto/connector-kit';
import { describe, expect, it, vi } from 'vitest';

import { type ParsedTemplate } from '../src/config.js';
import { chooseTemplate } from '../src/template-choice.js';
import { allTemplateTypes, rejectionOf } from './fixtures.js';

const configTemplate = (usageType: TemplateType): ParsedTemplate => ({
  usageType,
  subject: `config ${usageType}`,
  content: `<p>config ${usageType}</p>`,
  contentType: 'text/html',
});

const genericOnly = [configTemplate(TemplateType.Generic)];
const everyType = allTemplateTypes.map(configTemplate);

const logtoLookups: Record<string, GetI18nEmailTemplate | undefined> = {
  present: async (type, locale) =>
    Promise.resolve({ subject: `logto ${type} ${String(locale)}`, content: `<p>logto ${type}</p>` }),
  absent: async () => Promise.resolve(undefined),
  throwing: async () => Promise.reject(new Error('database is down')),
  'not provided': undefined,
};

type Case = [TemplateType, string, 'present' | 'absent'];
const cases: Case[] = allTemplateTypes.flatMap((type) =>
  Object.keys(logtoLookups).flatMap((logto) =>
    (['present', 'absent'] as const).map((config): Case => [type, logto, config])
  )
);

describe('the template choice over every usage type', () => {
  it.each(cases)('type %s, Logto template %s, config template %s', async (type, logto, config) => {
    const getI18nEmailTemplate = logtoLookups[logto];
    const chosen = await chooseTemplate({
      type,
      locale: 'fr-CA',
      templates: config === 'present' ? everyType : genericOnly,
      ...(getI18nEmailTemplate && { getI18nEmailTemplate }),
    });
    if (logto === 'present') {
      expect(chosen).toMatchObject({ source: 'logto', subject: `logto ${type} fr-CA` });
    } else if (config === 'present') {
      expect(chosen).toMatchObject({ source: 'config', subject: `config ${type}` });
    } else {
      expect(chosen).toMatchObject({ source: 'config', subject: 'config Generic' });
    }
  });
});

describe("Logto's per-language templates", () => {
  it('asks Logto for the type and the locale of the payload', async () => {
    const lookup = vi.fn<GetI18nEmailTemplate>(async () => Promise.resolve(undefined));
    await chooseTemplate({
      type: TemplateType.Register,
      locale: 'de',
      templates: genericOnly,
      getI18nEmailTemplate: lookup,
    });
    expect(lookup).toHaveBeenCalledWith(TemplateType.Register, 'de');
  });

  it('keeps contentType, replyTo and sendFrom', async () => {
    const chosen = await chooseTemplate({
      type: TemplateType.SignIn,
      templates: genericOnly,
      getI18nEmailTemplate: async () =>
        Promise.resolve({
          subject: 's',
          content: 'c',
          contentType: 'text/plain',
          replyTo: 'help@example.com',
          sendFrom: '{{application.name}}',
        }),
    });
    expect(chosen).toEqual({
      subject: 's',
      content: 'c',
      contentType: 'text/plain',
      replyTo: 'help@example.com',
      sendFrom: '{{application.name}}',
      source: 'logto',
    });
  });

  it('defaults contentType to text/html and ignores blank replyTo and sendFrom', async () => {
    const chosen = await chooseTemplate({
      type: TemplateType.SignIn,
      templates: genericOnly,
      getI18nEmailTemplate: async () =>
        Promise.resolve({ subject: 's', content: 'c', replyTo: ' ', sendFrom: '' }),
    });
    expect(chosen).toEqual({ subject: 's', content: 'c', contentType: 'text/html', source: 'logto' });
  });

  it.each([
    ['null', null],
    ['a string', 'template'],
    ['no content', { subject: 's' }],
    ['an empty content', { subject: 's', content: '' }],
    ['a numeric subject', { subject: 1, content: 'c' }],
  ])('falls back to the config when Logto returns %s', async (_name, returned) => {
    const chosen = await chooseTemplate({
      type: TemplateType.SignIn,
      templates: genericOnly,
      getI18nEmailTemplate: (async () => Promise.resolve(returned)) as unknown as GetI18nEmailTemplate,
    });
    expect(chosen.source).toBe('config');
  });

  it('falls back to the config when the lookup throws synchronously', async () => {
    const chosen = await chooseTemplate({
      type: TemplateType.SignIn,
      templates: genericOnly,
      getI18nEmailTemplate: () => {
        throw new Error('boom');
      },
    });
    expect(chosen.subject).toBe('config Generic');
  });
});

describe('when nothing applies', () => {
  it('throws TemplateNotFound naming the type', async () => {
    const error = await rejectionOf(
      chooseTemplate({ type: TemplateType.BindMfa, templates: [configTemplate(TemplateType.SignIn)] })
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      code: ConnectorErrorCodes.TemplateNotFound,
      data: { errorDescription: expect.stringContaining('No email template for usage type BindMfa') },
    });
  });
});
