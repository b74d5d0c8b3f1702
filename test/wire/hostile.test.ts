/**
 * Hostile input, property-based (fast-check) and over real HTTP to the fake SES: arbitrary
 * configs, arbitrary payload strings, every failure path with a recognisable secret, and
 * oversized input.
 */
import { inspect } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import {
  ConnectorError,
  ConnectorErrorCodes,
  type EmailTemplateDetails,
  type GetI18nEmailTemplate,
  TemplateType,
} from '@logto/connector-kit';
import fc from 'fast-check';
import { type DefaultTreeAdapterTypes, parse } from 'parse5';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';

import { type AwsSesConfig, resetConnectorState, defaultTemplates, parseConfig } from '../../src/index.js';
import { type FakeSes, respond, startFakeSes } from '../support/fake-ses.js';
import {
  accessKeyId,
  allTemplateTypes,
  configAt,
  connectorWith,
  fullConfig,
  rejectionOf,
  secret,
} from '../fixtures.js';

import { type DnsGuard, allowOnlyLoopbackDns } from '../support/loopback-only.js';

let fake: FakeSes;
let dnsGuard: DnsGuard;

beforeAll(async () => {
  dnsGuard = allowOnlyLoopbackDns();
  fake = await startFakeSes();
});

beforeEach(() => {
  fake.setDefault(respond.succeed());
  fake.reset();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

afterAll(async () => {
  resetConnectorState();
  await fake.close();
  dnsGuard.restore();
});

const configFor = (overrides: Partial<AwsSesConfig> = {}): AwsSesConfig =>
  configAt(fake.endpoint, { templates: defaultTemplates, ...overrides });

const connectorFor = connectorWith;

describe('arbitrary JSON as config', () => {
  const configKeys = [...Object.keys(fullConfig), 'secretAccessKey', 'Region', ''];

  const optionalKeys = Object.keys(fullConfig).filter((key) => key !== 'region' && key !== 'templates');

  /**
   * Anything JSON; objects with the config's keys; a valid config with fields replaced; a valid
   * config with optional fields emptied or dropped (mostly valid, so both outcomes are exercised).
   */
  const arbitraryConfig = fc.oneof(
    fc
      .record({
        dropped: fc.subarray(optionalKeys),
        emptied: fc.subarray(optionalKeys),
        empty: fc.constantFrom('', null, ' '),
      })
      .map(({ dropped, emptied, empty }) => {
        const config: Record<string, unknown> = { ...fullConfig };
        for (const key of emptied) {
          config[key] = empty;
        }
        for (const key of dropped) {
          Reflect.deleteProperty(config, key);
        }
        return config;
      }),
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom(...configKeys), fc.jsonValue(), { maxKeys: 8 }),
    fc
      .record({
        replaced: fc.dictionary(
          fc.constantFrom(...configKeys),
          // Empty and null mean absent, so some replacements keep the config valid.
          fc.oneof(fc.constantFrom('', null, '  '), fc.jsonValue({ maxDepth: 3 })),
          {
            minKeys: 1,
            maxKeys: 3,
          }
        ),
        templateItems: fc.option(
          fc.array(
            fc.oneof(
              fc.jsonValue({ maxDepth: 2 }),
              fc.record(
                {
                  usageType: fc.oneof(fc.constantFrom(...allTemplateTypes), fc.string()),
                  subject: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
                  content: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
                  contentType: fc.oneof(fc.constantFrom('text/html', 'text/plain', ''), fc.string()),
                },
                { requiredKeys: [] }
              )
            ),
            { maxLength: 4 }
          ),
          { nil: undefined }
        ),
      })
      .map(({ replaced, templateItems }) => ({
        ...fullConfig,
        ...replaced,
        ...(templateItems && { templates: templateItems }),
      }))
  );

  it(
    'either parses or throws ConnectorError(InvalidConfig) carrying a ZodError, nothing else',
    { timeout: 60_000 },
    () => {
      const outcomes = { parsed: 0, invalid: 0 };
      fc.assert(
        fc.property(arbitraryConfig, (config) => {
          let thrown: unknown;
          try {
            parseConfig(config);
            outcomes.parsed += 1;
            return;
          } catch (error: unknown) {
            thrown = error;
          }
          outcomes.invalid += 1;
          expect(thrown).toBeInstanceOf(ConnectorError);
          const error = thrown as ConnectorError;
          expect(error.code).toBe(ConnectorErrorCodes.InvalidConfig);
          expect(error.data).toBeInstanceOf(ZodError);
          const { issues } = error.data as ZodError;
          expect(issues.length).toBeGreaterThan(0);
          // Logto replaces the message of invalid_type issues with its own; every other code shows ours.
          for (const issue of issues) {
            expect(issue.code).not.toBe('invalid_type');
            expect(issue.message).not.toMatch(/^(Required|Expected .*, received .*|Invalid input)$/);
          }
        }),
        { numRuns: 1500 }
      );
      // The generator reached both outcomes, so the property said something about each.
      expect(outcomes.parsed).toBeGreaterThan(75);
      expect(outcomes.invalid).toBeGreaterThan(75);
    }
  );

  it(
    'reaches sendMessage the same way: an invalid config is ConnectorError(InvalidConfig), never a send',
    { timeout: 60_000 },
    async () => {
      const connector = await connectorFor(undefined);
      await fc.assert(
        fc.asyncProperty(arbitraryConfig, async (config) => {
          let parsed = true;
          try {
            parseConfig(config);
          } catch {
            parsed = false;
          }
          fc.pre(!parsed);
          const error = await rejectionOf(
            connector.sendMessage(
              { to: 'a@example.com', type: TemplateType.Generic, payload: { code: '1' } },
              config
            )
          );
          expect(error).toBeInstanceOf(ConnectorError);
          expect((error as ConnectorError).code).toBe(ConnectorErrorCodes.InvalidConfig);
        }),
        { numRuns: 300 }
      );
      expect(fake.count).toBe(0);
    }
  );
});

type HtmlEvent =
  | { open: string; attributes: Array<[string, string]> }
  | { close: string }
  | { text: string }
  | { comment: string };

/**
 * The structure a mail client reads (parse5, the WHATWG parser, scripting off): elements with
 * their attributes, decoded text, comments, in document order.
 */
const htmlStructure = (html: string): HtmlEvent[] => {
  const events: HtmlEvent[] = [];
  const visit = (node: DefaultTreeAdapterTypes.ParentNode) => {
    for (const child of node.childNodes) {
      if ('tagName' in child) {
        events.push({
          open: child.tagName,
          attributes: child.attrs.map(({ name, value, prefix }) => [
            prefix ? `${prefix}:${name}` : name,
            value,
          ]),
        });
        visit('content' in child ? child.content : child);
        events.push({ close: child.tagName });
      } else if (child.nodeName === '#text') {
        const { value } = child;
        const last = events.at(-1);
        if (last && 'text' in last) {
          last.text += value;
        } else {
          events.push({ text: value });
        }
      } else if (child.nodeName === '#comment') {
        events.push({ comment: child.data });
      }
    }
  };
  visit(parse(html, { scriptingEnabled: false }));
  return events;
};

describe('arbitrary payload strings', () => {
  /** Strings a hostile user or organization name might hold. */
  const fragments = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '</p><p>',
    '<!--',
    '-->',
    '<![CDATA[',
    ']]>',
    '&amp;',
    '&lt;b&gt;',
    '&#x3C;',
    '{{code}}',
    '{{ user.name }}',
    '\r\nBcc: victim@example.com',
    '\n',
    '\r',
    '\u0000',
    '\u2028',
    '\u0085',
    'javascript:',
    '<?php ?>',
    '<a href="x">',
    '=?UTF-8?B?PHNjcmlwdD4=?=',
    '李雷 🦄 مرحبا',
  ];
  const hostileString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(...fragments),
    fc
      .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: 'binary', maxLength: 4 })), {
        maxLength: 6,
      })
      .map((parts) => parts.join(''))
  );

  /** A template with placeholders in text, in double- and single-quoted attributes, in a table and a link. */
  const richTemplate =
    '<h1 title="{{application.name}}">{{application.name}}</h1>' +
    '<p class="greeting">Hello {{user.name}}, {{inviter.name}} invites you to {{organization.name}}.</p>' +
    '<table><tr><td>Code</td><td><b>{{code}}</b></td></tr></table>' +
    '<p><a href="{{link}}" title=\'{{organization.name}}\'>{{link}}</a></p>' +
    '<!-- sent by Logto -->';

  const logtoTemplate = (type: TemplateType): EmailTemplateDetails => ({
    subject: `{{application.name}}: {{user.name}} ({{code}}) ${type}`,
    content: richTemplate,
    contentType: 'text/html',
    sendFrom: '{{application.name}} via {{organization.name}}',
    replyTo: '{{inviter.name}} <reply@example.com>',
  });

  const arbitrarySend = fc.record({
    type: fc.constantFrom(...allTemplateTypes),
    logto: fc.boolean(),
    values: fc.record({
      code: hostileString,
      link: hostileString,
      userName: hostileString,
      organizationName: hostileString,
      applicationName: hostileString,
      inviterName: hostileString,
    }),
  });

  type PayloadValues = Record<
    'code' | 'link' | 'userName' | 'organizationName' | 'applicationName' | 'inviterName',
    string
  >;

  const payloadOf = (values: PayloadValues) => ({
    code: values.code,
    link: values.link,
    user: { id: 'u1', name: values.userName },
    organization: { id: 'o1', name: values.organizationName, branding: {} },
    application: { id: 'a1', name: values.applicationName },
    inviter: { id: 'u2', name: values.inviterName },
  });

  /** Fills the placeholders in one pass: a value that looks like a placeholder stays as it is. */
  const fillPlaceholders = (
    text: string,
    values: PayloadValues,
    asRead: (value: string) => string = (value) => value
  ) => {
    const byPath: Record<string, string | undefined> = {
      code: values.code,
      link: values.link,
      'user.name': values.userName,
      'organization.name': values.organizationName,
      'application.name': values.applicationName,
      'inviter.name': values.inviterName,
    };
    return text.replaceAll(/{{\s*([\w.]+)\s*}}/g, (written, path: string) => {
      const value = byPath[path];
      return value === undefined ? written : asRead(value);
    });
  };

  /**
   * A value as a reader's input stream reads it (WHATWG HTML "preprocessing the input stream"):
   * CR LF and CR as LF; U+0000 dropped from text, U+FFFD in an attribute value.
   */
  const readInText = (value: string) => value.replaceAll(/\r\n?/g, '\n').replaceAll('\0', '');
  const readInAttribute = (value: string) => value.replaceAll(/\r\n?/g, '\n').replaceAll('\0', '\uFFFD');

  /** The template's own structure, with each placeholder replaced by its raw value. */
  const expectedStructure = (template: string, values: PayloadValues): HtmlEvent[] => {
    const filled = htmlStructure(template).map((event): HtmlEvent => {
      if ('text' in event) {
        return { text: fillPlaceholders(event.text, values, readInText) };
      }
      if ('open' in event) {
        return {
          open: event.open,
          attributes: event.attributes.map(([name, value]) => [
            name,
            fillPlaceholders(value, values, readInAttribute),
          ]),
        };
      }
      return event;
    });
    // A placeholder filled with '' leaves no text node; adjacent text nodes are one.
    return filled
      .filter((event) => !('text' in event) || event.text !== '')
      .reduce<HtmlEvent[]>((merged, event) => {
        const last = merged.at(-1);
        if (last && 'text' in last && 'text' in event) {
          last.text += event.text;
        } else {
          merged.push({ ...event });
        }
        return merged;
      }, []);
  };

  const headerLike = /[\u0000-\u001F\u007F]/;
  /** Private-use markers: a value never holds one (filtered), the text part never makes one. */
  const marker = (index: number) => `\uE000${index}\uE001`;

  it(
    'never adds a tag, attribute or comment to the HTML, keeps values intact, keeps headers on one line',
    { timeout: 60_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(arbitrarySend, async ({ type, logto, values }) => {
          fc.pre(!Object.values(values).some((value) => /[\uE000\uE001]/.test(value)));
          const lookup: GetI18nEmailTemplate = async (requested) => Promise.resolve(logtoTemplate(requested));
          const config = configFor();
          const connector = await connectorFor(config, logto ? lookup : undefined);
          const markerValues = Object.fromEntries(
            Object.keys(values).map((key, index) => [key, marker(index)])
          ) as PayloadValues;

          fake.reset();
          const [outcome] = await Promise.allSettled([
            connector.sendMessage({ to: 'a@example.com', type, payload: payloadOf(values) }),
          ]);
          // A value may make the template's sender unusable (a clear ConnectorError); nothing else may fail.
          if (outcome.status === 'rejected') {
            const error: unknown = outcome.reason;
            expect(error).toBeInstanceOf(ConnectorError);
            expect(fake.count).toBe(0);
            return;
          }
          await connector.sendMessage({ to: 'a@example.com', type, payload: payloadOf(markerValues) });
          const [sent, neutral] = fake.requests.map((request) => request.body);
          const simple = sent?.Content?.Simple;
          const template = logto
            ? richTemplate
            : defaultTemplates.find(({ usageType }) => usageType === type)!.content;

          // HTML: exactly the template's tags, attributes and comments; values as text, decoded intact.
          expect(htmlStructure(simple?.Body?.Html?.Data ?? '')).toEqual(expectedStructure(template, values));

          // Subject and addresses: one line, no control characters.
          for (const header of [
            simple?.Subject?.Data,
            sent?.FromEmailAddress,
            ...(sent?.ReplyToAddresses ?? []),
            ...(sent?.Destination?.ToAddresses ?? []),
          ]) {
            expect(header).toBeTypeOf('string');
            expect(header).not.toMatch(headerLike);
          }
          // No value adds a header: the only one is the connector's own X-Entity-Ref-ID.
          expect((simple?.Headers ?? []).map(({ Name }) => Name)).toEqual(['X-Entity-Ref-ID']);
          expect(simple?.Headers?.[0]?.Value).not.toMatch(headerLike);

          // Text part: the template's text with the values inserted verbatim; no template markup.
          const neutralText = neutral?.Content?.Simple?.Body?.Text?.Data ?? '';
          expect(neutralText).not.toMatch(/[<>]/);
          const expectedText = Object.keys(values).reduce(
            (text, key, index) => text.replaceAll(marker(index), () => values[key as keyof typeof values]),
            neutralText
          );
          expect(simple?.Body?.Text?.Data).toBe(expectedText);
        }),
        { numRuns: 150 }
      );
    }
  );

  /** Markup where a context tracker can go wrong: each shape once, with a placeholder after it. */
  const trickyTemplate =
    '<!--><td width={{code}} class=x>A</td>' +
    "<img alt=it's src={{link}}>" +
    '<a href="{{link}}">go</a>' +
    '<!--[if mso]><table width={{user.name}}><tr><td>o</td></tr></table><![endif]-->' +
    '<style>p { color: {{organization.name}} }</style>' +
    '<p style="color: {{application.name}}">x</p>';

  const linkLike = fc.oneof(
    hostileString,
    fc.constantFrom('javascript:alert(1)', ' JaVa\tScript:alert(1)', 'data:text/html,x', 'vbscript:x'),
    fc.constantFrom('https://x.test/a?b=1&c=2', 'mailto:a@example.com', '/relative', '#top', 'HTTP://X.TEST')
  );

  /** The tags and attribute names a parser sees, values left out. */
  const tagsOf = (html: string) =>
    htmlStructure(html)
      .filter((event) => 'open' in event || 'close' in event)
      .map((event) =>
        'open' in event
          ? `<${event.open} ${event.attributes.map(([name]) => name).join(' ')}>`
          : `</${event.close}>`
      );

  const outlookView = (html: string) => /<!--\[if mso\]>([\s\S]*?)<!\[endif\]-->/.exec(html)?.[1] ?? '';

  /** The protocol a reader (the WHATWG URL parser) gives a link, or undefined when it cannot parse it. */
  const protocolOf = (url: string): string | undefined => {
    try {
      return new URL(url, 'https://base.invalid/').protocol;
    } catch {
      return undefined;
    }
  };

  it(
    'keeps the structure of tricky markup (empty comments, apostrophes, Outlook comments, CSS) and refuses only unsafe links',
    { timeout: 60_000 },
    async () => {
      const outcomes = { sent: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            code: hostileString,
            link: linkLike,
            userName: hostileString,
            organizationName: hostileString,
            applicationName: hostileString,
          }),
          async (values) => {
            const lookup: GetI18nEmailTemplate = async () =>
              Promise.resolve({ subject: 's', content: trickyTemplate, contentType: 'text/html' });
            const connector = await connectorFor(configFor(), lookup);
            fake.reset();
            const [outcome] = await Promise.allSettled([
              connector.sendMessage({
                to: 'a@example.com',
                type: TemplateType.Generic,
                payload: payloadOf({ ...values, inviterName: '' }),
              }),
            ]);
            const unsafeLink = !['http:', 'https:', 'mailto:', undefined].includes(protocolOf(values.link));
            if (outcome.status === 'rejected') {
              outcomes.refused += 1;
              expect(outcome.reason).toBeInstanceOf(ConnectorError);
              expect(
                ((outcome.reason as ConnectorError).data as { errorDescription: string }).errorDescription
              ).toMatch(/^The value for {{link}} makes the (src|href) attribute a /);
              expect(unsafeLink).toBe(true);
              expect(fake.count).toBe(0);
              return;
            }
            outcomes.sent += 1;
            expect(unsafeLink).toBe(false);
            const html = fake.requests[0]?.body?.Content?.Simple?.Body?.Html?.Data ?? '';
            // The same tags and attributes as the template, for browsers and for Outlook.
            expect(tagsOf(html)).toEqual(tagsOf(trickyTemplate));
            expect(tagsOf(outlookView(html))).toEqual(tagsOf(outlookView(trickyTemplate)));
            // CSS: the value stays inside its declaration.
            const style = /<style>p \{ color: ([\s\S]*) \}<\/style>/.exec(html)?.[1];
            expect(style).toBeDefined();
            expect(style).not.toMatch(/[{};:<>"'()/]/);
            const inline = /<p style="color: ([^"]*)">/.exec(html)?.[1];
            expect(inline).toBeDefined();
            expect(inline).not.toMatch(/[{};:<>"'()/]/);
          }
        ),
        { numRuns: 200 }
      );
      expect(outcomes.sent).toBeGreaterThan(20);
      expect(outcomes.refused).toBeGreaterThan(5);
    }
  );

  it(
    'sends to a recipient it can normalise, refuses the rest with a ConnectorError',
    { timeout: 60_000 },
    async () => {
      const connector = await connectorFor(configFor());
      const recipient = fc.oneof(
        hostileString,
        fc.emailAddress(),
        fc.tuple(fc.emailAddress(), hostileString).map(([address, suffix]) => `${address}${suffix}`),
        fc.tuple(hostileString, fc.emailAddress()).map(([name, address]) => `${name} <${address}>`)
      );
      await fc.assert(
        fc.asyncProperty(recipient, async (to) => {
          fake.reset();
          const [outcome] = await Promise.allSettled([
            connector.sendMessage({ to, type: TemplateType.Generic, payload: { code: '1' } }),
          ]);
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(ConnectorError);
            expect(fake.count).toBe(0);
            return;
          }
          const sent = fake.requests[0]?.body?.Destination?.ToAddresses;
          expect(sent).toHaveLength(1);
          // One bare ASCII address: no name, no list, no header injection.
          expect(sent?.[0]).toMatch(/^[\u0021-\u007E]+@[a-z\d.-]+$/);
          expect(sent?.[0]).not.toMatch(/[<>,;"\s]/);
        }),
        { numRuns: 300 }
      );
    }
  );
});

