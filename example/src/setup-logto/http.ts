import { SetupError } from './errors.js';

/** How long one request to Logto may take. */
const requestTimeoutMs = 15_000;

/** A request's answer, read once: status, headers and the body as text and (when JSON) parsed. */
export type HttpAnswer = {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  url: string;
};

type RequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  /** A JSON body (sent as application/json). */
  json?: unknown;
  /** A form body (sent as application/x-www-form-urlencoded). */
  form?: Record<string, string>;
};

/** Why a request never got an answer, in words a user acts on. */
const unreachableReason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : undefined;
  if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError') {
    return `no answer within ${requestTimeoutMs / 1000} s`;
  }
  if (code === 'ECONNREFUSED') {
    return 'connection refused';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return 'unknown host name';
  }
  return code ?? message ?? 'network error';
};

/**
 * A cookie-keeping HTTP client for one host pair, the way a browser would talk to Logto's
 * sign-in pages: Node's fetch keeps no cookies and follows redirects itself, so this one stores
 * every Set-Cookie (by name, for its path) and never follows redirects (callers do, by hand).
 *
 * @param describe - names a URL for the "cannot reach" sentence (core or admin endpoint, and the option that sets it)
 */
export class CookieClient {
  readonly #cookies = new Map<string, { value: string; path: string; host: string }>();

  constructor(private readonly describe: (url: URL) => string) {}

  /** Sends one request with the cookies that apply to its URL, and stores the cookies it sets. */
  async request(target: string | URL, options: RequestOptions = {}): Promise<HttpAnswer> {
    const url = new URL(target);
    const headers: Record<string, string> = {
      accept: 'application/json, text/html;q=0.9',
      ...options.headers,
    };
    const cookie = this.cookieHeader(url);
    if (cookie) {
      headers.cookie = cookie;
    }
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(body !== undefined && { body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (error: unknown) {
      throw new SetupError(
        `Cannot reach ${this.describe(url)} at ${url.origin} (${unreachableReason(error)}): start Logto, or pass the URL it listens on.`
      );
    }
    this.storeCookies(url, response.headers.getSetCookie());
    const text = await response.text();
    let json: unknown;
    try {
      json = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json, url: url.href };
  }

  private cookieHeader(url: URL): string {
    return [...this.#cookies]
      .filter(([, cookie]) => cookie.host === url.host && url.pathname.startsWith(cookie.path))
      .map(([key, cookie]) => `${key.split('\n')[0] ?? ''}=${cookie.value}`)
      .join('; ');
  }

  private storeCookies(url: URL, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      if (separator <= 0) {
        continue;
      }
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      let path = '/';
      let expired = false;
      for (const attribute of attributes) {
        const [attributeName = '', attributeValue = ''] = attribute.split('=', 2).map((part) => part.trim());
        if (attributeName.toLowerCase() === 'path' && attributeValue.startsWith('/')) {
          path = attributeValue;
        }
        if (attributeName.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) {
          expired = true;
        }
        if (attributeName.toLowerCase() === 'expires' && Date.parse(attributeValue) < Date.now()) {
          expired = true;
        }
      }
      // A cookie is identified by its name, host and path.
      const key = `${name}\n${url.host}\n${path}`;
      if (expired || value === '') {
        this.#cookies.delete(key);
      } else {
        this.#cookies.set(key, { value, path, host: url.host });
      }
    }
  }
}

/** The redirect target of a 3xx answer, resolved against the request URL; undefined otherwise. */
export const redirectTarget = (answer: HttpAnswer): URL | undefined => {
  const location = answer.headers.get('location');
  return answer.status >= 300 && answer.status < 400 && location ? new URL(location, answer.url) : undefined;
};

/** Logto's error code from a JSON error body (`{ code, message }`), if any. */
export const logtoErrorCode = (answer: HttpAnswer): string | undefined => {
  const code = (answer.json as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Logto's error message from a JSON error body, or the start of the body. */
export const logtoErrorMessage = (answer: HttpAnswer): string => {
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : answer.text.slice(0, 200);
};
