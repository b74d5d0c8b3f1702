import { describe, expect, it } from 'vitest';

import { type HtmlContext, htmlContextsOf } from '../src/html-context.js';

/** The context of each `{{x}}` in a template, as a short word: text, raw, css, attribute name, refused. */
const contextsIn = (html: string): string[] => {
  const spans = [...html.matchAll(/{{x}}/g)].map((match) => ({ start: match.index, end: match.index + 5 }));
  return htmlContextsOf(html, spans).map((context: HtmlContext) => {
    switch (context.kind) {
      case 'attribute': {
        return `${context.quoted ? 'quoted' : 'unquoted'} ${context.attribute.name}`;
      }
      case 'refused': {
        return `refused ${context.where}`;
      }
      default: {
        return context.kind;
      }
    }
  });
};

describe('htmlContextsOf follows the HTML tokenizer', () => {
  it.each([
    ['text', 'a {{x}} b', ['text']],
    ['a lone <', '1 < {{x}}', ['text']],
    ['an end tag, then text', '</p>{{x}}', ['text']],
    ['an empty end tag', '</>{{x}}', ['text']],
    ['a bogus end tag', '</ a>{{x}}<b c={{x}}>', ['text', 'unquoted c']],
    ['a processing instruction', '<?x {{x}} ?>{{x}}', ['text', 'text']],
    ['quoted values', '<a b="{{x}}" c=\'{{x}}\'>', ['quoted b', 'quoted c']],
    ['a value after spaces around =', '<a b = {{x}}>', ['unquoted b']],
    ['an empty value before >', '<a b=>{{x}}', ['text']],
    ['a bare attribute, then another', '<a b c={{x}}>', ['unquoted c']],
    ['a self-closing tag', '<br/>{{x}}<a b />{{x}}', ['text', 'text']],
    ['a slash inside a tag', '<a / b={{x}}>', ['unquoted b']],
    ['a quoted value followed by /', '<a b="1"/>{{x}}', ['text']],
    ['a quoted value followed by an attribute', '<a b="1"c={{x}}>', ['unquoted c']],
    ['an attribute name starting with =', '<a =b={{x}}>', ['unquoted =b']],
    ['an attribute named after a slash', '<a b/c={{x}}>', ['unquoted c']],
    ['a bare attribute before /', '<a b/>{{x}}', ['text']],
    ['an upper-case attribute', '<A HREF="{{x}}">', ['quoted href']],
    ['a tag name', '<{{x}}>', ['refused in a tag name']],
    ['an end tag name', '</{{x}}>', ['refused in a tag name']],
    ['an attribute name', '<a {{x}}>', ['refused where an attribute name is written']],
    [
      'an attribute name after a quoted value',
      '<a b="1"{{x}}>',
      ['refused where an attribute name is written'],
    ],
    ['comments', '<!-- {{x}} -->{{x}}', ['text', 'text']],
    ['an empty comment', '<!-->{{x}}<!--->{{x}}', ['text', 'text']],
    ['a comment with dashes inside', '<!-- a - b -- c --->{{x}}', ['text']],
    ['a comment closed by --!>', '<!-- a --!>{{x}}', ['text']],
    ['a comment with --! inside', '<!-- a --!- b --!x -->{{x}}', ['text']],
    ['a comment starting with a dash', '<!---a-->{{x}}', ['text']],
    ['a placeholder right after <!--', '<!--{{x}}--><a b={{x}}>', ['text', 'unquoted b']],
    ['a doctype', '<!DOCTYPE html>{{x}}', ['text']],
    ['an Outlook conditional comment', '<!--[if mso]><a b={{x}}><![endif]-->', ['unquoted b']],
    ['a conditional opener never closed', '<!--[if mso <a b={{x}}>', ['text']],
    ['a <title>', '<title><a b={{x}}></title><a b={{x}}>', ['text', 'unquoted b']],
    ['a <style>', '<style>{{x}}</style ><a b={{x}}>', ['css', 'unquoted b']],
    ['a <style> closed by a longer name', '<style></styles>{{x}}', ['css']],
    ['raw text', '<xmp>{{x}}</xmp>{{x}}', ['raw', 'text']],
    ['plaintext', '<plaintext></plaintext>{{x}}', ['raw']],
    ['a script', '<script>{{x}}</script>{{x}}', ['refused inside a <script> element', 'text']],
    [
      'an escaped script',
      '<script><!-- {{x}} --> </script>{{x}}',
      ['refused inside a <script> element', 'text'],
    ],
    [
      'a double-escaped script',
      '<script><!--<script></script>{{x}}--></script>{{x}}',
      ['refused inside a <script> element', 'text'],
    ],
    ['a script that is never closed', '<script>', []],
    ['an unquoted value at the end', '<a b={{x}}', ['unquoted b']],
  ])('reads %s', (_name, html, contexts) => {
    expect(contextsIn(html)).toEqual(contexts);
  });
});
