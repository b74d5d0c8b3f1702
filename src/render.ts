import escapeHtml from 'escape-html';
import { type HtmlToTextOptions, convert } from 'html-to-text';
import { LRUCache } from 'lru-cache';

import { stripControlCharacters } from './mailbox.js';

/** A `{{ path }}` placeholder as written in a template. */
type Placeholder = { written: string; root: string; path: readonly string[] };

/** A template split once into literal text and placeholders, so each send only joins strings. */
export type CompiledText = ReadonlyArray<string | Placeholder>;

/** What {@link renderContent} needs of a template. */
export type ContentTemplate = {
  subject: string;
  content: string;
  contentType: 'text/html' | 'text/plain';
};

/** The subject and body parts of one email, placeholders filled in. */
export type RenderedContent = {
  /** Plain text without control characters (no CR or LF can reach the header). */
  subject: string;
  /** The HTML part; absent for `text/plain` templates. */
  html?: string;
  /** The plain-text part: the template itself for `text/plain`, else generated from the HTML. */
  text: string;
};

// The same placeholder syntax as Logto's `replaceSendMessageHandlebars`.
const placeholderPattern = /{{\s*([\w.]+)\s*}}/g;

const compiledCacheSize = 256;

/** Splits a template into literal text and placeholders. */
export const compileTemplateText = (template: string): CompiledText => {
  const segments: Array<string | Placeholder> = [];
  let last = 0;
  for (const match of template.matchAll(placeholderPattern)) {
    const [written, key = ''] = match;
    if (match.index > last) {
      segments.push(template.slice(last, match.index));
    }
    const path = key.split('.');
    segments.push({ written, root: path[0] ?? '', path });
    last = match.index + written.length;
  }
  if (last < template.length) {
    segments.push(template.slice(last));
  }
  return segments;
};

const lookUp = (payload: Record<string, unknown>, path: readonly string[]): unknown => {
  let current: unknown = payload;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current;
};

const asIs = (text: string): string => text;

/**
 * Fills the placeholders of a compiled template with Logto's semantics: a placeholder whose root
 * key is not in the payload stays as written; a missing nested value becomes `''`. Only the
 * payload's own properties count (`{{constructor}}` stays as written). Each inserted value goes
 * through `encode` (HTML escaping for HTML bodies).
 */
export const fillPlaceholders = (
  compiled: CompiledText,
  payload: Record<string, unknown>,
  encode: (value: string) => string = asIs
): string => {
  let result = '';
  for (const segment of compiled) {
    if (typeof segment === 'string') {
      result += segment;
    } else if (Object.hasOwn(payload, segment.root)) {
      const value = lookUp(payload, segment.path);
      // Logto's own stringification, objects included, so templates behave as in other connectors.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      result += encode(String(value ?? ''));
    } else {
      result += segment.written;
    }
  }
  return result;
};

const textAlternativeOptions: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((selector) => ({
      selector,
      options: { uppercase: false },
    })),
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'td', format: 'block' },
    { selector: 'th', format: 'block' },
  ],
};

/**
 * The readable plain-text version of an HTML template: no tags, links kept as `text [url]`,
 * headings not upper-cased, images dropped. Placeholders survive the conversion, so the text
 * part is generated once per template, not once per send.
 */
export const textAlternativeOf = (html: string): string => convert(html, textAlternativeOptions);

const compiledTexts = new LRUCache<string, CompiledText>({ max: compiledCacheSize });
const compiledAlternatives = new LRUCache<string, CompiledText>({ max: compiledCacheSize });

const compiledText = (template: string): CompiledText => {
  let compiled = compiledTexts.get(template);
  if (!compiled) {
    compiled = compileTemplateText(template);
    compiledTexts.set(template, compiled);
  }
  return compiled;
};

const compiledAlternative = (html: string): CompiledText => {
  let compiled = compiledAlternatives.get(html);
  if (!compiled) {
    compiled = compileTemplateText(textAlternativeOf(html));
    compiledAlternatives.set(html, compiled);
  }
  return compiled;
};

/** Fills a plain-text template used in a header (subject, display name): no control characters. */
export const renderHeaderText = (template: string, payload: Record<string, unknown>): string =>
  stripControlCharacters(fillPlaceholders(compiledText(template), payload)).trim();

/**
 * Renders a template's subject and body for one send. Values inserted into HTML are
 * HTML-escaped (user and organization names are user-controlled); an HTML template also gets
 * a plain-text alternative; a `text/plain` template is sent as text only.
 */
export const renderContent = (
  template: ContentTemplate,
  payload: Record<string, unknown>
): RenderedContent => {
  const subject = renderHeaderText(template.subject, payload);
  if (template.contentType === 'text/plain') {
    return { subject, text: fillPlaceholders(compiledText(template.content), payload) };
  }
  return {
    subject,
    html: fillPlaceholders(compiledText(template.content), payload, escapeHtml),
    text: fillPlaceholders(compiledAlternative(template.content), payload),
  };
};
