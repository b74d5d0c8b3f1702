import { describe, expect, it } from 'vitest';

import {
  formatMailbox,
  normalizeAddress,
  parseMailbox,
  splitMailbox,
  splitMailboxList,
  stripControlCharacters,
} from '../src/mailbox.js';

describe('splitMailbox reads every form of Logto guides', () => {
  it.each([
    ['noreply@example.com', { address: 'noreply@example.com' }],
    ['Logto <noreply@example.com>', { name: 'Logto', address: 'noreply@example.com' }],
    ['Logto<noreply@example.com>', { name: 'Logto', address: 'noreply@example.com' }],
    ['<noreply@example.com>', { address: 'noreply@example.com' }],
    ['"Acme, Inc." <a@example.com>', { name: 'Acme, Inc.', address: 'a@example.com' }],
    ['"Say \\"hi\\"" <a@example.com>', { name: 'Say "hi"', address: 'a@example.com' }],
    ['{{application.name}} via Acme', { name: '{{application.name}} via Acme' }],
    ['{{user.primaryEmail}}', { name: '{{user.primaryEmail}}' }],
    ['{{organization.id}}@example.com', { address: '{{organization.id}}@example.com' }],
    ['   ', {}],
  ])('splits %j', (text, parts) => {
    expect(splitMailbox(text)).toEqual(parts);
  });

  it.each(['a <b@example.com> c', 'Logto <<a@example.com>>', '<a@example.com'])(
    'refuses stray brackets in %j',
    (text) => {
      expect(splitMailbox(text)).toBeUndefined();
    }
  );
});

describe('normalizeAddress', () => {
  it.each([
    ['a@example.com', 'a@example.com'],
    ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
    ['a@Example.COM', 'a@example.com'],
    ['a@XN--BCHER-KVA.de', 'a@xn--bcher-kva.de'],
    ['a@bücher.de', 'a@xn--bcher-kva.de'],
    ['a@例え.jp', 'a@xn--r8jz45g.jp'],
  ])('accepts %j as %j', (text, address) => {
    expect(normalizeAddress(text)).toBe(address);
  });

  it.each([
    ['no at sign', 'example.com'],
    ['an empty local part', '@example.com'],
    ['a domain without a dot', 'a@localhost'],
    ['a space', 'a b@example.com'],
    ['a non-ASCII local part (SES requires 7-bit)', 'jörg@example.com'],
    ['a double dot', 'a..b@example.com'],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.com`],
    ['a label starting with a hyphen', 'a@-example.com'],
    [
      'a domain over 253 characters',
      `a@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(20)}.com`,
    ],
    [
      'an address over 254 characters (a 64-character local part and a 190-character domain)',
      `${'a'.repeat(64)}@${'b'.repeat(62)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`,
    ],
    ['a huge domain, refused before any conversion', `a@${'bücher.'.repeat(100_000)}de`],
  ])('refuses %s', (_name, text) => {
    expect(normalizeAddress(text)).toBeUndefined();
  });

  it('accepts an address of exactly 254 characters', () => {
    const address = `${'a'.repeat(64)}@${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`;
    expect(address).toHaveLength(254);
    expect(normalizeAddress(address)).toBe(address);
  });
});

describe('parseMailbox', () => {
  it('keeps the display name and normalises the address', () => {
    expect(parseMailbox('Ünïcode Name <x@BÜCHER.de>')).toEqual({
      name: 'Ünïcode Name',
      address: 'x@xn--bcher-kva.de',
    });
  });

  it('drops an empty or control-only display name', () => {
    expect(parseMailbox('"" <a@example.com>')).toEqual({ address: 'a@example.com' });
    expect(parseMailbox('"\u0000" <a@example.com>')).toEqual({ address: 'a@example.com' });
  });

  it('returns undefined without an address', () => {
    expect(parseMailbox('Logto')).toBeUndefined();
    expect(parseMailbox('Logto <nope>')).toBeUndefined();
    expect(parseMailbox('x <y@z.com> <w@v.com>')).toBeUndefined();
  });
});

describe('splitMailboxList', () => {
  it('splits on commas and semicolons outside quotes and brackets', () => {
    expect(splitMailboxList('"A, B" <a@example.com>, c@example.com; <d@example.com>,,')).toEqual([
      '"A, B" <a@example.com>',
      'c@example.com',
      '<d@example.com>',
    ]);
  });

  it('keeps a comma inside angle brackets in one item', () => {
    expect(splitMailboxList('X <a,b@example.com>')).toEqual(['X <a,b@example.com>']);
  });
});

describe('formatMailbox writes what SES accepts', () => {
  it('sends a bare address as is', () => {
    expect(formatMailbox({ address: 'a@example.com' })).toBe('a@example.com');
  });

  it('quotes an ASCII display name, escaping quotes and backslashes', () => {
    expect(formatMailbox({ name: 'Say "hi" \\o/', address: 'a@example.com' })).toBe(
      '"Say \\"hi\\" \\\\o/" <a@example.com>'
    );
  });

  it('encodes a non-ASCII display name as RFC 2047 words of at most 75 characters', () => {
    const name = 'Ünïcödé 名前 🎉'.repeat(6);
    const formatted = formatMailbox({ name, address: 'a@example.com' });
    const words = formatted.replace(/ <a@example\.com>$/, '').split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[\w+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
    }
    const decoded = words.map((word) => Buffer.from(word.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe(name);
  });

  it('removes line breaks and control characters from the name', () => {
    expect(formatMailbox({ name: 'Evil\r\nBcc: x@y.z\u0000', address: 'a@example.com' })).toBe(
      '"Evil Bcc: x@y.z" <a@example.com>'
    );
    expect(formatMailbox({ name: '\r\n', address: 'a@example.com' })).toBe('a@example.com');
  });
});

describe('stripControlCharacters', () => {
  it('turns CR, LF and tabs into one space and drops other controls', () => {
    expect(stripControlCharacters('a\r\n\tb\u0007c\u007F')).toBe('a bc');
  });
});
