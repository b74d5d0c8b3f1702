/**
 * The URL check of attributes a mail client follows or loads: once the payload's values are in,
 * an `href`, `src`, `srcset`, `ping`, a meta refresh, an SVG animation of `href`… may only hold
 * http(s), mailto or relative URLs, read as a reader reads them (character references decoded
 * by the caller; here tabs and line breaks removed, leading spaces and controls ignored).
 */
import { generalError } from './errors.js';
import { type UrlKind } from './html-contexts.js';

const allowedSchemes = new Set(['http', 'https', 'mailto']);

/** The scheme a client reads in a URL (WHATWG URL: tabs and line breaks removed, leading C0 and spaces trimmed). */
const schemeOf = (url: string): string | undefined =>
  /^([a-z][a-z\d+.-]*):/i
    .exec(url.replaceAll(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, ''))?.[1]
    ?.toLowerCase();

/** A meta refresh's URL: after the delay and `;`, an optional `url=`, optionally quoted. */
const refreshUrls = (content: string): string[] => {
  const afterDelay = content.replace(/^[\s\d.]*[;,]?\s*/, '');
  return [afterDelay, afterDelay.replace(/^url\s*=\s*["']?/i, '')];
};

/** The URLs an attribute value holds, by how the attribute is read. */
const urlsIn = (value: string, kind: UrlKind): string[] => {
  switch (kind) {
    case 'url': {
      return [value];
    }
    case 'srcset': {
      return value.split(',').map((candidate) => candidate.trim().split(/\s/, 1).join(''));
    }
    case 'spaced': {
      return value.split(/\s+/);
    }
    case 'refresh': {
      return refreshUrls(value);
    }
    case 'animation': {
      return value.split(';');
    }
  }
};

/**
 * Refuses a URL attribute whose decoded value, the payload's values in, holds anything but
 * http(s), mailto or relative URLs: a `javascript:` or `data:` link made by a value.
 */
export const checkUrl = (
  attribute: { name: string; kind: UrlKind },
  value: string,
  written: string
): void => {
  for (const url of urlsIn(value, attribute.kind)) {
    const scheme = url.includes(':') ? schemeOf(url) : undefined;
    if (scheme !== undefined && !allowedSchemes.has(scheme)) {
      throw generalError(
        `The value for ${written} makes the ${attribute.name} attribute a "${scheme.slice(0, 32)}:" URL; links and images made from payload values may only use http, https, mailto or a relative URL.`
      );
    }
  }
};
