import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';

import { configShape } from '../src/config.js';
import { configGuard, formItems, parseConfig } from '../src/index.js';
import { accessKeyId, fullConfig, minimalConfig, officialConfigs, rejectionOf, secret } from './fixtures.js';

/** The messages of every issue a config produces, or [] when it parses. */
const problemsOf = (config: unknown): string[] => {
  const result = configGuard.safeParse(config);
  return result.success
    ? []
    : result.error.issues.map(({ path, message }) => `${path.join('.')}: ${message}`);
};

const configKeysOf = (): string[] => Object.keys(configShape).sort();

describe('the config guard accepts what the official connector accepts', () => {
  it.each(Object.entries(officialConfigs))('parses %s unchanged', (_name, config) => {
    expect(problemsOf(config)).toEqual([]);
  });

  it('parses a full config with every addition', () => {
    expect(problemsOf(fullConfig)).toEqual([]);
  });
});

describe('the config guard normalises what it parses', () => {
  it('trims a usage type and keeps one Logto does not send', () => {
    const templates = [
      { usageType: ' SignIn ', subject: 's', content: 'c' },
      { usageType: 'Continue', subject: 's', content: 'c' },
      ...minimalConfig.templates,
    ];
    expect(parseConfig({ ...minimalConfig, templates }).templates.map(({ usageType }) => usageType)).toEqual([
      'SignIn',
      'Continue',
      'Generic',
    ]);
  });

  it('lower-cases and trims the region', () => {
    expect(parseConfig({ ...minimalConfig, region: ' EU-West-2 ' }).region).toBe('eu-west-2');
  });

  it.each([
    ['noreply@example.com', { address: 'noreply@example.com' }],
    ['Logto <noreply@example.com>', { name: 'Logto', address: 'noreply@example.com' }],
    ['Logto<noreply@example.com>', { name: 'Logto', address: 'noreply@example.com' }],
    ['<noreply@example.com>', { address: 'noreply@example.com' }],
    ['"Logto, Inc." <noreply@example.com>', { name: 'Logto, Inc.', address: 'noreply@example.com' }],
    ['Lögto <noreply@exämple.com>', { name: 'Lögto', address: 'noreply@xn--exmple-cua.com' }],
  ])('reads the sender %j', (emailAddress, mailbox) => {
    expect(parseConfig({ ...minimalConfig, emailAddress }).emailAddress).toEqual(mailbox);
  });

  it('treats empty strings and null as absent', () => {
    const parsed = parseConfig({
      ...minimalConfig,
      accessKeyId: '',
      accessKeySecret: '  ',
      configurationSetName: null,
      endpoint: '',
      replyTo: '',
      timeoutMs: '',
    });
    expect(parsed).toEqual({
      region: 'us-east-1',
      emailAddress: { address: 'noreply@example.com' },
      templates: [{ ...minimalConfig.templates[0], contentType: 'text/html' }],
      timeoutMs: 10_000,
    });
  });

  it('defaults timeoutMs to 10000 and each template to text/html', () => {
    const parsed = parseConfig(minimalConfig);
    expect(parsed.timeoutMs).toBe(10_000);
    expect(parsed.templates[0]?.contentType).toBe('text/html');
  });

  it('accepts timeoutMs as a numeric string', () => {
    expect(parseConfig({ ...minimalConfig, timeoutMs: '2500' }).timeoutMs).toBe(2500);
  });

  it('reads replyTo as a comma-separated list or an array', () => {
    const expected = [{ name: 'Support, EU', address: 'eu@example.com' }, { address: 'help@example.com' }];
    expect(
      parseConfig({ ...minimalConfig, replyTo: '"Support, EU" <eu@example.com>, help@example.com' }).replyTo
    ).toEqual(expected);
    expect(
      parseConfig({ ...minimalConfig, replyTo: ['"Support, EU" <eu@example.com>', 'help@example.com'] })
        .replyTo
    ).toEqual(expected);
  });

  it('reduces the feedback forwarding address to the bare address', () => {
    expect(
      parseConfig({ ...minimalConfig, feedbackForwardingEmailAddress: 'Bounces <b@example.com>' })
        .feedbackForwardingEmailAddress
    ).toBe('b@example.com');
  });

  it('drops a trailing slash from the endpoint', () => {
    expect(parseConfig({ ...minimalConfig, endpoint: 'http://127.0.0.1:8005/' }).endpoint).toBe(
      'http://127.0.0.1:8005'
    );
  });

  it('drops every trailing slash from the endpoint, and only those', () => {
    expect(
      parseConfig({ ...minimalConfig, endpoint: `http://127.0.0.1:8005/ses//v2${'/'.repeat(2000)}` }).endpoint
    ).toBe('http://127.0.0.1:8005/ses//v2');
  });
});

