import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';

import {
  cachedConfigCount,
  maxCachedConfigLength,
  parseConfigCached,
  parsedConfigCacheSize,
} from '../src/config-cache.js';
import { resetConnectorState } from '../src/caches.js';
import { parseConfig } from '../src/config.js';
import createConnector from '../src/index.js';
import {
  fullConfig,
  minimalConfig,
  rejectionOf,
  sendData,
  useMockedSes,
  withDefaultTemplates,
} from './fixtures.js';

/** A fresh deep copy, as a database read gives on every send. */
const fresh = <Value>(value: Value): Value => JSON.parse(JSON.stringify(value)) as Value;

/** Whatever `parse` returned or threw, comparable with `toEqual`. */
const outcomeOf = (parse: () => unknown): { value: unknown } | { error: unknown } => {
  try {
    return { value: parse() };
  } catch (error: unknown) {
    return {
      error:
        error instanceof ConnectorError
          ? { code: error.code, data: JSON.stringify(error.data) }
          : String(error),
    };
  }
};

beforeEach(() => {
  resetConnectorState();
});

describe('serving a config parsed before', () => {
  it('returns the same parse for a fresh copy of the same config, parsing it once', () => {
    const first = parseConfigCached(fresh(fullConfig));
    const second = parseConfigCached(fresh(fullConfig));
    expect(second).toBe(first);
    expect(second).toEqual(parseConfig(fresh(fullConfig)));
    expect(cachedConfigCount()).toBe(1);
  });

  it('accepts objects without a prototype, as some JSON parsers give', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, fresh(minimalConfig));
    const parsed = parseConfigCached(bare);
    expect(parsed).toEqual(parseConfig(fresh(minimalConfig)));
    expect(parseConfigCached(fresh(minimalConfig))).toBe(parsed);
  });

  it('hands out deeply frozen results, so no caller can change what a later send gets', () => {
    const parsed = parseConfigCached(fresh(fullConfig));
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.templates)).toBe(true);
    expect(Object.isFrozen(parsed.templates[0])).toBe(true);
    expect(Object.isFrozen(parsed.emailAddress)).toBe(true);
    expect(() => {
      (parsed as { region: string }).region = 'us-west-2';
    }).toThrow(TypeError);
    expect(parseConfigCached(fresh(fullConfig)).region).toBe('eu-west-1');
  });
});

describe('never serving a stale config', () => {
  const changes: Array<[string, (config: typeof fullConfig) => unknown]> = [
    ['the secret', (config) => ({ ...config, accessKeySecret: `${config.accessKeySecret}x` })],
    ['the access key ID', (config) => ({ ...config, accessKeyId: 'AKIAIOSFODNN7EXAMPLF' })],
    ['the region', (config) => ({ ...config, region: 'eu-west-2' })],
    ['the sender', (config) => ({ ...config, emailAddress: 'Acme <noreply@example.com>' })],
    [
      'one character of a template',
      (config) => ({
        ...config,
        templates: config.templates.map((template, index) =>
          index === 0 ? { ...template, content: template.content.replace('Hi', 'Ho') } : template
        ),
      }),
    ],
    ['the order of the tags', (config) => ({ ...config, tags: { env: 'test', app: 'logto' } })],
    [
      'a field removed',
      (config) => Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'replyTo')),
    ],
    ['the timeout, as a string', (config) => ({ ...config, timeoutMs: '5000' })],
  ];

  it.each(changes)('parses afresh when %s changes', (_change, change) => {
    const before = parseConfigCached(fresh(fullConfig));
    const changed = fresh(change(fresh(fullConfig)));
    const after = parseConfigCached(changed);
    expect(after).not.toBe(before);
    expect(after).toEqual(parseConfig(fresh(changed)));
  });

  it('sees a change made in place to the very object given before', () => {
    const config = fresh(fullConfig);
    expect(parseConfigCached(config).region).toBe('eu-west-1');
    config.region = 'us-east-2';
    expect(parseConfigCached(config).region).toBe('us-east-2');
    config.templates[0]!.subject = 'Changed';
    expect(parseConfigCached(config).templates[0]!.subject).toBe('Changed');
  });

  it('matches parseConfig for any config after any other, property-based', () => {
    const text = fc.string({ maxLength: 12 });
    const arbitraryConfig = fc.record(
      {
        accessKeyId: fc.constantFrom('AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLF', '', 'bad'),
        accessKeySecret: fc.constantFrom('secret-one', 'secret-two', ''),
        region: fc.constantFrom('us-east-1', 'eu-west-1', 'US-EAST-1', 'nowhere'),
        emailAddress: fc.constantFrom('noreply@example.com', 'Logto <noreply@example.com>', 'not an address'),
        templates: fc.array(
          fc.record({
            usageType: fc.constantFrom('Generic', 'SignIn', 'Register'),
            subject: text,
            content: text,
          }),
          { maxLength: 3 }
        ),
        timeoutMs: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.constant('5000')),
        tags: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y', 'bad value')),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['region', 'templates'] }
    );
    fc.assert(
      fc.property(fc.array(arbitraryConfig, { minLength: 1, maxLength: 6 }), (configs) => {
        for (const config of configs) {
          expect(outcomeOf(() => parseConfigCached(fresh(config)))).toEqual(
            outcomeOf(() => parseConfig(fresh(config)))
          );
        }
      }),
      { numRuns: 150 }
    );
  });
});

