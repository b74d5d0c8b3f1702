/**
 * HTML templates as mail clients read them: each placeholder's value escaped for where a
 * spec-compliant parser puts it, in every reading (browser, mail client, Outlook), judged by the
 * tests' own parser-based oracle (test/support/html-oracle.ts).
 */
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { compileHtmlTemplate, hasElements, renderHtml as fillHtml } from '../src/html-template.js';
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

describe('details of the reading', () => {
  it('checks every URL of a ping list', () => {
    expect(outcomeOf('<a href="/" ping="https://ok.test/ {{link}}">x</a>', { link: scriptLink })).toEqual({
      refused: expect.stringContaining('makes the ping attribute a "javascript:" URL'),
    });
  });

  it('keeps a numeric reference the template opened from being completed by a value', () => {
    const content = '<a href="&#{{code}}">x</a>';
    const payload = { code: '106;avascript:alert(1)' };
    const html = renderHtml(content, payload);
    expectSafe(content, payload, html);
    expect(html).toBe('<a href="&#&#x31;06;avascript:alert(1)">x</a>');
  });

  it('reads a template that holds the text its placeholder markers would use', () => {
    expect(renderHtml('<p title="zqph0qz">zqph {{code}} zqph0x</p>', { code: '<1>' })).toBe(
      '<p title="zqph0qz">zqph &lt;1&gt; zqph0x</p>'
    );
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
    ['a CSS function name', '<p style="background: {{code}}(x.png)">x</p>', 'right before "(" in CSS'],
    [
      'a template that spells a marker with a character reference',
      '<p title="&#x7a;qph0qz">{{code}}</p>',
      'where the markup does not keep it',
    ],
    ['a <script> attribute', '<script src="{{code}}"></script>', 'in an attribute of a <script> element'],
  ])('%s', (_name, content, where) => {
    expect(outcomeOf(content, { code: '1' })).toEqual({
      refused: expect.stringContaining(`The test template puts {{code}} ${where}`),
    });
  });
});

describe('the safety net: a value holding markup characters is re-read', () => {
  it('refuses an email whose elements a value would change, had the compile step misjudged a place', () => {
    const compiled = compileHtmlTemplate('<table><tr><td title={{v}}>x</td></tr></table>');
    const slot = compiled.parts.find((part) => typeof part !== 'string');
    // A compile mistake, simulated: an unquoted value escaped as if it were quoted.
    Object.assign(slot ?? {}, { escaping: 'html' });
    expect(() => fillHtml(compiled, { v: 'x" onclick=alert(1)' }, 'test template')).toThrow(ConnectorError);
    expect(fillHtml(compiled, { v: 'x" onclick=alert(1)' }, 'test template', { safetyNet: false })).toBe(
      '<table><tr><td title=x&quot; onclick=alert(1)>x</td></tr></table>'
    );
  });

  it('does not refuse an email whose elements only an empty value changed', () => {
    const compiled = compileHtmlTemplate('<p><b>x</p>{{a}}<p>{{b}}</p>');
    const html = fillHtml(compiled, { a: '', b: "'" }, 'test template');
    // The template read with a word in place of {{a}} reopens <b>; with nothing there it does not.
    expect(hasElements(html, compiled.elements)).toBe(false);
    expect(html).toBe('<p><b>x</p><p>&#39;</p>');
  });
});

