/**
 * The URL check of attributes a mail client follows or loads: once the payload's values are in,
 * an `href`, `src`… may only be an http(s), mailto or relative URL, read as a reader decodes it.
 */
import { generalError } from './errors.js';

/** Attributes whose value is a URL a client may follow or load. */
export const urlAttributes: ReadonlySet<string> = new Set([
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

const allowedSchemes = new Set(['http', 'https', 'mailto']);

/** The scheme a client reads in a URL: tabs and line breaks removed, leading spaces and controls ignored. */
const schemeOf = (url: string): string | undefined =>
  /^([a-z][a-z\d+.-]*):/i
    .exec(url.replaceAll(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, ''))?.[1]
    ?.toLowerCase();

/**
 * Refuses a URL attribute whose value (decoded, the payload's values in) is not an http(s),
 * mailto or relative URL: a `javascript:` or `data:` link made by a value.
 */
export const checkUrl = (name: string, value: string, written: string): void => {
  const candidates =
    name === 'srcset'
      ? value.split(',').map((candidate) => candidate.trim().split(/\s/, 1).join(''))
      : [value];
  for (const candidate of candidates) {
    const scheme = candidate.includes(':') ? schemeOf(candidate) : undefined;
    if (scheme !== undefined && !allowedSchemes.has(scheme)) {
      throw generalError(
        `The value for ${written} makes the ${name} attribute a "${scheme.slice(0, 32)}:" URL; links and images made from payload values may only use http, https, mailto or a relative URL.`
      );
    }
  }
};
