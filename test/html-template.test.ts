/**
 * HTML templates as mail clients read them: each placeholder's value escaped for where a
 * spec-compliant parser puts it, in every reading (browser, mail client, Outlook), judged by the
 * tests' own parser-based oracle (test/support/html-oracle.ts).
 */
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { renderContent } from '../src/render.js';
import { elementsFor, readers, shapeOf, styleShape, unsafeUrls } from './support/html-oracle.js';

type Payload = Record<string, unknown>;

const renderHtml = (content: string, payload: Payload) =>
  renderContent({ subject: 's', content, contentType: 'text/html' }, payload, 'test template').html ?? '';

/** The send's outcome: the HTML, or the refusal's sentence. */
const outcomeOf = (content: string, payload: Payload): { html: string } | { refused: string } => {
  try {
    return { html: renderHtml(content, payload) };
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe(ConnectorErrorCodes.General);
    return { refused: ((error as ConnectorError).data as { errorDescription: string }).errorDescription };
  }
};

/** Every string value replaced by a harmless one of the same emptiness. */
const harmless = (payload: Payload): Payload =>
  Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [
      key,
      typeof value === 'string' ? (value ? 'x' : '') : harmless(value as Payload),
    ])
  );

/**
 * What the invariant asks of a sent email: for every reader, the elements and attribute names of
 * the template rendered with harmless values, no URL but http(s), mailto or relative, and no new
 * CSS declaration, rule or function.
 */
const expectSafe = (content: string, payload: Payload, html: string) => {
  const reference = renderHtml(content, harmless(payload));
  for (const reader of readers) {
    expect(shapeOf(elementsFor(html, reader)), reader).toEqual(shapeOf(elementsFor(reference, reader)));
  }
  expect(unsafeUrls(html)).toEqual([]);
  expect(styleShape(html)).toEqual(styleShape(reference));
};

const attack = 'x onmouseover=alert(document.domain)';
const scriptLink = 'javascript:alert(document.domain)';

describe('the reproduced bypasses are closed', () => {
  it('foreign content: a <title> inside <svg> is markup, and </svg> leaves it', () => {
    const content =
      '<svg role="img"><title>Acme logo</svg><p><a href="{{link}}">Open</a> <span title={{user.name}}>there</span></p>';
    expect(outcomeOf(content, { link: scriptLink, user: { name: 'Ada' } })).toEqual({
      refused: expect.stringMatching(/^The value for {{link}} makes the href attribute a "javascript:" URL/),
    });
    const payload = { link: 'https://x.test/', user: { name: attack } };
    const html = renderHtml(content, payload);
    expectSafe(content, payload, html);
    expect(html).toContain('<span title=x&#x20;onmouseover&#x3d;');
  });

  it('foreign content: a <textarea> inside <svg> is not raw text, and <p> leaves the SVG', () => {
    const content = '<svg><textarea><p><span title={{user.name}}>there</span></p></textarea></svg>';
    const payload = { user: { name: attack } };
    expectSafe(content, payload, renderHtml(content, payload));
  });

  it.each([
    ['a link', '<noscript><a href="{{link}}">Open</a></noscript>'],
    ['a style', '<noscript><p style="color:{{link}}">x</p></noscript>'],
  ])('<noscript>: refuses %s that readers with scripting on and off read differently', (_name, content) => {
    expect(outcomeOf(content, { link: scriptLink })).toEqual({
      refused: expect.stringContaining('puts {{link}} where readers disagree on what it is'),
    });
  });

  it('a plain comment that looks like a conditional one hides nothing', () => {
    const content = '<!--[if mso]--><p><a href="{{link}}">Open</a></p><p>]></p>';
    expect(outcomeOf(content, { link: scriptLink })).toEqual({
      refused: expect.stringMatching(/makes the href attribute a "javascript:" URL/),
    });
  });

  it('a character reference completed by values stays literal text', () => {
    const content = '<a href="{{link}}&{{code}}">Open</a>';
    const payload = { link: 'javascript', code: 'colon;alert(1)' };
    const html = renderHtml(content, payload);
    expectSafe(content, payload, html);
    expect(elementsFor(html, 'browser').find(({ tagName }) => tagName === 'a')?.attrs).toEqual([
      { name: 'href', value: 'javascript&colon;alert(1)' },
    ]);
  });

  it('</script\\v> does not end a script: a placeholder after it is inside the script', () => {
    expect(outcomeOf('<script>var a;</script\v><p>{{code}}</p></script>', { code: '1' })).toEqual({
      refused: expect.stringContaining('puts {{code}} inside a <script> element'),
    });
  });

  it.each([
    ['a meta refresh', '<meta http-equiv="refresh" content="0;url={{link}}">', 'content'],
    [
      'an SVG <animate> of href',
      '<svg><a><animate attributeName="href" values="{{link}}"/></a></svg>',
      'values',
    ],
    ['an SVG <set> of href', '<svg><a><set attributeName="href" to="{{link}}"/></a></svg>', 'to'],
  ])('checks the URL of %s', (_name, content, attribute) => {
    expect(outcomeOf(content, { link: scriptLink })).toEqual({
      refused: expect.stringContaining(`makes the ${attribute} attribute a "javascript:" URL`),
    });
    const payload = { link: 'https://x.test/a' };
    expectSafe(content, payload, renderHtml(content, payload));
  });
});