describe('the config guard caps the length of every text field', () => {
  const long = (length: number, unit = 'a') => unit.repeat(length);
  const template = (change: Record<string, string>) => [
    { usageType: 'Generic', subject: 's', content: 'c', ...change },
  ];

  it.each([
    ['accessKeyId', { accessKeyId: long(129, 'A'), accessKeySecret: secret }, 'accessKeyId', 128],
    ['accessKeySecret', { accessKeyId, accessKeySecret: long(1025) }, 'accessKeySecret', 1024],
    ['region', { region: long(65) }, 'region', 64],
    ['emailAddress', { emailAddress: `${long(510)}@x.co` }, 'emailAddress', 512],
    ['emailAddressIdentityArn', { emailAddressIdentityArn: long(2049) }, 'emailAddressIdentityArn', 2048],
    [
      'feedbackForwardingEmailAddress',
      { feedbackForwardingEmailAddress: long(513) },
      'feedbackForwardingEmailAddress',
      512,
    ],
    [
      'feedbackForwardingEmailAddressIdentityArn',
      { feedbackForwardingEmailAddressIdentityArn: long(2049) },
      'feedbackForwardingEmailAddressIdentityArn',
      2048,
    ],
    ['configurationSetName', { configurationSetName: long(65) }, 'configurationSetName', 64],
    ['endpoint', { endpoint: `http://a/${long(2048, '/')}` }, 'endpoint', 2048],
    ['replyTo', { replyTo: long(25_601) }, 'replyTo', 25_600],
    ['a template subject', { templates: template({ subject: long(2001) }) }, 'subject', 2000],
    ['a template content', { templates: template({ content: long(1_000_001) }) }, 'content', 1_000_000],
  ])('refuses an over-long %s, naming the limit', (_name, change, field, max) => {
    const problems = problemsOf({ ...minimalConfig, ...change });
    expect(problems).toEqual([expect.stringContaining(`${field} has `)]);
    expect(problems[0]).toContain(`; it may have at most ${max}.`);
  });

  it('accepts each field at its limit', () => {
    expect(
      problemsOf({
        ...minimalConfig,
        accessKeyId: long(128, 'A'),
        accessKeySecret: long(1024),
        configurationSetName: long(64),
        endpoint: `http://a/${long(2039)}`,
        templates: template({ subject: long(2000), content: long(1_000_000) }),
        tags: { [long(256)]: long(256) },
      })
    ).toEqual([]);
  });

  it('refuses a display name over 256 characters, in the sender and in replyTo', () => {
    expect(problemsOf({ ...minimalConfig, emailAddress: `${long(257)} <a@example.com>` })).toEqual([
      'emailAddress: emailAddress: the display name may have at most 256 characters.',
    ]);
    expect(problemsOf({ ...minimalConfig, replyTo: [`${long(257)} <a@example.com>`] })).toEqual([
      'replyTo: replyTo: a display name may have at most 256 characters.',
    ]);
  });

  it('refuses more than 50 Reply-To addresses, as a list or an array', () => {
    const addresses = Array.from({ length: 51 }, (_, index) => `r${index}@example.com`);
    for (const replyTo of [addresses, addresses.join(', ')]) {
      expect(problemsOf({ ...minimalConfig, replyTo })).toEqual([
        'replyTo: replyTo may hold at most 50 addresses.',
      ]);
    }
  });

  it('refuses more than 20 templates before reading them', () => {
    const templates = Array.from({ length: 100_000 }, () => ({ usageType: 'Generic' }));
    expect(problemsOf({ ...minimalConfig, templates })).toEqual([
      'templates: templates may hold at most 20 templates, one per usage type.',
    ]);
  });

  it('accepts 20 templates, Generic and 19 other usage types', () => {
    const templates = Array.from({ length: 20 }, (_, index) => ({
      usageType: index === 0 ? 'Generic' : `Type${index}`,
      subject: 's',
      content: 'c',
    }));
    expect(problemsOf({ ...minimalConfig, templates })).toEqual([]);
  });

  it('refuses a usage type over 64 characters, naming the limit', () => {
    expect(
      problemsOf({
        ...minimalConfig,
        templates: [...minimalConfig.templates, ...template({ usageType: long(65) })],
      })
    ).toEqual(['templates.1.usageType: usageType has 65 characters; it may have at most 64.']);
  });

  it('refuses a tag name or value over 256 characters, quoting only its start', () => {
    const [problem] = problemsOf({ ...minimalConfig, tags: { [long(257)]: 'v' } });
    expect(problem).toMatch(/^tags\.a+: Tag "a{100}…": SES tag names and values may use only/);
  });

  it('does not read a huge timeoutMs text as a number', () => {
    expect(problemsOf({ ...minimalConfig, timeoutMs: long(100_000, '9') })).toEqual([
      'timeoutMs: timeoutMs must be a number of milliseconds, such as 10000.',
    ]);
  });
});

