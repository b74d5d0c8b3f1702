/**
 * HTML templates: compiled once (each placeholder's escaping decided by where a spec-compliant
 * parser reads it, src/html-contexts.ts), then filled per send with each value escaped for its
 * place and every URL attribute checked as a reader decodes it.
 */
import { decodeHTMLAttribute } from 'entities/decode';
import { LRUCache } from 'lru-cache';

import { ownCache } from './caches.js';
import { generalError } from './errors.js';
import { type HtmlContext, type UrlKind, elementsOf, readHtmlTemplate, readingsOf } from './html-contexts.js';
import { type Escaping, escapeValue } from './html-escaping.js';
import {
  type Placeholder,
  type PlaceholderText,
  fillPlaceholders,
  placeholdersIn,
  splitAtPlaceholders,
} from './placeholders.js';
import { checkUrl } from './url-check.js';

/** A URL attribute holding a placeholder: its value as literal text (as written) and placeholders. */
type UrlAttribute = { name: string; kind: UrlKind; parts: PlaceholderText<HtmlSlot> };

/** A placeholder of an HTML template, with what its place decides. */
export type HtmlSlot = Placeholder & {
  /** How its value is escaped. */
  escaping: Escaping;
  /** Why no value may go there (the send is refused when it has a value). */
  refused?: string;
  /** The whole value of an unquoted attribute (`<td width={{x}}>`): an empty value is written `""`. */
  wholeUnquotedValue?: boolean;
  /** In a URL attribute (`href`, `src`…): the attribute's whole value, checked on every send. */
  url?: UrlAttribute;
};

/** A compiled HTML template: its parts, and its elements as each reading sees them. */
export type CompiledHtml = {
  parts: PlaceholderText<HtmlSlot>;
  /** The template's elements in each reading, placeholders as one word (see html-contexts.ts). */
  elements: string[][];
};

const escapingOf = (context: HtmlContext): Escaping => {
  switch (context.kind) {
    case 'text': {
      return 'html';
    }
    case 'css': {
      return 'css';
    }
    case 'attribute': {
      if (context.name === 'style') {
        return context.quoted ? 'css-html' : 'css-strict';
      }
      return context.quoted ? 'html' : 'strict';
    }
    default: {
      return 'strict';
    }
  }
};

/** Splits an HTML template into literal text and placeholders, each with its escaping. */
export const compileHtmlTemplate = (template: string): CompiledHtml => {
  const matches = placeholdersIn(template);
  const { contexts, marked, elements } = readHtmlTemplate(template, matches);
  const slots: HtmlSlot[] = [];
  const parts = splitAtPlaceholders(template, matches, ({ written, root, path, index }, position) => {
    const context = contexts[position] ?? { kind: 'text' };
    const escaping = escapingOf(context);
    const refused =
      context.kind === 'refused'
        ? context.where
        : escaping.startsWith('css') && template[index + written.length] === '('
          ? 'right before "(" in CSS, where its value would name a function such as url()'
          : undefined;
    const slot: HtmlSlot = {
      written,
      root,
      path,
      escaping,
      ...(refused !== undefined && { refused }),
      ...(context.kind === 'attribute' && context.whole && { wholeUnquotedValue: true }),
    };
    slots.push(slot);
    return slot;
  });
  // A URL attribute's value as written, split at its markers: literal text and the slots.
  for (const [position, context] of contexts.entries()) {
    const slot = slots[position];
    if (context.kind === 'attribute' && context.url && slot) {
      slot.url = {
        name: context.name,
        kind: context.url,
        parts: context.written
          .split(marked.marker)
          .map((part, index) => (index % 2 === 0 ? part : (slots[Number(part)] ?? ''))),
      };
    }
  }
  return { parts, elements };
};

const refusal = (slot: HtmlSlot, where: string, templateName: string) =>
  generalError(
    `The ${templateName} puts ${slot.written} ${where}, where no value can be inserted safely: move it into text or an ordinary attribute value.`
  );

const isAlphanumeric = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/**
 * Whether `written` ends with `&`, `&#`, `&name`… : a character reference that a value starting
 * with a letter, a digit, `#` or `;` would complete (`&{{a}}` with `colon;` reads as `:`).
 */
const endsWithOpenReference = (written: string): boolean => {
  let index = written.length;
  while (index > 0 && isAlphanumeric(written.charCodeAt(index - 1))) {
    index -= 1;
  }
  if (written[index - 1] === '#') {
    index -= 1;
  }
  return written[index - 1] === '&';
};

