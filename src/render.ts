import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import escapeHtml from 'escape-html';
import { type HtmlToTextOptions, convert } from 'html-to-text';
import { Parser } from 'htmlparser2';
import { LRUCache } from 'lru-cache';

import { type HtmlContext, htmlContextsOf } from './html-context.js';
import { stripControlCharacters } from './mailbox.js';

/** A `{{ path }}` placeholder as written in a template. */
type Placeholder = {
  written: string;
  root: string;
  path: readonly string[];
  /** In an HTML template: where the placeholder sits, which decides its escaping. */
  context?: HtmlContext;
  /** The whole value of an unquoted attribute (`<td width={{x}}>`). */
  wholeUnquotedValue?: boolean;
  /** In a URL attribute (`href`, `src`…): the attribute's whole value, checked once per send. */
  url?: UrlAttributeValue;
};

/** A URL attribute's value as literal text (character references decoded) and placeholders. */
type UrlAttributeValue = {
  name: string;
  parts: CompiledText;
  /** The attribute's first placeholder, where the check runs: once per send. */
  first?: Placeholder;
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

/** Attributes whose value is a URL a client may follow or load. */
const urlAttributes = new Set([
  'action',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'dynsrc',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'lowsrc',
  'manifest',
  'ping',
  'poster',
  'profile',
  'src',
  'srcset',
  'usemap',
  'xlink:href',
]);

/** Event handlers hold script; `srcdoc` holds a whole HTML document. */
const refine = (context: HtmlContext): HtmlContext => {
  if (context.kind !== 'attribute') {
    return context;
  }
  const { name } = context.attribute;
  if (name.startsWith('on') || name === 'srcdoc') {
    return {
      kind: 'refused',
      where: `in the ${name} attribute, which holds ${name === 'srcdoc' ? 'HTML' : 'script'}`,
    };
  }
  return context;
};

/** Literal attribute text as a client reads it: character references decoded. */
const decodedAttributeText = (text: string): string => {
  if (!text.includes('&')) {
    return text;
  }
  let decoded = text;
  const parser = new Parser({ onattribute: (_name, value) => (decoded = value) }, { decodeEntities: true });
  parser.end(`<a v="${text.replaceAll('"', '&quot;')}">`);
  return decoded;
};

/**
 * Gives every placeholder in a URL attribute the attribute's whole value (decoded literal text
 * and placeholders), so a send can check the URL its values make. The placeholders of one
 * attribute are consecutive: one pass.
 */
const attachUrlChecks = (
  template: string,
  segments: ReadonlyArray<string | Placeholder>,
  matches: readonly RegExpExecArray[]
) => {
  const placeholders = segments.filter((segment): segment is Placeholder => typeof segment !== 'string');
  let index = 0;
  while (index < placeholders.length) {
    const context = placeholders[index]?.context;
    if (context?.kind !== 'attribute' || !urlAttributes.has(context.attribute.name)) {
      index += 1;
      continue;
    }
    const { attribute } = context;
    const parts: Array<string | Placeholder> = [];
    const url: UrlAttributeValue = { name: attribute.name, parts };
    let last = attribute.start;
    for (; index < placeholders.length; index += 1) {
      const placeholder = placeholders[index];
      const match = matches[index];
      const inner = placeholder?.context;
      if (!placeholder || !match || inner?.kind !== 'attribute' || inner.attribute !== attribute) {
        break;
      }
      parts.push(decodedAttributeText(template.slice(last, match.index)));
      parts.push(placeholder);
      placeholder.url = url;
      url.first ??= placeholder;
      last = match.index + match[0].length;
    }
    parts.push(decodedAttributeText(template.slice(last, attribute.end)));
  }
};

const allowedSchemes = new Set(['http', 'https', 'mailto']);

/** The scheme a client reads in a URL: tabs and line breaks removed, leading spaces and controls ignored. */
const schemeOf = (url: string): string | undefined =>
  /^([a-z][a-z\d+.-]*):/i
    .exec(url.replaceAll(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, ''))?.[1]
    ?.toLowerCase();

/**
 * Refuses a URL attribute whose value, once the payload's values are in, is not an http(s),
 * mailto or relative URL (a `javascript:` or `data:` link made by a value).
 */
const checkUrl = (url: UrlAttributeValue, placeholder: Placeholder, payload: Record<string, unknown>) => {
  const value = fillPlaceholders(url.parts, payload);
  const candidates =
    url.name === 'srcset'
      ? value.split(',').map((candidate) => candidate.trim().split(/\s/, 1).join(''))
      : [value];
  for (const candidate of candidates) {
    const scheme = candidate.includes(':') ? schemeOf(candidate) : undefined;
    if (scheme !== undefined && !allowedSchemes.has(scheme)) {
      throw new ConnectorError(ConnectorErrorCodes.General, {
        errorDescription: `The value for ${placeholder.written} makes the ${url.name} attribute a "${scheme.slice(0, 32)}:" URL; links and images made from payload values may only use http, https, mailto or a relative URL.`,
      });
    }
  }
};

/** The HTML encoder: each value escaped for its context; a URL attribute checked at its first placeholder. */
const encodeForHtml = (value: string, placeholder: Placeholder, payload: Record<string, unknown>): string => {
  if (placeholder.url?.first === placeholder) {
    checkUrl(placeholder.url, placeholder, payload);
  }
  return escapeForHtml(value, placeholder);
};

/**
 * Splits a template into literal text and placeholders. With `html`, each placeholder gets its
 * context in the markup, which decides how its value is escaped.
 */
export const compileTemplateText = (template: string, { html = false } = {}): CompiledText => {
  const segments: Array<string | Placeholder> = [];
  const matches = [...template.matchAll(placeholderPattern)];
  const contexts = html
    ? htmlContextsOf(
        template,
        matches.map((match) => ({ start: match.index, end: match.index + match[0].length }))
      )
    : [];
  let last = 0;
  for (const [position, match] of matches.entries()) {
    const [written, key = ''] = match;
    if (match.index > last) {
      segments.push(template.slice(last, match.index));
    }
    const path = key.split('.');
    const context = contexts[position];
    // An empty value that is a whole unquoted attribute value is written as "": otherwise the
    // next attribute would become the value (`<td width= class=x>`).
    const wholeUnquotedValue =
      context?.kind === 'attribute' &&
      !context.quoted &&
      context.attribute.start === match.index &&
      context.attribute.end === match.index + written.length;
    segments.push({
      written,
      root: path[0] ?? '',
      path,
      ...(context && { context: refine(context) }),
      ...(wholeUnquotedValue && { wholeUnquotedValue }),
    });
    last = match.index + written.length;
  }
  if (last < template.length) {
    segments.push(template.slice(last));
  }
  if (html) {
    attachUrlChecks(template, segments, matches);
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

/** The value of a placeholder that could not be read: a sentence for the Console. */
const unreadableValue = (placeholder: Placeholder, cause: unknown): ConnectorError => {
  const error = new ConnectorError(ConnectorErrorCodes.General, {
    errorDescription: `The message payload's value for ${placeholder.written} could not be read or turned into text (a getter or its toString failed). Logto sends plain values; check the code that called sendMessage.`,
  });
  error.cause = cause;
  return error;
};

const hasNoConversion = (value: object): boolean =>
  !(Symbol.toPrimitive in value) && !('toString' in value) && !('valueOf' in value);

/**
 * Logto's own stringification (`String(value)`, objects included), so templates behave as in
 * other connectors. An object without a prototype reads as any other plain object does,
 * `[object Object]`; a value whose conversion throws is a ConnectorError naming the placeholder.
 */
const textOf = (value: unknown, placeholder: Placeholder): string => {
  if (typeof value === 'string') {
    return value;
  }
  try {
    if (typeof value === 'object' && value !== null && hasNoConversion(value)) {
      return '[object Object]';
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return String(value ?? '');
  } catch (error: unknown) {
    throw unreadableValue(placeholder, error);
  }
};

/** {@link lookUp}, with a throwing getter or proxy turned into a ConnectorError. */
const valueAt = (payload: Record<string, unknown>, placeholder: Placeholder): unknown => {
  try {
    return lookUp(payload, placeholder.path);
  } catch (error: unknown) {
    throw unreadableValue(placeholder, error);
  }
};

/** Every character but letters and digits as a character reference: safe in any HTML context. */
const strictHtml = (value: string): string =>
  value.replaceAll(/[^\p{L}\p{N}]/gu, (character) => `&#x${(character.codePointAt(0) ?? 0).toString(16)};`);

/**
 * CSS escapes (`\3b `) for every character that could end a value, a declaration, a rule, a
 * comment or the `<style>` element: letters, digits and `# . % + , -` and spaces stay.
 */
const cssEscaped = (value: string): string =>
  value.replaceAll(
    /[^\p{L}\p{N}#.%+, -]/gu,
    (character) => `\\${(character.codePointAt(0) ?? 0).toString(16)} `
  );

const refusedPlaceholder = (placeholder: Placeholder, where: string): ConnectorError =>
  new ConnectorError(ConnectorErrorCodes.General, {
    errorDescription: `The email template puts ${placeholder.written} ${where}, where no value can be inserted safely: move it into text or an ordinary attribute value.`,
  });

/**
 * Escaping for one placeholder of an HTML template, by its context: the usual five entities in
 * text and quoted attribute values; every character but letters and digits as a character
 * reference in an unquoted attribute value and in raw text; CSS escapes in `<style>` and
 * `style` attributes. A placeholder inside a script, an event handler, `srcdoc`, or where a tag
 * or attribute name goes is refused with a ConnectorError.
 */
export const escapeForHtml = (
  value: string,
  placeholder: { context?: HtmlContext; written?: string; wholeUnquotedValue?: boolean }
): string => {
  const context = placeholder.context ?? { kind: 'text' };
  switch (context.kind) {
    case 'text': {
      return escapeHtml(value);
    }
    case 'raw': {
      return strictHtml(value);
    }
    case 'css': {
      return cssEscaped(value);
    }
    case 'attribute': {
      const text = context.attribute.name === 'style' ? cssEscaped(value) : value;
      if (context.quoted) {
        return escapeHtml(text);
      }
      return text === '' && placeholder.wholeUnquotedValue ? '""' : strictHtml(text);
    }
    case 'refused': {
      throw refusedPlaceholder(
        { written: placeholder.written ?? '{{…}}', root: '', path: [] },
        context.where
      );
    }
  }
};

const hasRoot = (payload: Record<string, unknown>, placeholder: Placeholder): boolean => {
  try {
    return Object.hasOwn(payload, placeholder.root);
  } catch (error: unknown) {
    throw unreadableValue(placeholder, error);
  }
};

/**
 * Fills the placeholders of a compiled template with Logto's semantics: a placeholder whose root
 * key is not in the payload stays as written; a missing nested value becomes `''`. Only the
 * payload's own properties count (`{{constructor}}` stays as written). Each inserted value goes
 * through `encode` (HTML escaping for HTML bodies).
 *
 * @throws the host's `ConnectorError(General)` when a value cannot be read or turned into text
 *   (a throwing getter, proxy or `toString`).
 */
export const fillPlaceholders = (
  compiled: CompiledText,
  payload: Record<string, unknown>,
  encode: (value: string, placeholder: Placeholder, payload: Record<string, unknown>) => string = asIs
): string => {
  let result = '';
  for (const segment of compiled) {
    if (typeof segment === 'string') {
      result += segment;
    } else if (hasRoot(payload, segment)) {
      result += encode(textOf(valueAt(payload, segment), segment), segment, payload);
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

const compiledCache = (compile: (template: string) => CompiledText) =>
  new LRUCache<string, CompiledText>({ max: compiledCacheSize, memoMethod: compile });

const compiledTexts = compiledCache((template) => compileTemplateText(template));
const compiledHtml = compiledCache((html) => compileTemplateText(html, { html: true }));
const compiledAlternatives = compiledCache((html) => compileTemplateText(textAlternativeOf(html)));

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
    html: fillPlaceholders(compiledHtml.memo(template.content), payload, encodeForHtml),
    text: fillPlaceholders(compiledAlternatives.memo(template.content), payload),
  };
};
