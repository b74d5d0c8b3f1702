/**
 * Every failure of sendMessage is the host's ConnectorError with a sentence, whatever the input:
 * hostile payloads, malformed data, configs no guard expects, and host lookups that never answer.
 */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  ConnectorError,
  ConnectorErrorCodes,
  type SendMessageData,
  TemplateType,
} from '@logto/connector-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';

import createConnector from '../src/index.js';
import { connectorWith, minimalConfig, rejectionOf, sendData, useMockedSes } from './fixtures.js';

const ses = useMockedSes();

afterEach(() => {
  vi.useRealTimers();
});

type Described = { code: string; errorDescription: unknown; issues: unknown };

/** Sends and returns what the send rejected with, checked to be a ConnectorError with a sentence. */
const failureOf = async (data: unknown, config: unknown = minimalConfig): Promise<Described> => {
  const connector = await connectorWith(config);
  const error = await rejectionOf(connector.sendMessage(data as SendMessageData));
  expect(error).toBeInstanceOf(ConnectorError);
  const { code, data: errorData } = error as ConnectorError & { data: unknown };
  const record = (typeof errorData === 'object' && errorData !== null ? errorData : {}) as Record<
    string,
    unknown
  >;
  return { code, errorDescription: record.errorDescription, issues: record.issues };
};

describe('hostile payloads', () => {
  it.each([
    [
      'a config template',
      undefined,
      "The email template for SignIn in the connector's templates puts {{user.name}} inside a <script> element",
    ],
    [
      'a Logto template',
      async () => Promise.resolve({ subject: 's', content: '<script>{{user.name}}</script>' }),
      "The email template for SignIn from Logto's email templates puts {{user.name}} inside a <script> element",
    ],
  ])('refuses a placeholder where no value is safe, naming it and %s', async (_name, lookup, sentence) => {
    const config = {
      ...minimalConfig,
      templates: [{ usageType: 'Generic', subject: 's', content: '<script>{{user.name}}</script>' }],
    };
    const connector = await connectorWith(config, lookup);
    const error = await rejectionOf(
      connector.sendMessage(sendData(TemplateType.SignIn, { code: '1', user: { name: 'Ada' } }))
    );
    expect(error).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: { errorDescription: expect.stringContaining(sentence) },
    });
  });

  it('turns a payload getter that throws into a general error naming the placeholder', async () => {
    const payload = {
      get code(): string {
        throw new Error('getter exploded');
      },
    };
    const failure = await failureOf(sendData(TemplateType.Generic, payload));
    expect(failure.code).toBe(ConnectorErrorCodes.General);
    expect(failure.errorDescription).toMatch(
      /^The message payload's value for \{\{code\}\} could not be read/
    );
  });

  it('turns anything else that throws into a general error naming what broke', async () => {
    const payload = Object.defineProperty({ code: '1' }, 'locale', {
      enumerable: true,
      get: () => {
        throw new Error('getter exploded');
      },
    });
    const failure = await failureOf(sendData(TemplateType.Generic, payload));
    expect(failure.code).toBe(ConnectorErrorCodes.General);
    expect(failure.errorDescription).toMatch(
      /^The connector could not build or send the email \(Error: getter exploded\)/
    );
  });

  it('turns a locale getter that throws into a general error', async () => {
    const payload = Object.defineProperty({ code: '1' }, 'locale', {
      enumerable: true,
      get: () => {
        throw new TypeError('no locale for you');
      },
    });
    const failure = await failureOf(sendData(TemplateType.Generic, payload));
    expect(failure.code).toBe(ConnectorErrorCodes.General);
    expect(failure.errorDescription).toContain('TypeError: no locale for you');
  });

  it('sends a value without prototype as any plain object reads: [object Object]', async () => {
    const connector = await connectorWith(minimalConfig);
    const payload = { code: Object.create(null) as unknown } as SendMessageData['payload'];
    await expect(connector.sendMessage(sendData(TemplateType.Generic, payload))).resolves.toBe('msg-1');
    const [call] = ses.commandCalls(SendEmailCommand);
    expect(call?.args[0].input.Content?.Simple?.Subject?.Data).toBe('Code [object Object]');
  });

  it('refuses a value whose toString throws with a general error naming the placeholder', async () => {
    const unreadable: unknown = {
      toString: () => {
        throw new Error('no text');
      },
    };
    const payload = { code: unreadable } as SendMessageData['payload'];
    const failure = await failureOf(sendData(TemplateType.Generic, payload));
    expect(failure.code).toBe(ConnectorErrorCodes.General);
    expect(failure.errorDescription).toMatch(
      /^The message payload's value for \{\{code\}\} could not be read or turned into text/
    );
  });

  it('scrubs the access key secret from what a throwing payload said', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
    const config = { ...minimalConfig, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', accessKeySecret: secret };
    const payload = Object.defineProperty({ code: '1' }, 'locale', {
      enumerable: true,
      get: () => {
        throw new Error(`leaked ${secret}`);
      },
    });
    const failure = await failureOf(sendData(TemplateType.Generic, payload), config);
    expect(failure.errorDescription).toContain('leaked [redacted]');
    expect(JSON.stringify(failure)).not.toContain(secret);
  });
});