describe('any values, any template of these constructs', () => {
  const slot = fc.constantFrom('{{a}}', '{{b}}', '{{c}}');
  /** Markup holding placeholders: text, quoted and unquoted attributes, URLs, CSS, raw text, references. */
  const leaf = fc.oneof(
    slot.map((s) => `<p>${s}</p>`),
    slot.map((s) => `<span title="${s}">t</span><span title='x ${s}'>t</span>`),
    slot.map((s) => `<img alt=${s} width=${s}>`),
    slot.map((s) => `<a href="${s}">l</a>`),
    fc.tuple(slot, slot).map(([s, t]) => `<a href="${s}&${t}">l</a>`),
    slot.map((s) => `<a href="https://x.test/?q=${s}&amp;r=1">l</a>`),
    slot.map((s) => `<img src=${s}><img srcset="${s} 1x, b.png 2x">`),
    slot.map((s) => `<p style="color: ${s}">s</p><p style=margin:${s}>s</p>`),
    slot.map((s) => `<style>p { color: ${s} }</style>`),
    slot.map((s) => `<p style="background: ${s}(x.png)">f</p>`),
    slot.map((s) => `<textarea>${s}</textarea><title>${s}</title>`),
    slot.map((s) => `<xmp>${s}</xmp>`),
    slot.map((s) => `<meta http-equiv="refresh" content="0;url=${s}">`),
    slot.map((s) => `<svg><a href="${s}"><text>${s}</text></a><title>${s}</title></svg>`),
    slot.map(
      (s) =>
        `<svg><a><animate attributeName="href" values="${s}"/><set attributeName="href" to="${s}"/></a></svg>`
    ),
    slot.map((s) => `<math><mi>${s}</mi></math>`),
    slot.map((s) => `<p>&amp;${s}&#106;${s}&</p>`),
    slot.map((s) => `<table><tr><td width=${s}>${s}</td></tr></table>`),
    fc.constantFrom('<p>plain &amp; text</p>', '<!-- note -->', '<br>'),
    slot.map((s) => `<!-- ${s} -->`),
    slot.map((s) => `<script>${s}</script>`)
  );
  const wrappers: Array<(inner: string) => string> = [
    (inner) => `<svg>${inner}</svg>`,
    (inner) => `<math>${inner}</math>`,
    (inner) => `<svg><foreignObject>${inner}</foreignObject></svg>`,
    (inner) => `<noscript>${inner}</noscript>`,
    (inner) => `<!--[if mso]>${inner}<![endif]-->`,
    (inner) => `<!--[if !mso]><!-->${inner}<!--<![endif]-->`,
    (inner) => `<template>${inner}</template>`,
    (inner) => `<div>${inner}</div>`,
    (inner) => `<table><tr><td>${inner}</td></tr></table>`,
    (inner) => `<textarea>${inner}</textarea>`,
    (inner) => `<style>${inner}</style>`,
  ];
  const { template } = fc.letrec<{ template: string; wrapped: string; sequence: string }>((tie) => ({
    template: fc.oneof({ depthSize: 'small' }, leaf, tie('wrapped'), tie('sequence')),
    wrapped: fc
      .tuple(fc.integer({ min: 0, max: wrappers.length - 1 }), tie('template'))
      .map(([index, inner]) => wrappers[index]?.(inner) ?? ''),
    sequence: fc.array(tie('template'), { minLength: 2, maxLength: 3 }).map((parts) => parts.join('')),
  }));

  const fragments = [
    '</svg>',
    '</math>',
    '</noscript>',
    '<![endif]-->',
    '-->',
    ']]>',
    '</style>',
    '</textarea>',
    '</xmp>',
    'javascript:alert(1)',
    ' JaVa\tScRiPt:alert(1)',
    'java',
    'script:alert(1)',
    'colon;alert(1)',
    '#106;',
    'x onmouseover=alert(1)',
    '"',
    "'",
    '<',
    '>',
    '&',
    ';background:url(x)',
    '}',
    '\u000B',
    ' ',
    '&#x6a;',
    '',
    'data:text/html,x',
    '<img src=x onerror=alert(1)>',
    '0;url=javascript:alert(1)',
    'https://ok.test/',
    '/relative',
  ];
  const hostile = fc.oneof(
    fc.constantFrom(...fragments),
    fc.string({ maxLength: 12 }),
    fc.array(fc.constantFrom(...fragments), { maxLength: 4 }).map((parts) => parts.join(''))
  );

  it(
    'sends only what keeps every reader’s elements, URLs and CSS as the template’s, and refuses the rest with a sentence',
    { timeout: 120_000 },
    () => {
      const outcomes = { sent: 0, refusedUrl: 0, refusedPlace: 0 };
      fc.assert(
        fc.property(template, hostile, hostile, hostile, (content, a, b, c) => {
          const payload = { a, b, c };
          const outcome = outcomeOf(content, payload);
          const reference = outcomeOf(content, harmless(payload));
          if ('refused' in outcome) {
            if ('html' in reference) {
              outcomes.refusedUrl += 1;
              expect(outcome.refused).toMatch(
                /^The value for {{[abc]}} makes the [\w:-]+ attribute a "[^"]*:" URL; links and images made from payload values may only use http, https, mailto or a relative URL\.$/
              );
            } else {
              outcomes.refusedPlace += 1;
              // The template refuses harmless values too: the first placeholder in the way decides the sentence.
              expect(outcome.refused).toMatch(
                /^(The test template puts {{[abc]}} .*, where no value can be inserted safely|The value for {{[abc]}} makes the [\w:-]+ attribute a )/
              );
            }
            return;
          }
          outcomes.sent += 1;
          expect(reference).toHaveProperty('html');
          expectSafe(content, payload, outcome.html);
        }),
        { numRuns: 400 }
      );
      // The grammar reached every outcome, so the property said something about each.
      // (About 300, 15 and 85 of 400.)
      expect(outcomes.sent).toBeGreaterThan(150);
      expect(outcomes.refusedUrl).toBeGreaterThan(2);
      expect(outcomes.refusedPlace).toBeGreaterThan(20);
    }
  );
});
