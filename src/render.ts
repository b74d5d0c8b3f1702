/**
 * Rendering one email's subject and body parts: headers as one line of plain text, HTML with
 * each value escaped for where it sits (src/html-template.ts), the plain-text part generated
 * from the HTML (src/plain-text-part.ts), text templates as they are.
 */
import { LRUCache } from 'lru-cache';

import { ownCache } from './caches.js';
import { renderHtmlTemplate } from './html-template.js';
import { stripControlCharacters } from './mailbox.js';
import { type PlaceholderText, compilePlaceholders, fillPlaceholders } from './placeholders.js';
import { renderTextPart } from './plain-text-part.js';

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

const compiledTexts = ownCache(
  'compiledTexts',
  new LRUCache<string, PlaceholderText>({ max: 256, memoMethod: compilePlaceholders })
);

/** Fills a plain-text template: values as they are. */
const renderText = (template: string, payload: Record<string, unknown>): string =>
  fillPlaceholders(compiledTexts.memo(template), payload);

// Exactly the characters stripControlCharacters changes. Most subjects hold none: one test then
// instead of two replacements (a send's subject is rendered every time).
const controlCharacter = /[\u0000-\u001F\u007F]/;

const headerSafe = (text: string): string =>
  controlCharacter.test(text) ? stripControlCharacters(text) : text;

/** Fills a plain-text template used in a header (subject, display name): no control characters. */
export const renderHeaderText = (template: string, payload: Record<string, unknown>): string =>
  headerSafe(renderText(template, payload)).trim();

/**
 * Renders a template's subject and body for one send. Values inserted into HTML are escaped for
 * where they sit (user and organization names are user-controlled); an HTML template also gets
 * a plain-text alternative; a `text/plain` template is sent as text only.
 *
 * @param templateName - How a refusal names the template, e.g. "connector's email template for SignIn".
 * @throws the host's `ConnectorError(General)` when a value cannot be read, or would go where no
 *   value is safe in the HTML, or makes a link or image URL other than http(s), mailto or relative.
 */
export const renderContent = (
  template: ContentTemplate,
  payload: Record<string, unknown>,
  templateName = 'email template'
): RenderedContent => {
  const subject = renderHeaderText(template.subject, payload);
  if (template.contentType === 'text/plain') {
    return { subject, text: renderText(template.content, payload) };
  }
  return {
    subject,
    html: renderHtmlTemplate(template.content, payload, templateName),
    text: renderTextPart(template.content, payload),
  };
};
