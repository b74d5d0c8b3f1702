import { type RequestHandler } from 'express';

/** The loopback names the app always answers for, whatever BASE_URL says. */
export const loopbackNames: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

// A host name or a bracketed IPv6 address, then an optional port: nothing else may be in a Host
// header (no user info, path or query). No nested quantifiers, so linear in the input's length.
const hostHeader = /^(\[[\d:a-f.]+\]|[\d.a-z-]+)(?::\d{1,5})?$/i;

/** The host name of a Host header, lower-cased and without its port; undefined when malformed. */
export const hostNameOf = (header: string | undefined): string | undefined => {
  const name = header === undefined || header.length > 300 ? undefined : hostHeader.exec(header)?.[1];
  return name?.toLowerCase();
};

/**
 * Express middleware that serves only requests whose `Host` header names `baseUrl`'s host or a
 * loopback name, on any port, and answers every other one with `refuse`.
 *
 * This is what stops DNS rebinding: a page on another site can point its own name at 127.0.0.1
 * and then read this app's pages as "same origin" — but its requests still carry its own name in
 * `Host`. The raw header is read, never X-Forwarded-Host: a request's claim about itself counts
 * for nothing here.
 */
export const allowOnlyKnownHosts = (
  baseUrl: string,
  refuse: (hostName: string) => string
): RequestHandler => {
  const allowed = new Set([new URL(baseUrl).hostname.toLowerCase(), ...loopbackNames]);
  return (request, response, next) => {
    const header = request.headers.host;
    const name = hostNameOf(header);
    if (name !== undefined && allowed.has(name)) {
      next();
      return;
    }
    response
      .status(403)
      .type('html')
      .send(refuse((header ?? '').slice(0, 100)));
  };
};