describe('everyday templates keep sending', () => {
  const payload = {
    code: '123456',
    link: 'https://example.com/invite?id=1&token=2',
    application: { name: 'Acme <Console> & "Co"' },
    organization: { name: "O'Brien & Sons" },
    user: { name: 'Ada' },
  };

  it.each([
    [
      'a whole document with head, title and style',
      '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{application.name}}</title><style>p { color: #333 }</style></head><body><p>{{code}}</p></body></html>',
    ],
    [
      'Outlook conditional comments around a table and a VML button',
      '<!--[if mso]><table width="600"><tr><td><![endif]--><p>Join {{organization.name}}</p><!--[if mso]></td></tr></table><![endif]-->' +
        '<!--[if mso]><v:roundrect href="{{link}}" style="width:200px"><center>{{organization.name}}</center></v:roundrect><![endif]-->' +
        '<!--[if !mso]><!--><a href="{{link}}">Join</a><!--<![endif]-->',
    ],
    [
      'a link with placeholders in its query',
      '<a href="https://example.com/?code={{code}}&amp;org={{organization.name}}">Go</a>',
    ],
    [
      'unquoted width and height',
      '<table><tr><td width={{code}} height=40><img src="https://example.com/logo.png" width=120 height={{code}} alt={{application.name}}></td></tr></table>',
    ],
    ['a textarea', '<textarea>{{code}} {{application.name}}</textarea>'],
    [
      'an inline SVG logo',
      '<svg viewBox="0 0 10 10" role="img" aria-label="{{application.name}}"><title>{{application.name}}</title><path d="M0 0h10v10H0z"/></svg><p>{{user.name}}</p>',
    ],
    ['a style attribute', '<p style="font-size:28px;color:{{code}}">{{code}}</p>'],
    ['a template element', '<template><p title={{user.name}}>{{code}}</p></template>'],
  ])('%s', (_name, content) => {
    const outcome = outcomeOf(content, payload);
    expect(outcome).toHaveProperty('html');
    expectSafe(content, payload, (outcome as { html: string }).html);
  });

  it('escapes a value inside a conditional comment as Outlook reads it', () => {
    const content = '<!--[if mso]><td width={{user.name}}><![endif]-->';
    expect(renderHtml(content, { user: { name: attack } })).toBe(
      '<!--[if mso]><td width=x&#x20;onmouseover&#x3d;alert&#x28;document&#x2e;domain&#x29;><![endif]-->'
    );
  });
});

describe('placeholders where no value is safe are refused, naming the template', () => {
  it.each([
    ['a CDATA section', '<svg><![CDATA[{{code}}]]></svg>', 'inside a CDATA section'],
    ['an end tag', '<p>a</p{{code}}>', 'in an end tag'],
    ['a doctype', '<!DOCTYPE {{code}}>', 'in a doctype'],
    ['an SVG event handler', '<svg onload="{{code}}"></svg>', 'in the onload attribute, which holds script'],
    [
      'http-equiv',
      '<meta http-equiv="{{code}}" content="0;url=https://x.test">',
      'in the http-equiv attribute',
    ],
    [
      'the animated attribute',
      '<svg><set attributeName="{{code}}" to="x"/></svg>',
      'in the attributename attribute',
    ],
    [
      'a script inside a conditional comment',
      '<!--[if mso]><script>{{code}}</script><![endif]-->',
      'inside a <script> element',
    ],
    ['a repeated attribute', '<p title="a" title="{{code}}">x</p>', 'where the markup does not keep it'],
    ['a <script> attribute', '<script src="{{code}}"></script>', 'in an attribute of a <script> element'],
  ])('%s', (_name, content, where) => {
    expect(outcomeOf(content, { code: '1' })).toEqual({
      refused: expect.stringContaining(`The test template puts {{code}} ${where}`),
    });
  });
});
