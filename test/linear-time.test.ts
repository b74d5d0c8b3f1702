/**
 * Every regular expression in src/ against long adversarial inputs. The check does not depend
 * on the machine's speed: each case runs on an input of size n and of size 10·n in the same
 * process, and the time may grow about tenfold (linear), never about a hundredfold (quadratic).
 */
import { describe, expect, it } from 'vitest';

import { redact } from '../src/redact.js';
import { parseConfig } from '../src/index.js';
import { normalizeAddress, parseMailbox, splitMailbox, splitMailboxList } from '../src/mailbox.js';
import { compileHtmlTemplate } from '../src/html-template.js';
import { compilePlaceholders, fillPlaceholders } from '../src/placeholders.js';
import { renderContent, renderHeaderText } from '../src/render.js';
import { minimalConfig } from './fixtures.js';

/** The smallest of a few timings: the run least disturbed by other work on the machine. */
const fastestMs = (run: () => unknown, repetitions = 9): number => {
  let fastest = Number.POSITIVE_INFINITY;
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
};

/** How much longer `run` takes on the input of size 10·n than on the input of size n. */
const growthFromTenfoldInput = (
  input: (size: number) => string,
  run: (text: string) => unknown,
  size: number
) => {
  const small = input(size);
  const large = input(size * 10);
  const attempt = (text: string) => () => {
    try {
      run(text);
    } catch {
      // A refusal is an outcome too; only the time counts here.
    }
  };
  // Warm up both, so the JIT has compiled the code before anything is timed.
  fastestMs(attempt(small), 10);
  fastestMs(attempt(large), 3);
  // A floor of 0.05 ms keeps timer resolution from turning a tiny time into a huge ratio.
  return Math.max(fastestMs(attempt(large)), 0.05) / Math.max(fastestMs(attempt(small)), 0.05);
};

/** Linear work grows about 10× on a 10× input; quadratic about 100×. 30 leaves room for noise. */
const maxGrowth = 30;

/** Inputs are at most 10 × this many characters (40,000): bounded work, whatever the machine. */
const size = 4000;

const repeat = (unit: string) => (length: number) => unit.repeat(Math.ceil(length / unit.length));

type Case = [name: string, input: (length: number) => string, run: (text: string) => unknown];

const configCases: Case[] = [
  [
    'an endpoint of slashes',
    (length) => `http://a${'/'.repeat(length)}`,
    (endpoint) => parseConfig({ ...minimalConfig, endpoint }),
  ],
  [
    'an endpoint of slashes then a letter',
    (length) => `http://a${'/'.repeat(length)}x`,
    (endpoint) => parseConfig({ ...minimalConfig, endpoint }),
  ],
  ['a region of segments', repeat('-ab'), (text) => parseConfig({ ...minimalConfig, region: `us${text}` })],
  ['a region of letters', repeat('a'), (region) => parseConfig({ ...minimalConfig, region })],
  [
    'an identity ARN',
    repeat('a-1'),
    (text) => parseConfig({ ...minimalConfig, emailAddressIdentityArn: `arn:aws${text}:ses:` }),
  ],
  [
    'an identity ARN with a long region',
    repeat('a1-'),
    (text) => parseConfig({ ...minimalConfig, emailAddressIdentityArn: `arn:aws:ses:${text}:1234567890` }),
  ],
  [
    'an access key ID',
    repeat('A'),
    (accessKeyId) => parseConfig({ ...minimalConfig, accessKeyId, accessKeySecret: 'x' }),
  ],
  [
    'a configuration set name',
    repeat('a_'),
    (configurationSetName) => parseConfig({ ...minimalConfig, configurationSetName }),
  ],
  ['a tag value', repeat('a-'), (value) => parseConfig({ ...minimalConfig, tags: { a: `${value}.` } })],
  ['a tag name', repeat('a-'), (name) => parseConfig({ ...minimalConfig, tags: { [`${name}.`]: 'a' } })],
  ['a sender of dots', repeat('a.'), (text) => parseConfig({ ...minimalConfig, emailAddress: `${text}@x` })],
  ['a reply-to list', repeat('a@b.co,'), (replyTo) => parseConfig({ ...minimalConfig, replyTo })],
  ['a timeout', repeat('9'), (timeoutMs) => parseConfig({ ...minimalConfig, timeoutMs })],
];