describe('credentials', () => {
  it('accepts both keys (static credentials)', () => {
    const parsed = parseConfig({ ...minimalConfig, accessKeyId, accessKeySecret: secret });
    expect([parsed.accessKeyId, parsed.accessKeySecret]).toEqual([accessKeyId, secret]);
  });

  it('accepts neither key (the AWS default credential chain)', () => {
    const parsed = parseConfig(minimalConfig);
    expect([parsed.accessKeyId, parsed.accessKeySecret]).toEqual([undefined, undefined]);
  });

  it('names the missing secret when only the key ID is given', () => {
    expect(problemsOf({ ...minimalConfig, accessKeyId })).toEqual([
      expect.stringMatching(/^accessKeySecret: accessKeySecret is missing: give both/),
    ]);
  });

  it('names the missing key ID when only the secret is given', () => {
    expect(problemsOf({ ...minimalConfig, accessKeySecret: secret })).toEqual([
      expect.stringMatching(/^accessKeyId: accessKeyId is missing: give both/),
    ]);
  });

  it('rejects a secret pasted into the key ID field', () => {
    expect(problemsOf({ ...minimalConfig, accessKeyId: secret, accessKeySecret: secret })).toEqual([
      expect.stringMatching(/^accessKeyId: accessKeyId must be an AWS access key ID/),
    ]);
  });

  it.each([
    ['no endpoint (the regional SES endpoint)', undefined],
    ['a regional endpoint', 'https://email.eu-west-1.amazonaws.com'],
    ['a VPC endpoint', 'https://vpce-0123-abcd.email.us-east-1.vpce.amazonaws.com/'],
    ['a China endpoint', 'https://email.cn-north-1.amazonaws.com.cn'],
    ['a dual-stack endpoint', 'https://email.us-east-1.api.aws'],
    ['an upper-case AWS host', 'https://EMAIL.US-EAST-1.AMAZONAWS.COM'],
  ])('keeps the AWS key ID format for %s', (_name, endpoint) => {
    expect(
      problemsOf({
        ...minimalConfig,
        accessKeyId: 'test',
        accessKeySecret: 'test',
        ...(endpoint && { endpoint }),
      })
    ).toEqual([expect.stringMatching(/^accessKeyId: accessKeyId must be an AWS access key ID/)]);
  });

  it.each([
    ['LocalStack', 'http://localhost:4566'],
    ['the local SES emulator', 'http://127.0.0.1:8005'],
    ['a host that only looks like AWS', 'https://amazonaws.com.example.test'],
  ])('accepts any key ID with an endpoint on %s', (_name, endpoint) => {
    const parsed = parseConfig({ ...minimalConfig, accessKeyId: 'test', accessKeySecret: 'test', endpoint });
    expect([parsed.accessKeyId, parsed.accessKeySecret]).toEqual(['test', 'test']);
  });

  it('reports only the endpoint when the endpoint itself is invalid', () => {
    expect(
      problemsOf({ ...minimalConfig, accessKeyId: 'test', accessKeySecret: 'test', endpoint: 'ftp://x' })
    ).toEqual([expect.stringMatching(/^endpoint: endpoint must be an http/)]);
  });
});