describe('secrets never leak', () => {
  const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQDsecrettoken';
  const environmentSecret = 'envSECRETwJalrXUtnFEMI/K7MDENG/bPxRfiCY';
  const secrets = [secret, sessionToken, environmentSecret];

  /** Everything written to the console or the process streams while `run` runs. */
  const captureOutput = async <Result>(run: () => Promise<Result>) => {
    const written: string[] = [];
    const record = (...parts: unknown[]) => {
      written.push(
        parts.map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 8 }))).join(' ')
      );
    };
    const streamSpy = (stream: NodeJS.WriteStream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        record(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk);
        return true;
      });
    const spies = [
      streamSpy(process.stdout),
      streamSpy(process.stderr),
      ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
        vi.spyOn(console, method).mockImplementation(record)
      ),
      vi.spyOn(process, 'emitWarning').mockImplementation(record),
    ];
    try {
      return { result: await run(), written };
    } finally {
      for (const spy of spies) {
        spy.mockRestore();
      }
    }
  };

  /** Every text a host or an operator could see of an error. */
  const visibleTexts = (error: unknown): string[] => {
    const texts: string[] = [inspect(error, { depth: 10 })];
    if (error instanceof ConnectorError) {
      texts.push(JSON.stringify(error), JSON.stringify(error.data ?? null));
    }
    const seen = new Set<unknown>();
    let current: unknown = error;
    while (current instanceof Error && !seen.has(current)) {
      seen.add(current);
      texts.push(current.message, current.stack ?? '', String(current));
      current = current.cause;
    }
    return texts;
  };

  const expectNoSecret = (texts: string[]) => {
    for (const text of texts) {
      for (const value of secrets) {
        expect(text).not.toContain(value);
      }
    }
  };

  type FailurePath = {
    label: string;
    config?: Partial<AwsSesConfig> & Record<string, unknown>;
    setup?: () => void;
    lookup?: GetI18nEmailTemplate;
    /** SES quoted the secret: the description must show it scrubbed, not dropped. */
    quotesSecret?: boolean;
  };

  const sesErrorPaths: FailurePath[] = [
    ['MessageRejected', 400],
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 400],
    ['AccessDeniedException', 403],
    ['UnrecognizedClientException', 403],
    ['InvalidSignatureException', 403],
    ['SignatureDoesNotMatch', 403],
    ['ExpiredTokenException', 403],
    ['NotFoundException', 404],
    ['InternalFailure', 500],
  ].map(([name, status]) => ({
    label: `SES answers ${String(name)} quoting the secret`,
    quotesSecret: true,
    setup: () => {
      fake.setDefault(
        respond.sesError(
          String(name),
          Number(status),
          `Something about the key ${secret}; Authorization: AWS4-HMAC-SHA256 Credential=${accessKeyId}/x`
        )
      );
    },
  }));

  const failurePaths: FailurePath[] = [
    { label: 'an invalid region', config: { region: 'US East (N. Virginia)' } },
    {
      label: 'an invalid access key ID for AWS',
      config: { accessKeyId: 'not-a-key', endpoint: 'https://email.eu-west-1.amazonaws.com' },
    },
    { label: 'the secret without an access key ID', config: { accessKeyId: '' } },
    { label: 'the secret also under an unknown key', config: { secretAccessKey: secret } },
    { label: 'an invalid endpoint', config: { endpoint: 'ftp://example.com' } },
    { label: 'no templates', config: { templates: [] } },
    ...sesErrorPaths,
    {
      label: 'a bare 503 on every attempt',
      setup: () => {
        fake.setDefault(respond.serverError(503));
      },
    },
    {
      label: 'a reset connection',
      setup: () => {
        fake.setDefault(respond.reset());
      },
    },
    { label: 'a refused connection', config: { endpoint: 'http://127.0.0.1:9' } },
    { label: 'an unresolvable host', config: { endpoint: 'http://ses.invalid' } },
    {
      label: 'a timeout',
      config: { timeoutMs: 500 },
      setup: () => {
        fake.setDefault(respond.hang());
      },
    },
    {
      label: 'a sender that Logto’s template makes unusable',
      lookup: async () => Promise.resolve({ subject: 's', content: 'c', sendFrom: 'Name <{{user.name}}>' }),
    },
  ];

  it.each(failurePaths)(
    '$label: not in the error, its data, its causes, or any output',
    async ({ config, setup, lookup, quotesSecret }) => {
      setup?.();
      const connector = await connectorFor(configFor(config), lookup);
      const { result: error, written } = await captureOutput(async () =>
        rejectionOf(
          connector.sendMessage({
            to: 'a@example.com',
            type: TemplateType.SignIn,
            payload: { code: '1', user: { name: 'not an address' } },
          })
        )
      );
      expect(error).toBeInstanceOf(ConnectorError);
      expectNoSecret([...visibleTexts(error), ...written]);
      if (quotesSecret) {
        const { errorDescription } = (error as ConnectorError).data as { errorDescription: string };
        expect(errorDescription).toContain('Something about the key [redacted]');
        expect(errorDescription).toContain('Authorization: [redacted]');
      }
    }
  );

  it('keeps a session token from the environment out of a SignatureDoesNotMatch quoting the canonical request', async () => {
    resetConnectorState();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', environmentSecret);
    vi.stubEnv('AWS_SESSION_TOKEN', sessionToken);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const canonicalRequest = [
      'POST',
      '/v2/email/outbound-emails',
      '',
      'content-type:application/json',
      `host:127.0.0.1:${fake.port}`,
      'x-amz-date:20250101T000000Z',
      `x-amz-security-token:${sessionToken}`,
      '',
      'content-type;host;x-amz-date;x-amz-security-token',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n');
    fake.setDefault(
      respond.sesError(
        'SignatureDoesNotMatch',
        403,
        `The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been\n'${canonicalRequest}'\n`
      )
    );
    const config = configFor();
    delete config.accessKeyId;
    delete config.accessKeySecret;
    const connector = await connectorFor(config);

    const { result: error, written } = await captureOutput(async () =>
      rejectionOf(
        connector.sendMessage({ to: 'a@example.com', type: TemplateType.Generic, payload: { code: '1' } })
      )
    );

    // The default chain really used the session token, and the fake kept no trace of it.
    expect(fake.requests[0]?.hasSecurityToken).toBe(true);
    expect(fake.requests[0]?.credentialScope).toMatch(/^ASIAIOSFODNN7EXAMPLE\//);
    expect(JSON.stringify(fake.requests)).not.toContain(sessionToken);
    expect(error).toBeInstanceOf(ConnectorError);
    const data = (error as ConnectorError).data as { errorDescription: string; sesErrorName: string };
    expect(data.sesErrorName).toBe('SignatureDoesNotMatch');
    expect(data.errorDescription).toContain('x-amz-security-token:[redacted]');
    expectNoSecret([...visibleTexts(error), ...written]);
    resetConnectorState();
  });
});

