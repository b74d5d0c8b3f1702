import {
  ConnectorError,
  ConnectorErrorCodes,
  type GetI18nEmailTemplate,
  TemplateType,
} from '@logto/connector-kit';
import { describe, expect, it, vi } from 'vitest';

import { type ParsedTemplate } from '../src/config.js';
import { chooseTemplate, templatesNeverChosen } from '../src/template-choice.js';
import { type StoredLogtoTemplate, allTemplateTypes, logtoTemplateLookup, rejectionOf } from './fixtures.js';

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

describe("the choice with a template lookup that behaves like Logto 1.42's", () => {
  /** A template stored in Logto; its subject names its type and language. */
  const stored = (templateType: TemplateType, languageTag: string): StoredLogtoTemplate => ({
    templateType,
    languageTag,
    details: { subject: `logto ${templateType} ${languageTag}`, content: '<p>{{code}}</p>' },
  });
  const { SignIn, Generic } = TemplateType;
  const withSignIn = [configTemplate(SignIn), configTemplate(Generic)];

  /**
   * [case, templates stored in Logto (fallback language en), type sent, payload locale, config
   * templates, subject chosen].
   */
  const logtoCases: Array<
    [string, StoredLogtoTemplate[], TemplateType, string | undefined, ParsedTemplate[], string]
  > = [
    [
      "Logto's template of the type in the user's language",
      [stored(SignIn, 'fr'), stored(SignIn, 'en'), stored(Generic, 'en')],
      SignIn,
      'fr',
      withSignIn,
      'logto SignIn fr',
    ],
    [
      "Logto's template of the type in the fallback language, when none is in the user's",
      [stored(SignIn, 'en'), stored(Generic, 'fr')],
      SignIn,
      'fr',
      withSignIn,
      'logto SignIn en',
    ],
    [
      "Logto's Generic template in the fallback language, over the config's template of the exact type",
      [stored(Generic, 'en')],
      SignIn,
      'fr',
      withSignIn,
      'logto Generic en',
    ],
    [
      "Logto's Generic template in the fallback language, over its SignIn template in another language",
      [stored(SignIn, 'fr'), stored(Generic, 'en')],
      SignIn,
      'de',
      withSignIn,
      'logto Generic en',
    ],
    [
      "Logto's Generic template in the fallback language when the payload has no locale",
      [stored(SignIn, 'fr'), stored(Generic, 'en')],
      SignIn,
      undefined,
      withSignIn,
      'logto Generic en',
    ],
    [
      "the config's template of the type, when Logto's only Generic is in the user's language",
      [stored(Generic, 'fr')],
      SignIn,
      'fr',
      withSignIn,
      'config SignIn',
    ],
    [
      "Logto's Generic template in the user's language for a Generic send",
      [stored(Generic, 'fr'), stored(Generic, 'en')],
      Generic,
      'fr',
      withSignIn,
      'logto Generic fr',
    ],
    [
      "the config's Generic template when Logto stores nothing and the config has no template of the type",
      [],
      SignIn,
      'fr',
      genericOnly,
      'config Generic',
    ],
    [
      "the config's Generic template for the Console's test, never a Test template",
      [stored(SignIn, 'en')],
      Generic,
      undefined,
      [{ ...configTemplate(Generic), usageType: 'Test', subject: 'config Test' }, configTemplate(Generic)],
      'config Generic',
    ],
  ];

  it.each(logtoCases)('chooses %s', async (_case, store, type, locale, templates, subject) => {
    const chosen = await chooseTemplate({
      type,
      ...(locale && { locale }),
      templates,
      getI18nEmailTemplate: logtoTemplateLookup({ fallbackLanguage: 'en', stored: store }),
    });
    expect(chosen.subject).toBe(subject);
    expect(chosen.source).toBe(subject.startsWith('logto') ? 'logto' : 'config');
  });
});

describe('templates never chosen', () => {
  it('lists the usage types Logto never sends, in config order', () => {
    expect(
      templatesNeverChosen([
        { usageType: 'SignIn' },
        { usageType: 'Continue' },
        { usageType: 'Generic' },
        { usageType: 'Test' },
        { usageType: 'signin' },
      ])
    ).toEqual(['Continue', 'Test', 'signin']);
  });

  it("lists none for Logto's nine types", () => {
    expect(templatesNeverChosen(allTemplateTypes.map((usageType) => ({ usageType })))).toEqual([]);
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
