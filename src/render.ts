import escapeHtml from 'escape-html';
import { type HtmlToTextOptions, convert } from 'html-to-text';
import { LRUCache } from 'lru-cache';

import { type CacheName, ownCache } from './caches.js';
import { stripControlCharacters } from './mailbox.js';

/** A `{{ path }}` placeholder as written in a template. */
type Placeholder = {
  written: string;
  root: string;
  path: readonly string[];
  /** True inside an HTML tag outside quotes (`<td width={{x}}>`), where a space starts a new attribute. */
  inBareTag?: boolean;
};

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

type HtmlState = 'text' | 'tag' | 'double-quoted' | 'single-quoted' | 'comment';

/**
 * Where HTML markup puts each offset: in text, in a tag outside quotes, in a quoted attribute
 * value, or in a comment. Enough to tell which placeholders sit in a bare tag context.
 */
const htmlStatesAt = (html: string, offsets: readonly number[]): HtmlState[] => {
  const states: HtmlState[] = [];
  let state: HtmlState = 'text';
  let next = 0;
  for (let index = 0; index <= html.length && next < offsets.length; index += 1) {
    while (offsets[next] === index) {
      states.push(state);
      next += 1;
    }
    const character = html[index];
    if (state === 'text' && character === '<') {
      if (html.startsWith('<!--', index)) {
        state = 'comment';
        index += 3;
      } else if (/[a-z/]/i.test(html[index + 1] ?? '')) {
        state = 'tag';
      }
    } else if (state === 'comment' && html.startsWith('-->', index)) {
      state = 'text';
      index += 2;
    } else if (state === 'tag') {
      state =
        character === '"'
          ? 'double-quoted'
          : character === "'"
            ? 'single-quoted'
            : character === '>'
              ? 'text'
              : 'tag';
    } else if (
      (state === 'double-quoted' && character === '"') ||
      (state === 'single-quoted' && character === "'")
    ) {
      state = 'tag';
    }
  }
  return states;
};

/**
 * Splits a template into literal text and placeholders. With `html`, placeholders inside a tag
 * but outside quotes are marked, so their values get the strictest escaping.
 */
export const compileTemplateText = (template: string, { html = false } = {}): CompiledText => {
  const segments: Array<string | Placeholder> = [];
  const matches = [...template.matchAll(placeholderPattern)];
  const states = html
    ? htmlStatesAt(
        template,
        matches.map((match) => match.index)
      )
    : [];
  let last = 0;
  for (const [position, match] of matches.entries()) {
    const [written, key = ''] = match;
    if (match.index > last) {
      segments.push(template.slice(last, match.index));
    }
    const path = key.split('.');
    segments.push({
      written,
      root: path[0] ?? '',
      path,
      ...(states[position] === 'tag' && { inBareTag: true }),
    });
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
 * HTML escaping for one placeholder: `&<>"'` in text and quoted attributes; in a bare tag
 * context every character but letters and digits becomes a character reference, so a space or
 * `=` in a value cannot start a new attribute.
 */
export const escapeForHtml = (value: string, placeholder: { inBareTag?: boolean }): string =>
  placeholder.inBareTag
    ? value.replaceAll(
        /[^\p{L}\p{N}]/gu,
        (character) => `&#x${(character.codePointAt(0) ?? 0).toString(16)};`
      )
    : escapeHtml(value);

/**
 * Fills the placeholders of a compiled template with Logto's semantics: a placeholder whose root
 * key is not in the payload stays as written; a missing nested value becomes `''`. Only the
 * payload's own properties count (`{{constructor}}` stays as written). Each inserted value goes
 * through `encode` (HTML escaping for HTML bodies).
 */
export const fillPlaceholders = (
  compiled: CompiledText,
  payload: Record<string, unknown>,
  encode: (value: string, placeholder: Placeholder) => string = asIs
): string => {
  let result = '';
  for (const segment of compiled) {
    if (typeof segment === 'string') {
      result += segment;
    } else if (Object.hasOwn(payload, segment.root)) {
      const value = lookUp(payload, segment.path);
      // Logto's own stringification, objects included, so templates behave as in other connectors.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      result += encode(String(value ?? ''), segment);
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

const compiledCache = (name: CacheName, compile: (template: string) => CompiledText) =>
  ownCache(name, new LRUCache<string, CompiledText>({ max: compiledCacheSize, memoMethod: compile }));

const compiledTexts = compiledCache('compiledTexts', (template) => compileTemplateText(template));
const compiledHtml = compiledCache('compiledHtml', (html) => compileTemplateText(html, { html: true }));
const compiledAlternatives = compiledCache('compiledAlternatives', (html) =>
  compileTemplateText(textAlternativeOf(html))
);

// Exactly the characters stripControlCharacters changes. Most subjects hold none: one test then
// instead of two replacements (a send's subject is rendered every time).
const controlCharacter = /[\u0000-\u001F\u007F]/;

const headerSafe = (text: string): string =>
  controlCharacter.test(text) ? stripControlCharacters(text) : text;

/** Fills a plain-text template used in a header (subject, display name): no control characters. */
export const renderHeaderText = (template: string, payload: Record<string, unknown>): string =>
  headerSafe(fillPlaceholders(compiledTexts.memo(template), payload)).trim();

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
    return { subject, text: fillPlaceholders(compiledTexts.memo(template.content), payload) };
  }
  return {
    subject,
    html: fillPlaceholders(compiledHtml.memo(template.content), payload, escapeForHtml),
    text: fillPlaceholders(compiledAlternatives.memo(template.content), payload),
  };
};