describe('the config guard rejects real mistakes with a clear message', () => {
  it.each([
    [
      'a region name',
      { region: 'US East (N. Virginia)' },
      /^region: Region must be a region code such as us-east-1/,
    ],
    [
      'a region URL',
      { region: 'https://email.us-east-1.amazonaws.com' },
      /^region: Region must be a region code/,
    ],
    ['a missing region', { region: undefined }, /^region: Region is required/],
    ['a sender without @', { emailAddress: 'Logto' }, /^emailAddress: emailAddress must be an email address/],
    [
      'a sender with stray brackets',
      { emailAddress: 'Logto <<a@example.com>' },
      /^emailAddress: emailAddress must be an email address/,
    ],
    ['a sender with a non-ASCII local part', { emailAddress: 'jörg@example.com' }, /^emailAddress: /],
    [
      'a bad identity ARN',
      { emailAddressIdentityArn: 'example.com' },
      /^emailAddressIdentityArn: emailAddressIdentityArn must be an SES identity ARN/,
    ],
    [
      'a bad feedback ARN',
      { feedbackForwardingEmailAddressIdentityArn: 'arn:aws:iam::123:user/x' },
      /^feedbackForwardingEmailAddressIdentityArn: .* must be an SES identity ARN/,
    ],
    [
      'a bad feedback address',
      { feedbackForwardingEmailAddress: 'bounces' },
      /^feedbackForwardingEmailAddress: .* must be an email address/,
    ],
    [
      'a configuration set with spaces',
      { configurationSetName: 'my set' },
      /^configurationSetName: configurationSetName must be the name of an SES configuration set/,
    ],
    [
      'an endpoint that is not a URL',
      { endpoint: 'localhost:8005' },
      /^endpoint: endpoint must be an http:\/\/ or https:\/\/ URL/,
    ],
    ['an ftp endpoint', { endpoint: 'ftp://example.com' }, /^endpoint: endpoint must be an http/],
    ['an endpoint that is plain text', { endpoint: 'the usual one' }, /^endpoint: endpoint must be an http/],
    [
      'an endpoint with credentials',
      { endpoint: 'https://user:pass@example.com' },
      /^endpoint: endpoint must not contain a user name or password/,
    ],
    [
      'a reply-to that is not an address',
      { replyTo: 'support@example.com, nobody' },
      /^replyTo: replyTo contains "nobody", which is not an email address/,
    ],
    [
      'a reply-to of the wrong type',
      { replyTo: 42 },
      /^replyTo: replyTo must be an email address, a comma-separated list/,
    ],
    ['a timeout below 500 ms', { timeoutMs: 100 }, /^timeoutMs: timeoutMs must be at least 500/],
    ['a timeout above five minutes', { timeoutMs: 400_000 }, /^timeoutMs: timeoutMs must be at most 300000/],
    ['a fractional timeout', { timeoutMs: 1000.5 }, /^timeoutMs: timeoutMs must be a whole number/],
    [
      'a timeout that is not a number',
      { timeoutMs: 'soon' },
      /^timeoutMs: timeoutMs must be a number of milliseconds/,
    ],
    ['tags that are not an object', { tags: ['a'] }, /^tags: tags must be a JSON object/],
    [
      'a tag with a space',
      { tags: { 'my tag': 'x' } },
      /^tags.my tag: Tag "my tag": SES tag names and values may use only/,
    ],
    ['a tag value with a dot', { tags: { app: 'v1.2' } }, /^tags.app: Tag "app": SES tag names/],
    [
      'the reserved usage type tag',
      { tags: { 'logto-usage-type': 'x' } },
      /^tags.logto-usage-type: Tag "logto-usage-type" is set by the connector/,
    ],
    [
      'an unknown field (a typo)',
      { emailAdress: 'a@example.com' },
      /^: Unrecognized key\(s\) in object: 'emailAdress'/,
    ],
    ['templates missing', { templates: undefined }, /^templates: templates is required: a list of/],
    ['templates as a string', { templates: '[]' }, /^templates: templates must be a JSON array/],
  ])('rejects %s', (_name, change, message) => {
    expect(problemsOf({ ...minimalConfig, ...change })).toEqual([expect.stringMatching(message)]);
  });

  it('rejects more than 49 tags', () => {
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`t${index}`, 'v']));
    expect(problemsOf({ ...minimalConfig, tags })).toEqual([
      expect.stringMatching(/^tags: tags can hold at most 49/),
    ]);
  });

  it.each([
    [
      'a template with an empty usage type',
      [...minimalConfig.templates, { usageType: ' ', subject: 's', content: 'c' }],
      /^templates.1.usageType: Every template needs a usageType: one of SignIn, Register/,
    ],
    [
      'a template without subject',
      [{ usageType: 'Generic', content: 'c' }],
      /^templates.0.subject: Every template needs a subject/,
    ],
    [
      'a template with an empty content',
      [{ usageType: 'Generic', subject: 's', content: '' }],
      /^templates.0.content: Every template needs a content/,
    ],
    [
      'a wrong content type',
      [{ usageType: 'Generic', subject: 's', content: 'c', contentType: 'text/markdown' }],
      /^templates.0.contentType: contentType must be "text\/html" or "text\/plain"/,
    ],
    [
      'an unknown template field',
      [{ usageType: 'Generic', subject: 's', content: 'c', body: 'x' }],
      /^templates.0: Unrecognized key/,
    ],
  ])('rejects %s', (_name, templates, message) => {
    expect(problemsOf({ ...minimalConfig, templates })).toEqual([expect.stringMatching(message)]);
  });

  it('rejects a usage type that appears twice', () => {
    const templates = [
      { usageType: 'Generic', subject: 'a', content: 'a' },
      { usageType: 'Generic', subject: 'b', content: 'b' },
    ];
    expect(problemsOf({ ...minimalConfig, templates })).toEqual([
      'templates.1.usageType: usageType Generic appears more than once in templates; keep one template per usage type.',
    ]);
  });

  it('rejects a usage type Logto does not send that appears twice', () => {
    const templates = [
      ...minimalConfig.templates,
      { usageType: 'Test', subject: 'a', content: 'a' },
      { usageType: ' Test ', subject: 'b', content: 'b' },
    ];
    expect(problemsOf({ ...minimalConfig, templates })).toEqual([
      'templates.2.usageType: usageType Test appears more than once in templates; keep one template per usage type.',
    ]);
  });

  it('rejects templates with a Test template but no Generic one, saying to rename it', () => {
    expect(
      problemsOf({ ...minimalConfig, templates: [{ usageType: 'Test', subject: 's', content: 'c' }] })
    ).toEqual([
      "templates: templates needs a Generic template: every usage type without its own template falls back to it. Logto sends the Console's test email as Generic since Logto 1.0, not as Test: rename the Test template to Generic.",
    ]);
  });

  it('rejects templates without a Generic one', () => {
    expect(
      problemsOf({ ...minimalConfig, templates: [{ usageType: 'SignIn', subject: 's', content: 'c' }] })
    ).toEqual([
      'templates: templates needs a Generic template: every usage type without its own template falls back to it.',
    ]);
  });

  it.each([null, undefined, 'config', 42, []])('rejects %j as a whole config', (config) => {
    expect(problemsOf(config).length).toBeGreaterThan(0);
  });
});