describe('malformed send data', () => {
  it.each([
    ['without type', { to: 'ada@example.com', payload: { code: '1' } }, 'undefined'],
    ['with a number as type', { to: 'ada@example.com', type: 7, payload: { code: '1' } }, 'number'],
    ['with an empty type', { to: 'ada@example.com', type: '', payload: { code: '1' } }, 'an empty string'],
  ])('refuses data %s with a sentence naming data.type', async (_name, data, got) => {
    const failure = await failureOf(data);
    expect(failure).toEqual({
      code: ConnectorErrorCodes.General,
      errorDescription: expect.stringMatching(
        new RegExp(
          `^sendMessage needs the usage type of the email \\(data\\.type\\), one of SignIn, .*; it got ${got}\\.$`
        )
      ),
      issues: undefined,
    });
  });

  it('refuses a missing data object with a general error', async () => {
    const failure = await failureOf(undefined);
    expect(failure.code).toBe(ConnectorErrorCodes.General);
    expect(failure.errorDescription).toContain('data.type');
  });
});

describe('configs no guard expects', () => {
  it('answers invalid_config for a config with a cycle, without overflowing the stack', async () => {
    const templates: unknown[] = [...minimalConfig.templates];
    const config: Record<string, unknown> = { ...minimalConfig, templates };
    config.self = config;
    templates.push(templates);
    const failure = await failureOf(sendData(), config);
    expect(failure.code).toBe(ConnectorErrorCodes.InvalidConfig);
  });

  it('answers invalid_config for tags that contain themselves', async () => {
    const tags: Record<string, unknown> = { app: 'logto' };
    tags.self = tags;
    const failure = await failureOf(sendData(), { ...minimalConfig, tags });
    expect(failure.code).toBe(ConnectorErrorCodes.InvalidConfig);
  });

  it('answers invalid_config for tags nested 5,000 deep (10 KB of JSON)', async () => {
    let tags: unknown = 'x';
    for (let depth = 0; depth < 5000; depth += 1) {
      tags = { a: tags };
    }
    const failure = await failureOf(sendData(), { ...minimalConfig, tags });
    expect(failure.code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(failure.issues).toEqual([expect.objectContaining({ path: ['tags', 'a'] })]);
  });

  it('answers invalid_config for the same deep config given as JSON text parsed by the host', async () => {
    const text = `{"region":"us-east-1","emailAddress":"noreply@example.com","templates":[{"usageType":"Generic","subject":"s","content":"c"}],"tags":${'{"a":'.repeat(5000)}"x"${'}'.repeat(5000)}}`;
    expect(text.length).toBeLessThan(40_000);
    const failure = await failureOf(sendData(), JSON.parse(text) as unknown);
    expect(failure.code).toBe(ConnectorErrorCodes.InvalidConfig);
  });
});

describe('the time budget starts when sendMessage is entered', () => {
  it('ends a send whose getConfig never settles after the default 10000 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const connector = await createConnector({ getConfig: async () => new Promise(() => undefined) });
    let settled: unknown;
    const pending = connector.sendMessage(sendData()).then(
      () => 'sent',
      (error: unknown) => (settled = error)
    );
    await vi.advanceTimersByTimeAsync(9999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(settled).toBeInstanceOf(ConnectorError);
    expect(settled).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringMatching(
          /^Logto did not hand over this connector's saved configuration within 10000 ms, so no email was sent\./
        ),
      },
    });
  });

  it("ends a send whose template lookup never settles at the config's timeoutMs, counted from entry", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const config = { ...minimalConfig, timeoutMs: 3000 };
    const connector = await createConnector({
      // The config arrives after 1000 ms; the lookup then hangs.
      getConfig: async () =>
        new Promise((resolve) => {
          setTimeout(() => {
            resolve(config);
          }, 1000);
        }),
      getI18nEmailTemplate: async () => new Promise(() => undefined),
    });
    let settled: unknown;
    const pending = connector.sendMessage(sendData()).then(
      () => 'sent',
      (error: unknown) => (settled = error)
    );
    await vi.advanceTimersByTimeAsync(2999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(settled).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringMatching(
          /^Logto's email template lookup did not answer within 3000 ms/
        ),
      },
    });
  });

  it('runs out at once when the config arrives after its own timeoutMs has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const config = { ...minimalConfig, timeoutMs: 1000 };
    const connector = await createConnector({
      getConfig: async () =>
        new Promise((resolve) => {
          setTimeout(() => {
            resolve(config);
          }, 2000);
        }),
      getI18nEmailTemplate: async () => new Promise(() => undefined),
    });
    let settled: unknown;
    const pending = connector.sendMessage(sendData()).then(
      () => 'sent',
      (error: unknown) => (settled = error)
    );
    await vi.advanceTimersByTimeAsync(2000);
    // The config has arrived; the budget it sets is already used up.
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(settled).toMatchObject({
      data: { errorDescription: expect.stringContaining('did not answer within 1000 ms') },
    });
  });
});