describe('what is not cached', () => {
  it('keeps no invalid config, and throws the same InvalidConfig error on every call', () => {
    const invalid = { ...fresh(minimalConfig), region: 'US East' };
    for (let call = 0; call < 2; call += 1) {
      const error = outcomeOf(() => parseConfigCached(fresh(invalid)));
      expect(error).toEqual(outcomeOf(() => parseConfig(fresh(invalid))));
      expect(error).toMatchObject({ error: { code: ConnectorErrorCodes.InvalidConfig } });
    }
    expect(cachedConfigCount()).toBe(0);
  });

  class StoredConfig {
    constructor(readonly region: string) {}
  }

  const notPlainJson: Array<[string, () => unknown]> = [
    ['a key holding undefined', () => ({ ...fresh(minimalConfig), replyTo: undefined })],
    ['NaN', () => ({ ...fresh(minimalConfig), timeoutMs: Number.NaN })],
    ['Infinity', () => ({ ...fresh(minimalConfig), timeoutMs: Number.POSITIVE_INFINITY })],
    ['-0', () => ({ ...fresh(minimalConfig), timeoutMs: -0 })],
    ['a Date', () => ({ ...fresh(minimalConfig), emailAddress: new Date(0) })],
    ['a class instance', () => new StoredConfig('us-east-1')],
    ['a function', () => ({ ...fresh(minimalConfig), tags: () => ({}) })],
    ['a bigint', () => ({ ...fresh(minimalConfig), timeoutMs: 5000n })],
    [
      'an array with a hole',
      () => {
        const holed: string[] = [];
        holed[1] = 'b@example.com';
        return { ...fresh(minimalConfig), replyTo: holed };
      },
    ],
    ['a string instead of an object', () => 'region=us-east-1'],
    ['undefined', () => undefined],
  ];

  it.each(notPlainJson)(
    'parses a config holding %s as given, like parseConfig, and keeps nothing',
    (_name, make) => {
      expect(outcomeOf(() => parseConfigCached(make()))).toEqual(outcomeOf(() => parseConfig(make())));
      expect(cachedConfigCount()).toBe(0);
    }
  );

  it('tells apart shapes that only look alike once a config is kept', () => {
    parseConfigCached({ ...fresh(minimalConfig), tags: { a: 'x' }, replyTo: ['a@example.com'] });
    const lookalikes: unknown[] = [
      'us-east-1',
      null,
      [],
      { ...fresh(minimalConfig), tags: null, replyTo: ['a@example.com'] },
      { ...fresh(minimalConfig), tags: ['x'], replyTo: ['a@example.com'] },
      { ...fresh(minimalConfig), tags: { a: 'x' }, replyTo: { 0: 'a@example.com' } },
      { ...fresh(minimalConfig), tags: { a: 'x' }, replyTo: ['a@example.com', 'b@example.com'] },
      { ...fresh(minimalConfig), tags: { a: 'x', b: 'y' }, replyTo: ['a@example.com'] },
      { ...fresh(minimalConfig), tags: { b: 'x' }, replyTo: ['a@example.com'] },
      { ...fresh(minimalConfig), tags: new Map([['a', 'x']]), replyTo: ['a@example.com'] },
    ];
    for (const config of lookalikes) {
      expect(outcomeOf(() => parseConfigCached(config))).toEqual(outcomeOf(() => parseConfig(config)));
    }
  });

  it('never matches a cached config with a value JSON cannot hold', () => {
    parseConfigCached(fresh(minimalConfig));
    const withNaN = { ...fresh(minimalConfig), timeoutMs: Number.NaN };
    expect(outcomeOf(() => parseConfigCached(withNaN))).toEqual(outcomeOf(() => parseConfig(withNaN)));
    const withUndefined = { ...fresh(minimalConfig), replyTo: undefined };
    expect(outcomeOf(() => parseConfigCached(withUndefined))).toEqual(
      outcomeOf(() => parseConfig(withUndefined))
    );
  });

  it(`keeps no config longer than ${maxCachedConfigLength} characters as JSON`, () => {
    const huge = withDefaultTemplates({
      templates: [{ usageType: 'Generic', subject: 'Code', content: 'x'.repeat(maxCachedConfigLength) }],
    });
    expect(parseConfigCached(fresh(huge))).toEqual(parseConfig(fresh(huge)));
    expect(cachedConfigCount()).toBe(0);
  });
});

