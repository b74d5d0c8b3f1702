import { ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { renderContent, renderHeaderText } from '../src/render.js';

describe('renderContent for HTML templates', () => {
  const template = {
    subject: 'Hi {{user.name}}: {{code}}',
    content:
      '<h1>Code {{code}}</h1><p>Join <a href="{{link}}">{{organization.name}}</a></p><img src="logo.png" alt="logo">',
    contentType: 'text/html' as const,
  };
  const payload = {
    code: '123456',
    link: 'https://x.test/?a=1&b="2"',
    organization: { name: '<script>alert("x")</script> & Co' },
    user: { name: 'Ada\r\nBcc: evil@example.com' },
  };

  it('HTML-escapes every inserted value, in text and attributes', () => {
    const { html } = renderContent(template, payload);
    expect(html).toBe(
      '<h1>Code 123456</h1><p>Join <a href="https://x.test/?a=1&amp;b=&quot;2&quot;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</a></p><img src="logo.png" alt="logo">'
    );
  });

  it('adds a readable plain-text part: no tags, links kept, headings not upper-cased, images dropped', () => {
    const { text } = renderContent(template, payload);
    expect(text).toBe('Code 123456\n\nJoin <script>alert("x")</script> & Co [https://x.test/?a=1&b="2"]');
  });

  it('keeps the subject on one line', () => {
    expect(renderContent(template, payload).subject).toBe('Hi Ada Bcc: evil@example.com: 123456');
  });

  it('renders the same message twice from the cached compiled template', () => {
    expect(renderContent(template, payload)).toEqual(renderContent(template, payload));
  });
});

describe('placeholders inside HTML tags', () => {
  const render = (content: string, value: string) =>
    renderContent({ subject: 's', content, contentType: 'text/html' }, { v: value }).html;

  it('cannot add an attribute through an unquoted attribute value', () => {
    expect(render('<td width={{v}}>x</td>', 'x onclick=alert(1)')).toBe(
      '<td width=x&#x20;onclick&#x3d;alert&#x28;1&#x29;>x</td>'
    );
  });

  it('escapes quoted attribute values and text with the usual five entities', () => {
    expect(render('<a title="{{v}}" href=\'{{v}}\'>{{v}}</a>', `a b"'<>&`)).toBe(
      '<a title="a b&quot;&#39;&lt;&gt;&amp;" href=\'a b&quot;&#39;&lt;&gt;&amp;\'>a b&quot;&#39;&lt;&gt;&amp;</a>'
    );
  });

  it('keeps letters and digits of every script readable in a bare tag context', () => {
    expect(render('<td class={{v}}>', 'Größe名前7')).toBe('<td class=Größe名前7>');
  });

  it('treats a comment, a lone < and closing tags correctly', () => {
    expect(render('<!-- <td> --> 1 < 2 {{v}} </p> <br/>{{v}}', 'a b')).toBe(
      '<!-- <td> --> 1 < 2 a b </p> <br/>a b'
    );
  });
});

describe('placeholders in every HTML tokenizer state', () => {
  const render = (content: string, value: unknown) =>
    renderContent({ subject: 's', content, contentType: 'text/html' }, { v: value }).html;
  const attack = 'x onclick=alert(1)';
  const strict = 'x&#x20;onclick&#x3d;alert&#x28;1&#x29;';
  const refusal = (content: string, value: unknown) => {
    try {
      render(content, value);
    } catch (error: unknown) {
      return error;
    }
    return undefined;
  };

  it.each([
    ['after an empty comment <!-->', '<!--><td width={{v}}>', `<!--><td width=${strict}>`],
    ['after an empty comment <!--->', '<!---><td width={{v}}>', `<!---><td width=${strict}>`],
    ['after a comment closed by --!>', '<!-- a --!><td width={{v}}>', `<!-- a --!><td width=${strict}>`],
    [
      "after an apostrophe in an unquoted value (alt=it's)",
      "<img alt=it's src={{v}}>",
      `<img alt=it's src=${strict}>`,
    ],
    [
      'inside an Outlook conditional comment',
      '<!--[if mso]><td width={{v}}><![endif]-->',
      `<!--[if mso]><td width=${strict}><![endif]-->`,
    ],
    [
      'after a downlevel-revealed conditional comment',
      '<!--[if !mso]><!--><td width={{v}}><!--<![endif]-->',
      `<!--[if !mso]><!--><td width=${strict}><!--<![endif]-->`,
    ],
    ['after a <title>', '<title>t</title><td width={{v}}>', `<title>t</title><td width=${strict}>`],
    ['after a bogus comment', '<? x ><td width={{v}}>', `<? x ><td width=${strict}>`],
    ['after a doctype', '<!DOCTYPE html><td width={{v}}>', `<!DOCTYPE html><td width=${strict}>`],
    [
      'in raw text a client might parse as HTML',
      '<xmp><td width={{v}}></xmp>',
      `<xmp><td width=${strict}></xmp>`,
    ],
  ])('escapes an unquoted attribute value strictly %s', (_name, content, html) => {
    expect(render(content, attack)).toBe(html);
  });

  it('writes an empty whole unquoted value as "", so the next attribute stays an attribute', () => {
    expect(render('<td width={{v}} class=x>', '')).toBe('<td width="" class=x>');
    expect(render('<td width={{v}}px class=x>', '')).toBe('<td width=px class=x>');
  });

  it('keeps a textarea as text', () => {
    expect(render('<textarea><td width={{v}}></textarea>', '<a> -->')).toBe(
      '<textarea><td width=&lt;a&gt; --&gt;></textarea>'
    );
  });

  it('CSS-escapes a value in <style>, so it cannot close the rule or the element', () => {
    expect(
      render('<style>p { color: {{v}} }</style>', 'red } body { background: url(//x.test) } </style>')
    ).toBe(
      '<style>p { color: red \\7d  body \\7b  background\\3a  url\\28 \\2f \\2f x.test\\29  \\7d  \\3c \\2f style\\3e  }</style>'
    );
  });

  it('CSS-escapes a value in a style attribute, so it cannot add a declaration', () => {
    expect(render('<p style="color: {{v}}">', 'red; background: url("x")')).toBe(
      '<p style="color: red\\3b  background\\3a  url\\28 \\22 x\\22 \\29 ">'
    );
    expect(render('<p style="color: {{v}}">', '#ff0000')).toBe('<p style="color: #ff0000">');
  });

  it.each([
    ['a <script> element', '<script>var a = "{{v}}";</script>', 'inside a <script> element'],
    ['an escaped script', '<script><!-- <script></script> {{v}} --></script>', 'inside a <script> element'],
    ['an event handler', '<a onclick="go(\'{{v}}\')">', 'in the onclick attribute, which holds script'],
    ['srcdoc', '<iframe srcdoc="{{v}}">', 'in the srcdoc attribute, which holds HTML'],
    ['a tag name', '<{{v}}>', 'in a tag name'],
    ['an attribute name', '<td {{v}}="1">', 'where an attribute name is written'],
    ['a comment', '<!-- {{v}} -->', 'inside an HTML comment'],
  ])("refuses a value in %s with the host's ConnectorError", (_name, content, where) => {
    expect(refusal(content, 'x')).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringContaining(
          `puts {{v}} ${where}, where no value can be inserted safely`
        ),
      },
    });
    // A placeholder whose root is not in the payload stays as written and is not refused.
    expect(renderContent({ subject: 's', content, contentType: 'text/html' }, {}).html).toBe(content);
  });

  it.each([
    ['javascript:alert(1)', '<a href="{{v}}">'],
    [' JaVa\tScRiPt:alert(1)', '<a href="{{v}}">'],
    ['\u0001javascript:alert(1)', '<a href={{v}}>'],
    ['data:text/html,<script>', '<img src="{{v}}">'],
    ['vbscript:x', '<form action="{{v}}">'],
    ['script:alert(1)', '<a href="java{{v}}">'],
    ['avascript:alert(1)', '<a href="&#106;{{v}}">'],
    ['alert(1)', '<a href="javascript&colon;{{v}}">'],
    ['https://x.test/a.png 1x, javascript:alert(1) 2x', '<img srcset="{{v}}">'],
    ['javascript:alert(1)', '<button formaction="{{v}}">'],
    ['javascript:alert(1)', '<table background="{{v}}">'],
    ['javascript:alert(1)', '<video poster="{{v}}">'],
    ['javascript:alert(1)', '<blockquote cite="{{v}}">'],
    ['javascript:alert(1)', '<object data="{{v}}">'],
  ])('refuses %j as a URL value in %s', (value, content) => {
    expect(refusal(content, value)).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringMatching(
          /^The value for {{v}} makes the [a-z]+ attribute a "[a-z]+:" URL; links and images made from payload values may only use http, https, mailto or a relative URL\.$/
        ),
      },
    });
  });

  it.each([
    ['https://x.test/?a=1&b=2', '<a href="{{v}}">', '<a href="https://x.test/?a=1&amp;b=2">'],
    ['HTTP://X.TEST', '<a href={{v}}>', '<a href=HTTP&#x3a;&#x2f;&#x2f;X&#x2e;TEST>'],
    ['mailto:a@example.com', '<a href="{{v}}">', '<a href="mailto:a@example.com">'],
    ['/invite?id=1', '<a href="{{v}}">', '<a href="/invite?id=1">'],
    ['#top', '<a href="{{v}}">', '<a href="#top">'],
    [
      'javascript:alert(1)',
      '<a href="https://x.test/?q={{v}}">',
      '<a href="https://x.test/?q=javascript:alert(1)">',
    ],
    ['javascript:alert(1)', '<a title="{{v}}">', '<a title="javascript:alert(1)">'],
    ['a.png 1x, b.png 2x', '<img srcset="{{v}}">', '<img srcset="a.png 1x, b.png 2x">'],
  ])('accepts %j in %s', (value, content, html) => {
    expect(render(content, value)).toBe(html);
  });
});

describe('renderContent for text/plain templates', () => {
  it('sends text only, values verbatim', () => {
    const rendered = renderContent(
      { subject: 'S', content: 'Code: {{code}}\nFor <{{user.name}}>', contentType: 'text/plain' },
      { code: '1', user: { name: '<b>Ada</b>' } }
    );
    expect(rendered).toEqual({ subject: 'S', text: 'Code: 1\nFor <<b>Ada</b>>' });
    expect(rendered.html).toBeUndefined();
  });
});

describe('renderHeaderText', () => {
  it('strips control characters and trims', () => {
    expect(renderHeaderText(' {{a}} ', { a: '\u0000x\ty\n' })).toBe('x y');
  });
});