const mailboxCases: Case[] = [
  ['a local part of dots', repeat('a.'), (text) => normalizeAddress(`${text}.@example.com`)],
  [
    'a local part of symbols',
    repeat("!#$%&'*+/=?^`{|}~-"),
    (text) => normalizeAddress(`${text}@example.com`),
  ],
  ['a domain of labels', repeat('a-a.'), (text) => normalizeAddress(`a@${text}-`)],
  ['a domain of hyphens', repeat('-'), (text) => normalizeAddress(`a@a${text}`)],
  ['a name of angle brackets', repeat('<'), (text) => splitMailbox(`${text}a@b.co>`)],
  ['a name before brackets', repeat('a '), (text) => splitMailbox(`${text}<a@b.co>>`)],
  ['a quoted name of backslashes', repeat('\\"'), (text) => parseMailbox(`"${text}" <a@b.co>`)],
  ['a name of line breaks', repeat('\r\n\t'), (text) => parseMailbox(`${text}<a@b.co>`)],
  ['a list of quotes', repeat('"a,'), splitMailboxList],
];

const renderCases: Case[] = [
  ['opening braces', repeat('{{'), (text) => compilePlaceholders(text)],
  ['a placeholder never closed', (length) => `{{${'a'.repeat(length)}`, (text) => compilePlaceholders(text)],
  ['placeholders of spaces', repeat('{{ a '), (text) => compilePlaceholders(text)],
  [
    'a placeholder with trailing spaces',
    (length) => `{{a${' '.repeat(length)}}`,
    (text) => compilePlaceholders(text),
  ],
  [
    'many placeholders',
    repeat('{{a.b}}'),
    (text) => fillPlaceholders(compilePlaceholders(text), { a: { b: 'x' } }),
  ],
  [
    'HTML of unfinished conditional comments',
    repeat('<!--[if-->'),
    (text) => compileHtmlTemplate(`${text}{{c}}`),
  ],
  ['HTML of open tags', repeat("<a b='{{c}}"), (text) => compileHtmlTemplate(text)],
  ['HTML of comments', repeat('<!--<!-->{{c}}'), (text) => compileHtmlTemplate(text)],
  [
    'HTML of conditional comments',
    repeat('<!--[if mso]>{{c}}<![endif]-->'),
    (text) => compileHtmlTemplate(text),
  ],
  ['HTML of style elements', repeat('<style>{{c}}</style'), (text) => compileHtmlTemplate(text)],
  [
    'a value in a bare tag',
    repeat(' =\'"'),
    (value) =>
      renderContent({ subject: 's', content: '<td width={{v}}>', contentType: 'text/html' }, { v: value }),
  ],
  [
    'a URL value of controls and tabs',
    repeat('\u0001\t'),
    (value) =>
      renderContent(
        { subject: 's', content: '<a href="{{v}}">', contentType: 'text/html' },
        { v: `${value}a` }
      ),
  ],
  [
    'a URL value of scheme characters',
    repeat('a+.-'),
    (value) =>
      renderContent({ subject: 's', content: '<a href="{{v}}">', contentType: 'text/html' }, { v: value }),
  ],
  [
    'a srcset of candidates',
    repeat('a 1x, '),
    (value) =>
      renderContent(
        { subject: 's', content: '<img srcset="{{v}}">', contentType: 'text/html' },
        { v: value }
      ),
  ],
  [
    'a CSS value',
    repeat('};<\\'),
    (value) =>
      renderContent(
        { subject: 's', content: '<style>p{color:{{v}}}</style>', contentType: 'text/html' },
        { v: value }
      ),
  ],
  ['HTML of scripts', repeat('<script><!--<script></script>-->'), (text) => compileHtmlTemplate(text)],
  ['HTML of URL attributes', repeat('<a href="&amp;{{c}}">'), (text) => compileHtmlTemplate(text)],
  [
    'HTML of raw text never closed',
    (length) => `<xmp>${'</xm'.repeat(length / 4)}{{c}}`,
    (text) => compileHtmlTemplate(text),
  ],
  ['a header value of controls', repeat('\u0000\r'), (value) => renderHeaderText('{{v}}', { v: value })],
];

const errorCases: Case[] = [
  ['a text of security token headers', repeat('x-amz-security-token:'), (text) => redact(text, [])],
  ['a text of authorization headers', repeat('authorization:'), (text) => redact(text, [])],
  ['a text of whitespace', repeat(' \n'), (text) => redact(`${text}x`, ['secret'])],
];

describe.each([
  ['the config guard', configCases],
  ['mailbox parsing', mailboxCases],
  ['template rendering', renderCases],
  ['error redaction', errorCases],
])('%s takes time linear in the input', (_area, cases) => {
  it.each(cases)('for %s', (_name, input, run) => {
    expect(growthFromTenfoldInput(input, run, size)).toBeLessThan(maxGrowth);
  });
});
