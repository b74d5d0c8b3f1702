/**
 * HTML templates: compiled once (each placeholder's escaping decided by where it sits), then
 * filled per send with each value escaped for its place and every URL attribute checked.
 */
import { decodeHTMLAttribute } from 'entities/decode';
import { LRUCache } from 'lru-cache';

import { ownCache } from './caches.js';
import { generalError } from './errors.js';
import { type Escaping, escapeValue } from './html-escaping.js';
import { htmlContextsOf } from './html-context.js';
import {
  type Placeholder,
  type PlaceholderText,
  fillPlaceholders,
  placeholdersIn,
  splitAtPlaceholders,
} from './placeholders.js';
import { checkUrl, urlAttributes } from './url-check.js';

/** A URL attribute's value: its literal text (as written) and placeholders. */
type UrlAttribute = { name: string; parts: PlaceholderText<HtmlSlot> };

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

/** Event handlers hold script; `srcdoc` holds a whole HTML document. */
const refusedAttribute = (name: string): string | undefined =>
  name.startsWith('on') || name === 'srcdoc'
    ? `in the ${name} attribute, which holds ${name === 'srcdoc' ? 'HTML' : 'script'}`
    : undefined;

/** Splits an HTML template into literal text and placeholders, each with its escaping. */
export const compileHtmlTemplate = (template: string): PlaceholderText<HtmlSlot> => {
  const matches = placeholdersIn(template);
  const contexts = htmlContextsOf(
    template,
    matches.map(({ index, written }) => ({ start: index, end: index + written.length }))
  );
  /** Each URL attribute's parts so far, and where its text after the last placeholder starts. */
  const urls = new Map<
    object,
    { url: UrlAttribute; parts: Array<string | HtmlSlot>; from: number; end: number }
  >();
  const segments = splitAtPlaceholders(template, matches, (match, position): HtmlSlot => {
    const { written, root, path, index } = match;
    const context = contexts[position] ?? { kind: 'text' };
    const slot: HtmlSlot = { written, root, path, escaping: 'html' };
    switch (context.kind) {
      case 'text': {
        return slot;
      }
      case 'raw': {
        return { ...slot, escaping: 'strict' };
      }
      case 'css': {
        return { ...slot, escaping: 'css' };
      }
      case 'refused': {
        return { ...slot, refused: context.where };
      }
      case 'attribute': {
        const { attribute, quoted } = context;
        const css = attribute.name === 'style';
        const refused = refusedAttribute(attribute.name);
        const attributeSlot: HtmlSlot = {
          ...slot,
          escaping: css ? (quoted ? 'css-html' : 'css-strict') : quoted ? 'html' : 'strict',
          ...(refused && { refused }),
          ...(!quoted &&
            attribute.start === index &&
            attribute.end === index + written.length && { wholeUnquotedValue: true }),
        };
        if (urlAttributes.has(attribute.name)) {
          let entry = urls.get(attribute);
          if (!entry) {
            const parts: Array<string | HtmlSlot> = [];
            entry = {
              url: { name: attribute.name, parts },
              parts,
              from: attribute.start,
              end: attribute.end,
            };
            urls.set(attribute, entry);
          }
          entry.parts.push(template.slice(entry.from, index), attributeSlot);
          entry.from = index + written.length;
          attributeSlot.url = entry.url;
        }
        return attributeSlot;
      }
    }
  });
  for (const entry of urls.values()) {
    entry.parts.push(template.slice(entry.from, entry.end));
  }
  return segments;
};

const refusal = (slot: HtmlSlot, where: string, templateName: string) =>
  generalError(
    `The ${templateName} puts ${slot.written} ${where}, where no value can be inserted safely: move it into text or an ordinary attribute value.`
  );

/** A value escaped for its slot (an empty whole unquoted value is `""`). */
const escapeForSlot = (value: string, slot: HtmlSlot): string =>
  value === '' && slot.wholeUnquotedValue ? '""' : escapeValue(value, slot.escaping);

/** The URL an attribute holds once the payload's values are in, as a reader decodes it. */
const urlValueOf = (url: UrlAttribute, payload: Record<string, unknown>): string =>
  decodeHTMLAttribute(fillPlaceholders(url.parts, payload, escapeForSlot));

/**
 * Fills an HTML template for one send: each value escaped for where it sits, every URL attribute
 * holding a value checked.
 *
 * @throws the host's `ConnectorError(General)` naming the placeholder and the template when a
 *   value would go where none is safe, or makes a URL attribute anything but an http(s), mailto
 *   or relative URL.
 */
export const renderHtml = (
  compiled: PlaceholderText<HtmlSlot>,
  payload: Record<string, unknown>,
  templateName: string
): string =>
  fillPlaceholders(compiled, payload, (value, slot) => {
    if (slot.refused !== undefined) {
      throw refusal(slot, slot.refused, templateName);
    }
    if (slot.url) {
      checkUrl(slot.url.name, urlValueOf(slot.url, payload), slot.written);
    }
    return escapeForSlot(value, slot);
  });

const compiledHtml = ownCache(
  'compiledHtml',
  new LRUCache<string, PlaceholderText<HtmlSlot>>({ max: 256, memoMethod: compileHtmlTemplate })
);

/** {@link renderHtml} with the template compiled once and cached. */
export const renderHtmlTemplate = (
  template: string,
  payload: Record<string, unknown>,
  templateName: string
): string => renderHtml(compiledHtml.memo(template), payload, templateName);
