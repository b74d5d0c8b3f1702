import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { compilePlaceholders, fillPlaceholders } from '../src/placeholders.js';
import { renderContent } from '../src/render.js';

const fill = (template: string, payload: Record<string, unknown>, encode?: (value: string) => string) =>
  fillPlaceholders(compilePlaceholders(template), payload, encode);

describe("placeholders follow Logto's semantics", () => {
  it('fills {{code}}, {{link}} and {{locale}}', () => {
    expect(
      fill('{{code}} {{ link }} {{locale}}', { code: '123456', link: 'https://x.test', locale: 'fr' })
    ).toBe('123456 https://x.test fr');
  });

  it('fills dotted paths', () => {
    const payload = {
      organization: { name: 'Acme' },
      application: { displayName: 'Portal' },
      user: { name: 'Ada' },
      inviter: { name: 'Bob' },
    };
    expect(
      fill('{{organization.name}}/{{application.displayName}}/{{user.name}}/{{inviter.name}}', payload)
    ).toBe('Acme/Portal/Ada/Bob');
  });

  it('leaves a placeholder whose root is missing as written', () => {
    expect(fill('Code {{ code }} for {{application.name}}', {})).toBe(
      'Code {{ code }} for {{application.name}}'
    );
  });

  it('turns a missing nested value into an empty string', () => {
    expect(
      fill('[{{application.name}}][{{user.profile.nickname}}]', { application: {}, user: { profile: null } })
    ).toBe('[][]');
  });

  it('turns a null or undefined root value into an empty string', () => {
    expect(fill('[{{link}}][{{code}}]', { link: null, code: undefined })).toBe('[][]');
  });

  it('stringifies numbers and booleans like Logto', () => {
    expect(fill('{{n}} {{b}}', { n: 42, b: false })).toBe('42 false');
  });

  it('reads only own properties, so {{constructor}} and {{toString}} stay as written', () => {
    expect(fill('{{constructor}} {{code.length}} {{toString}}', { code: '123' })).toBe(
      '{{constructor}}  {{toString}}'
    );
  });

  it('leaves other brace syntax alone', () => {
    expect(fill('{{#if code}} {code} {{ code-1 }} {{}}', { code: 'x' })).toBe(
      '{{#if code}} {code} {{ code-1 }} {{}}'
    );
  });

  it('encodes only inserted values', () => {
    expect(fill('<b>{{code}}</b>', { code: '<i>' }, (value) => value.toUpperCase())).toBe('<b><I></b>');
  });
});

describe('payload values that resist stringification', () => {
  const html = (payload: Record<string, unknown>) =>
    renderContent({ subject: '{{v}}', content: '<p>{{v}}</p>', contentType: 'text/html' }, payload);

  it('reads an object without a prototype as Logto reads any plain object', () => {
    expect(html({ v: Object.create(null) })).toEqual({
      subject: '[object Object]',
      html: '<p>[object Object]</p>',
      text: '[object Object]',
    });
  });

  it('reads a nested value of an object without a prototype', () => {
    const organization = Object.assign(Object.create(null) as Record<string, unknown>, { name: 'Acme' });
    expect(fill('{{organization.name}}', { organization })).toBe('Acme');
  });

  it("keeps Logto's String(value) where it works: symbols, big integers, arrays, own toString", () => {
    expect(
      fill('{{a}} {{b}} {{c}} {{d}}', { a: Symbol('s'), b: 10n, c: [1, [2]], d: { toString: () => 'mine' } })
    ).toBe('Symbol(s) 10 1,2 mine');
  });

  const throwing = () => {
    throw new Error('boom');
  };

  it.each([
    ['a toString that throws', { v: { toString: throwing } }],
    ['a Symbol.toPrimitive that throws', { v: { [Symbol.toPrimitive]: throwing } }],
    [
      'a toString that is not a function',
      { v: Object.assign(Object.create(null) as object, { toString: 1 }) },
    ],
    ['a getter that throws', Object.defineProperty({}, 'v', { enumerable: true, get: throwing })],
    [
      'a proxy whose traps throw',
      new Proxy({ v: 1 }, { getOwnPropertyDescriptor: throwing, get: throwing, has: throwing }),
    ],
  ])("turns %s into the host's ConnectorError with a sentence", (_name, payload) => {
    let thrown: unknown;
    try {
      html(payload);
    } catch (error: unknown) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConnectorError);
    expect(thrown).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringMatching(
          /^The message payload's value for {{v}} could not be read or turned into text/
        ),
      },
    });
  });
});