const completesReference = /^[\da-z#;]/i;

/** A value escaped for its slot (an empty whole unquoted value is `""`). */
const escapeForSlot = (value: string, slot: HtmlSlot, written: string): string => {
  if (value === '' && slot.wholeUnquotedValue) {
    return '""';
  }
  const escaped = escapeValue(value, slot.escaping);
  // In a <style> element character references are not read; everywhere else, the first
  // character becomes one when it would complete a reference the template left open.
  if (slot.escaping !== 'css' && completesReference.test(escaped) && endsWithOpenReference(written)) {
    return `&#x${escaped.charCodeAt(0).toString(16)};${escaped.slice(1)}`;
  }
  return escaped;
};

/** The URL an attribute holds once the payload's values are in, as a reader decodes it. */
const urlValueOf = (url: UrlAttribute, payload: Record<string, unknown>): string =>
  decodeHTMLAttribute(
    fillPlaceholders(url.parts, payload, (value, slot, _payload, written) =>
      escapeForSlot(value, slot, written)
    )
  );

/** A value holding one of these may be markup; only then does {@link renderHtml} re-read the email. */
const markupCharacter = /[<>"'`]/;

const sameElements = (found: readonly string[], expected: readonly string[] | undefined): boolean =>
  expected !== undefined &&
  found.length === expected.length &&
  found.every((element, index) => element === expected[index]);

/** Whether `html` has, in every reading, exactly the elements and attribute names of `expected`. */
export const hasElements = (html: string, expected: readonly string[][]): boolean => {
  const readings = readingsOf(html);
  return (
    readings.length === expected.length &&
    readings.every(({ document }, index) => sameElements(elementsOf(document), expected[index]))
  );
};

/** The template filled with a harmless value (`x`, or empty) in place of each value. */
const harmlessRendering = (compiled: CompiledHtml, payload: Record<string, unknown>): string =>
  fillPlaceholders(compiled.parts, payload, (value, slot, _payload, written) =>
    escapeForSlot(value === '' ? '' : 'x', slot, written)
  );

const changedMarkup = (templateName: string) =>
  generalError(
    `A payload value (a user, organization or application name, the link or the code) would change the markup of the ${templateName}, so the email was not sent. Report the template to the connector's maintainers: the connector should have escaped the value.`
  );

/**
 * The safety net: the rendered email, re-read with the same parser, must have the template's
 * elements and attribute names in every reading. Compared with the template read with markers
 * first, then (only on a difference) with harmless values, which an empty value can change.
 */
const verifyElements = (
  compiled: CompiledHtml,
  html: string,
  payload: Record<string, unknown>,
  templateName: string
): void => {
  if (hasElements(html, compiled.elements)) {
    return;
  }
  const expected = readingsOf(harmlessRendering(compiled, payload)).map(({ document }) =>
    elementsOf(document)
  );
  if (!hasElements(html, expected)) {
    throw changedMarkup(templateName);
  }
};

/**
 * Fills an HTML template for one send: each value escaped for where it sits, every URL attribute
 * holding a value checked; when a value holds a markup character (`< > " ' \``), the email is
 * re-read and must keep the template's elements and attribute names.
 *
 * @throws the host's `ConnectorError(General)` naming the placeholder and the template when a
 *   value would go where none is safe, or makes a URL attribute anything but an http(s), mailto
 *   or relative URL; or naming the template when the email would not keep its elements.
 */
export const renderHtml = (
  compiled: CompiledHtml,
  payload: Record<string, unknown>,
  templateName: string,
  { safetyNet = true } = {}
): string => {
  const values = { holdMarkup: false };
  const html = fillPlaceholders(compiled.parts, payload, (value, slot, _payload, written) => {
    if (slot.refused !== undefined) {
      throw refusal(slot, slot.refused, templateName);
    }
    if (slot.url) {
      checkUrl(slot.url, urlValueOf(slot.url, payload), slot.written);
    }
    values.holdMarkup ||= markupCharacter.test(value);
    return escapeForSlot(value, slot, written);
  });
  if (values.holdMarkup && safetyNet) {
    verifyElements(compiled, html, payload, templateName);
  }
  return html;
};

const compiledHtml = ownCache(
  'compiledHtml',
  new LRUCache<string, CompiledHtml>({ max: 256, memoMethod: compileHtmlTemplate })
);

/** {@link renderHtml} with the template compiled once and cached. */
export const renderHtmlTemplate = (
  template: string,
  payload: Record<string, unknown>,
  templateName: string
): string => renderHtml(compiledHtml.memo(template), payload, templateName);