describe('oversized input', () => {
  // A GC on demand, to compare the heap before and after (not exposed in test workers by default).
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;
  const heapAfterGc = () => {
    collectGarbage();
    return process.memoryUsage().heapUsed;
  };
  const mb = 1024 * 1024;

  /** Runs `work`, sampling RSS every 5 ms; returns its outcome, the time and the RSS growth at peak. */
  const measure = async (work: () => Promise<unknown>) => {
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 5);
    const started = performance.now();
    const [outcome] = await Promise.allSettled([work()]);
    const elapsedMs = performance.now() - started;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { outcome: outcome, elapsedMs, peakGrowthMb: (peakRss - rssBefore) / mb };
  };

  it(
    'sends an invitation for a 1 MB organization name, in bounded time and memory',
    { timeout: 60_000 },
    async () => {
      const organizationName = '<b>Ünïcødé & Co</b> 🦄 '.repeat(Math.ceil(mb / 24)).slice(0, mb);
      const connector = await connectorFor(configFor());
      const heapBefore = heapAfterGc();

      const { outcome, elapsedMs, peakGrowthMb } = await measure(async () =>
        connector.sendMessage({
          to: 'a@example.com',
          type: TemplateType.OrganizationInvitation,
          payload: {
            code: '1',
            link: 'https://example.com/i',
            organization: { id: 'o', name: organizationName },
          },
        })
      );
      const retainedMb = (heapAfterGc() - heapBefore) / mb;

      expect(outcome.status).toBe('fulfilled');
      const simple = fake.requests[0]?.body?.Content?.Simple;
      // The whole name arrived, escaped in HTML, verbatim in the text part, on one line in the subject.
      expect(simple?.Subject?.Data).toBe(`You are invited to join ${organizationName.trim()}`);
      expect(simple?.Body?.Text?.Data).toContain(organizationName);
      expect(simple?.Body?.Html?.Data).not.toContain('<b>Ünïcødé');
      expect(elapsedMs).toBeLessThan(10_000);
      expect(peakGrowthMb).toBeLessThan(400);
      expect(retainedMb).toBeLessThan(32);
    }
  );

  it(
    'parses and sends with templates holding 10,000 recipients’ worth of rows, in bounded time and memory',
    { timeout: 60_000 },
    async () => {
      // Nine templates, each an HTML table of 10,000 rows (an address and a code each): ~6 MB in all.
      const rows = Array.from(
        { length: 10_000 },
        (_, index) => `<tr><td>user${index}@example.com</td><td>{{code}}</td></tr>`
      ).join('');
      const templates = allTemplateTypes.map((usageType) => ({
        usageType,
        subject: `${usageType} {{code}}`,
        content: `<p>${usageType}</p><table>${rows}</table>`,
      }));
      const replyTo = Array.from({ length: 10_000 }, (_, index) => `reply${index}@example.com`).join(', ');
      const config = configFor({ templates, replyTo });
      const connector = await connectorFor(config);
      const heapBefore = heapAfterGc();

      const { outcome, elapsedMs, peakGrowthMb } = await measure(async () =>
        connector.sendMessage({
          to: 'a@example.com',
          type: TemplateType.Register,
          payload: { code: '424242' },
        })
      );
      const retainedMb = (heapAfterGc() - heapBefore) / mb;

      // Either outcome is acceptable, as long as it is clear and bounded.
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(ConnectorError);
      } else {
        const sent = fake.requests[0]?.body;
        expect(sent?.ReplyToAddresses).toHaveLength(10_000);
        expect(sent?.Content?.Simple?.Body?.Html?.Data?.split('424242')).toHaveLength(10_001);
      }
      expect(elapsedMs).toBeLessThan(30_000);
      expect(peakGrowthMb).toBeLessThan(600);
      // The rendering caches may keep the compiled template; nothing like a copy per row.
      expect(retainedMb).toBeLessThan(64);
    }
  );
});
