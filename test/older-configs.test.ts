import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  type CreateConnector,
  type EmailConnector,
  ConnectorError,
  ConnectorErrorCodes,
  TemplateType,
} from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';
import { type ZodError } from 'zod';

import { parseConfig } from '../src/index.js';
import {
  allTemplateTypes,
  connectorWith,
  firstOfficialReadmeConfig,
  olderOfficialConfigs,
  rejectionOf,
  sendData,
  useMockedSes,
} from './fixtures.js';

/** The official connector, @logto/connector-aws-ses 1.5.4 (it ships no type declarations). */
const officialPackage: string = '@logto/connector-aws-ses';
const { default: createOfficialConnector } = (await import(officialPackage)) as {
  default: CreateConnector<EmailConnector>;
};
const official = await createOfficialConnector({ getConfig: async () => Promise.resolve({}) });

const ses = useMockedSes();

/** The subject of the last SendEmail. */
const sentSubject = (): string | undefined =>
  ses.commandCalls(SendEmailCommand).at(-1)?.args[0].input.Content?.Simple?.Subject?.Data;

const olderConfigs = Object.entries(olderOfficialConfigs);

describe('configs written for older versions of the official connector', () => {
  it.each(olderConfigs)('%s: the official connector 1.5.4 accepts it', (_name, config) => {
    expect(official.configGuard.safeParse(config).success).toBe(true);
  });

  it.each(olderConfigs)('%s: parses here unchanged, every template kept', (_name, config) => {
    const parsed = parseConfig(config);
    expect(parsed.templates.map(({ usageType }) => usageType)).toEqual(
      config.templates.map(({ usageType }) => usageType)
    );
  });

  it.each(olderConfigs)(
    '%s: sends every usage type Logto sends, never with the Continue or Test template',
    async (_name, config) => {
      const connector = await connectorWith(config);
      for (const type of allTemplateTypes) {
        await expect(connector.sendMessage(sendData(type, { code: '123456' }))).resolves.toBe('msg-1');
        const subject = sentSubject();
        expect(subject, type).not.toMatch(/^(?:Continue|Test) code$/);
        expect([`${type} code`, 'Generic code'], type).toContain(subject);
      }
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(allTemplateTypes.length);
    }
  );

  it('sends SignIn with its own template and BindMfa, which the January 2023 config lacks, with Generic', async () => {
    const connector = await connectorWith(
      olderOfficialConfigs['the README of January 2023: SignIn, Register, ForgotPassword, Generic and Test']
    );
    await connector.sendMessage(sendData(TemplateType.SignIn, { code: '1' }));
    expect(sentSubject()).toBe('SignIn code');
    await connector.sendMessage(sendData(TemplateType.BindMfa, { code: '2' }));
    expect(sentSubject()).toBe('Generic code');
  });
});

describe('the first README config, which has no Generic template', () => {
  it('is refused by the official connector 1.5.4', () => {
    expect(official.configGuard.safeParse(firstOfficialReadmeConfig).success).toBe(false);
  });

  it('is refused here with a sentence that says to rename the Test template to Generic', async () => {
    const connector = await connectorWith(firstOfficialReadmeConfig);
    const error = await rejectionOf(connector.sendMessage(sendData(TemplateType.SignIn, { code: '1' })));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe(ConnectorErrorCodes.InvalidConfig);
    const messages = ((error as ConnectorError).data as ZodError).issues.map(({ message }) => message);
    expect(messages).toEqual([expect.stringMatching(/needs a Generic template/)]);
    expect(messages[0]).toMatch(/rename the Test template to Generic/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