describe('issues Logto shows in our words', () => {
  /**
   * How Logto 1.42 turns a ZodError into the `details` of its answer (packages/core,
   * RequestError's formatZodError): `invalid_type` issues get Logto's own sentence, every other
   * code keeps ours.
   */
  const logtoDetailsOf = (config: unknown): string[] => {
    const result = configGuard.safeParse(config);
    expect(result.success).toBe(false);
    return result.success
      ? []
      : result.error.issues.map(
          (issue) =>
            `Error in key path "${issue.path.join('.')}": (${issue.code}) ${
              issue.code === 'invalid_type'
                ? `Expected ${issue.expected} but received ${issue.received}.`
                : issue.message
            }`
        );
  };

  const generic = { usageType: 'Generic', subject: 's', content: 'c' };
  const withTemplate = (template: Record<string, unknown>) => ({ ...minimalConfig, templates: [template] });
  const without = (object: Record<string, unknown>, key: string) =>
    Object.fromEntries(Object.entries(object).filter(([name]) => name !== key));
  const withoutRegion = without(minimalConfig, 'region');
  const withoutTemplates = without(minimalConfig, 'templates');
  const withoutUsageType = without(generic, 'usageType');

  it.each([
    ['a missing region', withoutRegion, 'region', /^Region is required/],
    ['a region of the wrong type', { ...minimalConfig, region: 42 }, 'region', /^Region must be text/],
    ['missing templates', withoutTemplates, 'templates', /^templates is required/],
    [
      'templates of the wrong type',
      { ...minimalConfig, templates: {} },
      'templates',
      /^templates must be a JSON array/,
    ],
    [
      'a template that is not an object',
      { ...minimalConfig, templates: [42] },
      'templates.0',
      /^Each template must be a JSON object/,
    ],
    [
      'a template without usageType',
      withTemplate(withoutUsageType),
      'templates.0.usageType',
      /^Every template needs a usageType/,
    ],
    [
      'a usageType of the wrong type',
      withTemplate({ ...generic, usageType: 1 }),
      'templates.0.usageType',
      /^usageType must be text: one of SignIn, Register/,
    ],
    [
      'a template without subject',
      withTemplate({ ...generic, subject: undefined }),
      'templates.0.subject',
      /^Every template needs a subject/,
    ],
    [
      'a subject of the wrong type',
      withTemplate({ ...generic, subject: 42 }),
      'templates.0.subject',
      /^subject must be text/,
    ],
    [
      'a template without content',
      withTemplate({ ...generic, content: undefined }),
      'templates.0.content',
      /^Every template needs a content/,
    ],
    [
      'a content of the wrong type',
      withTemplate({ ...generic, content: ['c'] }),
      'templates.0.content',
      /^content must be text/,
    ],
    [
      'a contentType of the wrong type',
      withTemplate({ ...generic, contentType: true }),
      'templates.0.contentType',
      /^contentType must be/,
    ],
    [
      'an accessKeyId of the wrong type',
      { ...minimalConfig, accessKeyId: 42 },
      'accessKeyId',
      /^accessKeyId must be text/,
    ],
    [
      'an emailAddress of the wrong type',
      { ...minimalConfig, emailAddress: {} },
      'emailAddress',
      /^emailAddress must be text/,
    ],
    [
      'an ARN of the wrong type',
      { ...minimalConfig, emailAddressIdentityArn: 1 },
      'emailAddressIdentityArn',
      /^emailAddressIdentityArn must be text/,
    ],
    [
      'an endpoint of the wrong type',
      { ...minimalConfig, endpoint: false },
      'endpoint',
      /^endpoint must be text/,
    ],
    [
      'a configuration set of the wrong type',
      { ...minimalConfig, configurationSetName: 1 },
      'configurationSetName',
      /^configurationSetName must be text/,
    ],
    [
      'a timeout of the wrong type',
      { ...minimalConfig, timeoutMs: {} },
      'timeoutMs',
      /^timeoutMs must be a number/,
    ],
    ['tags of the wrong type', { ...minimalConfig, tags: 'a' }, 'tags', /^tags must be a JSON object/],
    [
      'a tag value of the wrong type',
      { ...minimalConfig, tags: { a: 1 } },
      'tags.a',
      /^tags must be a JSON object/,
    ],
    ['a whole config that is not an object', null, '', /^The config must be a JSON object/],
  ])('for %s', (_name, config, path, message) => {
    const details = logtoDetailsOf(config);
    expect(details).toEqual([expect.stringMatching(/^Error in key path "[^"]*": \(custom\) /)]);
    const [detail] = details;
    const ours = detail?.replace(/^Error in key path "([^"]*)": \(custom\) /, '');
    expect(detail).toContain(`"${path}"`);
    expect(ours).toMatch(message);
  });
});

describe('parseConfig', () => {
  it("throws the host's ConnectorError(InvalidConfig) carrying the ZodError", async () => {
    const error = await rejectionOf(Promise.resolve().then(() => parseConfig({ region: 'nowhere' })));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect((error as ConnectorError).data).toBeInstanceOf(ZodError);
  });
});

describe('the Console form', () => {
  it('has exactly one form item per config field', () => {
    const formKeys = formItems.map(({ key }) => key);
    expect(new Set(formKeys).size).toBe(formKeys.length);
    expect([...formKeys].sort()).toEqual(configKeysOf());
  });

  it('marks as required exactly what the guard requires: region and templates, not emailAddress', () => {
    expect(formItems.filter((item) => item.required).map(({ key }) => key)).toEqual(['region', 'templates']);
    expect(problemsOf({ region: 'us-east-1', templates: minimalConfig.templates })).toEqual([]);
    expect(formItems.find(({ key }) => key === 'emailAddress')?.description).toContain(
      'Needed unless every Logto email template gives its own sender (sendFrom)'
    );
  });

  it('marks the access key secret confidential', () => {
    expect(formItems.find(({ key }) => key === 'accessKeySecret')?.isConfidential).toBe(true);
  });

  it('gives every Json item a default that the guard accepts', () => {
    const jsonItems = formItems.filter(({ type }) => type === 'Json');
    expect(jsonItems.map(({ key }) => key)).toEqual(['templates', 'sesTemplates', 'tags', 'headers']);
    for (const item of jsonItems) {
      expect(item.defaultValue).toBeDefined();
      expect(problemsOf({ ...minimalConfig, [item.key]: item.defaultValue })).toEqual([]);
    }
  });

  it('submits a config the guard accepts when filled with just a region, a sender and keys', () => {
    const defaults = Object.fromEntries(
      formItems.filter((item) => item.defaultValue !== undefined).map((item) => [item.key, item.defaultValue])
    );
    expect(
      problemsOf({
        ...defaults,
        region: 'us-east-1',
        emailAddress: 'a@example.com',
        accessKeyId,
        accessKeySecret: secret,
      })
    ).toEqual([]);
  });

  it('gives every item a label and a description or placeholder', () => {
    for (const item of formItems) {
      expect(item.label.length).toBeGreaterThan(2);
      expect(`${item.description ?? ''}${item.placeholder ?? ''}`.length).toBeGreaterThan(5);
    }
  });
});
