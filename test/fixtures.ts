import {
  type GetI18nEmailTemplate,
  type SendMessageData,
  TemplateType,
  type EmailTemplateDetails,
} from '@logto/connector-kit';

import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';

import createConnector, { type AwsSesConfig, resetConnectorState, defaultTemplates } from '../src/index.js';
// A type only: the emulator's module is loaded by useEmulator when a suite uses it.
import type { Emulator } from './support/emulator.js';
import { type FakeSes, respond, startFakeSes } from './support/fake-ses.js';

/** Every Logto usage type, in the order of the kit's enum. */
export const allTemplateTypes = Object.values(TemplateType);

/** A recognisable secret: no test output may ever contain it. */
export const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';

export const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';

/** A complete, valid config with static credentials and every optional field. */
export const fullConfig = {
  accessKeyId,
  accessKeySecret: secret,
  region: 'eu-west-1',
  emailAddress: 'Logto <noreply@example.com>',
  emailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
  feedbackForwardingEmailAddress: 'bounces@example.com',
  feedbackForwardingEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
  configurationSetName: 'logto-auth',
  replyTo: 'Support <support@example.com>, help@example.com',
  endpoint: 'https://email.eu-west-1.amazonaws.com',
  timeoutMs: 5000,
  tags: { app: 'logto', env: 'test' },
  templates: [
    {
      usageType: 'SignIn',
      subject: 'Sign in to {{application.name}}: {{code}}',
      content: '<p>Hi {{user.name}}, your code is <b>{{code}}</b>.</p>',
    },
    {
      usageType: 'Generic',
      subject: 'Your code is {{code}}',
      content: 'Your code is {{code}}.',
      contentType: 'text/plain',
    },
  ],
} satisfies AwsSesConfig;

/** The smallest valid config: credentials from the default chain, one Generic template. */
export const minimalConfig = {
  region: 'us-east-1',
  emailAddress: 'noreply@example.com',
  templates: [{ usageType: 'Generic', subject: 'Code {{code}}', content: '<p>{{code}}</p>' }],
} satisfies AwsSesConfig;

/**
 * Configs as the official @logto/connector-aws-ses documents them: its README's field table and
 * the defaults of its Console form. Every one must parse here unchanged.
 */
export const officialConfigs: Record<string, unknown> = {
  'the form defaults of the official connector, filled in': {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
    emailAddress: 'Logto<noreply@logto.io>',
    templates: [
      ['SignIn', 'sign-in'],
      ['Register', 'register'],
      ['ForgotPassword', 'forgot-password'],
      ['OrganizationInvitation', 'organization-invitation'],
      ['Generic', 'generic'],
      ['UserPermissionValidation', 'user-permission-validation'],
      ['BindNewIdentifier', 'bind-new-identifier'],
      ['MfaVerification', 'mfa-verification'],
      ['BindMfa', 'bind-mfa'],
    ].map(([usageType, slug]) => ({
      usageType,
      subject: `<${String(slug)}-template-subject>`,
      content: `Your Logto ${String(slug)} verification code is {{code}}. The code will remain active for 10 minutes.`,
    })),
  },
  'the README table with every optional field and the four required templates': {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'ap-southeast-2',
    emailAddress: '<noreply@logto.io>',
    emailAddressIdentityArn: 'arn:aws:ses:ap-southeast-2:123456789012:identity/logto.io',
    feedbackForwardingEmailAddress: 'feedback@logto.io',
    feedbackForwardingEmailAddressIdentityArn: 'arn:aws:ses:ap-southeast-2:123456789012:identity/logto.io',
    configurationSetName: 'logto',
    templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
      usageType,
      subject: `Logto ${usageType}`,
      content: `Your Logto verification code is {{code}}.`,
    })),
  },
  'a config saved by the Console, optional fields left empty': {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'eu-central-1',
    emailAddress: 'noreply@logto.io',
    emailAddressIdentityArn: '',
    feedbackForwardingEmailAddress: '',
    feedbackForwardingEmailAddressIdentityArn: '',
    configurationSetName: '',
    templates: [{ usageType: 'Generic', subject: 'Code', content: '{{code}}' }],
  },
};

