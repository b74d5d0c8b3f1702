/**
 * The plain-text part of an HTML email, generated from the template (placeholders still in it),
 * once per template, not once per send.
 */
import { type HtmlToTextOptions, convert } from 'html-to-text';
import { LRUCache } from 'lru-cache';

import { ownCache } from './caches.js';
import { compilePlaceholders, fillPlaceholders, type PlaceholderText } from './placeholders.js';

const textPartOptions: HtmlToTextOptions = {
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
 * headings not upper-cased, images dropped, table cells one per line. Placeholders survive the
 * conversion, so the text part is generated once per template, not once per send.
 */
export const textAlternativeOf = (html: string): string => convert(html, textPartOptions);

const compiledTextParts = ownCache(
  'compiledAlternatives',
  new LRUCache<string, PlaceholderText>({
    max: 256,
    memoMethod: (html) => compilePlaceholders(textAlternativeOf(html)),
  })
);

/** The plain-text part of an HTML template for one send: values inserted as they are. */
export const renderTextPart = (html: string, payload: Record<string, unknown>): string =>
  fillPlaceholders(compiledTextParts.memo(html), payload);
