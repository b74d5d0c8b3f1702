/**
 * Keeps the wire suites on loopback: while installed, every DNS lookup of a name other than
 * `localhost` (or a loopback IP literal, which `listen` passes through lookup) fails at once with `ENOTFOUND`, the answer a resolver gives for a name that does
 * not exist (RFC 6761 reserves `.invalid` for exactly that). No query leaves the machine, so an
 * "unresolvable host" test cannot reach the real internet, and any test that tried to would fail.
 * Connections to 127.0.0.1 need no lookup and are unaffected.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (error: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;

export type DnsGuard = {
  /** Every host name (not loopback literal) looked up since the guard was installed, in order. */
  lookups: string[];
  restore: () => void;
};

const isLoopbackLiteral = (hostname: string) =>
  (isIP(hostname) === 4 && hostname.startsWith('127.')) || hostname === '::1';

/** Replaces `dns.lookup` (what `net` and `http` use) until {@link DnsGuard.restore}. */
export const allowOnlyLoopbackDns = (): DnsGuard => {
  const original = dns.lookup;
  const lookups: string[] = [];
  const guarded = (hostname: string, options: unknown, callback?: LookupCallback) => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    const loopback =
      hostname === 'localhost' ? '127.0.0.1' : isLoopbackLiteral(hostname) ? hostname : undefined;
    if (!isLoopbackLiteral(hostname)) {
      lookups.push(hostname);
    }
    if (loopback) {
      const family = isIP(loopback);
      process.nextTick(() => {
        if (all) {
          done(null, [{ address: loopback, family }]);
        } else {
          done(null, loopback, family);
        }
      });
      return;
    }
    const error: NodeJS.ErrnoException & { hostname?: string } = new Error(
      `getaddrinfo ENOTFOUND ${hostname}`
    );
    error.code = 'ENOTFOUND';
    error.errno = -3008;
    error.syscall = 'getaddrinfo';
    error.hostname = hostname;
    process.nextTick(() => {
      done(error);
    });
  };
  dns.lookup = guarded as typeof dns.lookup;
  return {
    lookups,
    restore: () => {
      dns.lookup = original;
    },
  };
};