/** One template of an older official config: its subject names the usage type, for tests to recognise. */
const olderTemplate = (usageType: string) => ({
  usageType,
  subject: `${usageType} code`,
  content: `<p>Your ${usageType} code is {{code}}.</p>`,
});

/**
 * Configs written for older versions of the official connector (logto-io/connectors, before
 * Logto 1.0): their templates hold usage types Logto no longer sends, `Continue` and `Test`.
 * Transcribed from the README samples and Console form defaults of that time, with real-looking
 * values in place of the `<placeholders>`. The official connector 1.5.4 accepts every one.
 */
export const olderOfficialConfigs: Record<string, AwsSesConfig> = {
  // README and Console form of January-March 2023 (commits 7170b77, 3b432cc): Generic added, Test kept.
  'the README of January 2023: SignIn, Register, ForgotPassword, Generic and Test': {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
    emailAddress: '<noreply@logto.io>',
    templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic', 'Test'].map(olderTemplate),
  },
  // The first README (December 2022, commit 725bd94) listed Continue and Test; Generic became
  // required in March 2023 (d5f24ee), so a config kept since then has all three.
  'the README of December 2022 (Continue, Test) with the Generic template required since March 2023': {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'eu-west-1',
    emailAddress: 'Logto<noreply@logto.io>',
    configurationSetName: 'logto',
    templates: ['SignIn', 'Register', 'ForgotPassword', 'Continue', 'Test', 'Generic'].map(olderTemplate),
  },
  'a config kept since December 2022, with every usage type added since: eleven templates': {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'ap-southeast-2',
    emailAddress: 'noreply@logto.io',
    templates: [
      'SignIn',
      'Register',
      'ForgotPassword',
      'Continue',
      'Test',
      'Generic',
      'OrganizationInvitation',
      'UserPermissionValidation',
      'BindNewIdentifier',
      'MfaVerification',
      'BindMfa',
    ].map(olderTemplate),
  },
};

/**
 * The sample config of the official connector's first README (December 2022, commit 725bd94),
 * without a Generic template: the official connector refuses it since March 2023, and so does
 * this one.
 */
export const firstOfficialReadmeConfig: AwsSesConfig = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  emailAddress: '<noreply@logto.io>',
  templates: ['SignIn', 'Register', 'ForgotPassword', 'Continue', 'Test'].map(olderTemplate),
};

/**
 * A config with static credentials that sends to `endpoint` (the emulator or a fake SES on
 * loopback; `undefined`: SES's own endpoint for the region), with one Generic template.
 * `overrides` replace any field.
 */
export const configAt = (
  endpoint: string | undefined,
  overrides: Partial<AwsSesConfig> = {}
): AwsSesConfig => ({
  accessKeyId,
  accessKeySecret: secret,
  region: 'eu-west-1',
  ...(endpoint && { endpoint }),
  emailAddress: 'Acme <noreply@example.com>',
  timeoutMs: 5000,
  templates: minimalConfig.templates,
  ...overrides,
});

/** A config holding the connector's own default templates (what a new Console form submits). */
export const withDefaultTemplates = (config: Partial<AwsSesConfig> = {}): AwsSesConfig => ({
  ...minimalConfig,
  templates: defaultTemplates,
  ...config,
});

/** A payload like the one Logto sends for a sign-in through the Experience API. */
export const signInPayload = {
  code: '123456',
  locale: 'en',
  application: { id: 'app1', name: 'Acme Portal', displayName: 'Acme' },
  organization: { id: 'org1', name: 'Acme Corp', branding: {} },
  user: { id: 'u1', name: 'Ada', username: 'ada', primaryEmail: 'ada@example.com' },
};

export const sendData = (
  type: TemplateType = TemplateType.SignIn,
  payload: SendMessageData['payload'] = signInPayload,
  to = 'ada@example.com'
): SendMessageData => ({ to, type, payload });

/** A Logto per-language template lookup that knows only the given types. */
export const i18nTemplates =
  (templates: Partial<Record<TemplateType, EmailTemplateDetails>>): GetI18nEmailTemplate =>
  async (type) =>
    Promise.resolve(templates[type]);