describe('the bound', () => {
  const configNumber = (index: number) => ({ ...fresh(minimalConfig), timeoutMs: 1000 + index });

  it(`keeps at most ${parsedConfigCacheSize} configs, dropping the least recently used`, () => {
    const first = parseConfigCached(configNumber(0));
    const second = parseConfigCached(configNumber(1));
    for (let index = 2; index < parsedConfigCacheSize; index += 1) {
      parseConfigCached(configNumber(index));
    }
    // Use the first again, so the second is now the least recently used.
    expect(parseConfigCached(configNumber(0))).toBe(first);
    parseConfigCached(configNumber(parsedConfigCacheSize));
    expect(cachedConfigCount()).toBe(parsedConfigCacheSize);
    expect(parseConfigCached(configNumber(0))).toBe(first);
    const secondAgain = parseConfigCached(configNumber(1));
    expect(secondAgain).not.toBe(second);
    expect(secondAgain).toEqual(second);
  });
});

describe('through the connector, as Logto calls it', () => {
  const ses = useMockedSes();

  it('sends with the config as saved now, after every change between sends', async () => {
    let stored: unknown = fresh(minimalConfig);
    const getConfig = async () => Promise.resolve(fresh(stored));
    const send = async () => (await createConnector({ getConfig })).sendMessage(sendData());
    const sent = () => ses.commandCalls(SendEmailCommand).at(-1)!.args[0].input;

    await send();
    expect(sent().FromEmailAddress).toBe('noreply@example.com');

    stored = { ...fresh(minimalConfig), emailAddress: 'Acme <acme@example.com>' };
    await send();
    expect(sent().FromEmailAddress).toBe('"Acme" <acme@example.com>');

    stored = {
      ...fresh(minimalConfig),
      templates: [{ usageType: 'Generic', subject: 'New {{code}}', content: '<p>{{code}}</p>' }],
    };
    await send();
    expect(sent().Content?.Simple?.Subject?.Data).toBe('New 123456');

    stored = { ...fresh(minimalConfig), region: 'nowhere' };
    const error = await rejectionOf(send());
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe(ConnectorErrorCodes.InvalidConfig);
  });
});
