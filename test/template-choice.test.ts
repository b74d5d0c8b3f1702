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

/**
 * What is chosen for each Logto lookup and config: [Logto template, config template of the type,
 * source chosen, subject chosen]. `TYPE` in the subject stands for the usage type asked for.
 */
const choices: Array<[string, 'present' | 'absent', 'logto' | 'config', string]> = [
  ['present', 'present', 'logto', 'logto TYPE fr-CA'],
  ['present', 'absent', 'logto', 'logto TYPE fr-CA'],
  ['absent', 'present', 'config', 'config TYPE'],
  ['absent', 'absent', 'config', 'config Generic'],
  ['throwing', 'present', 'config', 'config TYPE'],
  ['throwing', 'absent', 'config', 'config Generic'],
  ['not provided', 'present', 'config', 'config TYPE'],
  ['not provided', 'absent', 'config', 'config Generic'],
];
const cases = allTemplateTypes.flatMap((type) =>
  choices.map(
    ([logto, config, source, subject]) =>
      [type, logto, config, source, subject.replace('TYPE', type)] as const
  )
);

describe('the template choice over every usage type', () => {
  it.each(cases)(
    'type %s, Logto template %s, config template %s: the %s template "%s"',
    async (type, logto, config, source, subject) => {
      const getI18nEmailTemplate = logtoLookups[logto];
      const chosen = await chooseTemplate({
        type,
        locale: 'fr-CA',
        templates: config === 'present' ? everyType : genericOnly,
        ...(getI18nEmailTemplate && { getI18nEmailTemplate }),
      });
      expect(chosen).toMatchObject({ source, subject });
    }
  );
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