/** One email template stored in Logto (Management API `PUT /api/email-templates`). */
export type StoredLogtoTemplate = {
  templateType: TemplateType;
  languageTag: string;
  details: EmailTemplateDetails;
};

/**
 * The `getI18nEmailTemplate` Logto 1.42 hands to email connectors
 * (packages/core/src/libraries/connector.ts), over an in-memory store: the template of the type
 * in the given language (when one is given) → of the type in the sign-in experience's fallback
 * language → of `Generic` in the fallback language → `undefined`. Language tags match exactly,
 * as Logto's query does.
 */
export const logtoTemplateLookup = ({
  fallbackLanguage,
  stored,
}: {
  fallbackLanguage: string;
  stored: readonly StoredLogtoTemplate[];
}): GetI18nEmailTemplate => {
  const find = (type: TemplateType, languageTag: string) =>
    stored.find((template) => template.templateType === type && template.languageTag === languageTag)
      ?.details;
  return async (type, languageTag) => {
    const inLanguage = languageTag ? find(type, languageTag) : undefined;
    return Promise.resolve(
      inLanguage ?? find(type, fallbackLanguage) ?? find(TemplateType.Generic, fallbackLanguage)
    );
  };
};

/** Creates the connector as Logto does: `getConfig` hands over the stored config. */
export const connectorWith = async (config: unknown, getI18nEmailTemplate?: GetI18nEmailTemplate) =>
  createConnector({
    getConfig: async () => Promise.resolve(config),
    ...(getI18nEmailTemplate && { getI18nEmailTemplate }),
  });

/** Runs a promise that must reject and returns what it rejected with. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
};

/**
 * Replaces SES with aws-sdk-client-mock for the surrounding tests: every SendEmail answers
 * MessageId `msg-1`, and the cached SES clients are dropped after each test.
 */
export const useMockedSes = () => {
  const ses = mockClient(SESv2Client);
  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'msg-1', $metadata: { httpStatusCode: 200 } });
  });
  afterEach(() => {
    resetConnectorState();
  });
  return ses;
};

/** The input of the one SendEmail sent through {@link useMockedSes}'s mock (there must be exactly one). */
export const sentInput = (ses: ReturnType<typeof useMockedSes>): SendEmailCommandInput => {
  const calls = ses.commandCalls(SendEmailCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
};

/**
 * The fake SES endpoint (test/support/fake-ses.ts) for the surrounding tests: started before the
 * first, closed after the last; after each test the mocks and stubbed environment variables are
 * restored, the connector's caches dropped, and the fake's plan, default answer (success),
 * regions (none) and recorded requests reset (its stored templates are kept). The returned
 * object's `fake` is set once the tests run.
 */
export const useFakeSes = (): { fake: FakeSes } => {
  const ses = {} as { fake: FakeSes };
  beforeAll(async () => {
    ses.fake = await startFakeSes();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    resetConnectorState();
    ses.fake.setDefault(respond.succeed());
    ses.fake.setRegions({});
    ses.fake.reset();
  });
  afterAll(async () => {
    await ses.fake.close();
  });
  return ses;
};

/**
 * The local SES emulator (test/support/emulator.ts) for the surrounding tests: started before the
 * first, closed after the last; after each test the connector's caches are dropped and the
 * emulator's store emptied. The returned object stands for the emulator once the tests run.
 */
export const useEmulator = (): Emulator => {
  let started: Emulator | undefined;
  const emulator = (): Emulator => {
    if (!started) {
      throw new Error('The emulator starts before the first test: use it inside a test or hook.');
    }
    return started;
  };
  beforeAll(async () => {
    // Loaded here: the suites that import these fixtures without the emulator do not load it.
    const { startEmulator } = await import('./support/emulator.js');
    started = await startEmulator();
  });
  afterEach(async () => {
    resetConnectorState();
    await emulator().clear();
  });
  afterAll(async () => {
    await emulator().close();
  });
  return {
    get endpoint() {
      return emulator().endpoint;
    },
    get server() {
      return emulator().server;
    },
    emails: async () => emulator().emails(),
    clear: async () => emulator().clear(),
    close: async () => emulator().close(),
  };
};
