/**
 * Preloaded into Logto core (`node --import …/loopback-only.mjs .`): core has no host setting and
 * listens on every interface, so every `listen` call that names no host (or a wildcard one) is
 * rewritten to listen on 127.0.0.1. Unix sockets, handles and file descriptors are left alone.
 */
import net from 'node:net';

const loopback = '127.0.0.1';
const wildcards = new Set(['', '0.0.0.0', '::', '[::]']);
const originalListen = net.Server.prototype.listen;

const isPort = (value) => typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));

/** The arguments of one `listen` call with the host forced to 127.0.0.1 where it binds a TCP port. */
const onLoopback = (args) => {
  const [first, second] = args;
  if (first === undefined || typeof first === 'function') {
    // listen() / listen(callback): a random port on every interface.
    return [0, loopback, ...args];
  }
  if (isPort(first)) {
    if (typeof second === 'string' && !wildcards.has(second)) {
      return args;
    }
    if (typeof second === 'string') {
      return [first, loopback, ...args.slice(2)];
    }
    // listen(port[, backlog][, callback])
    return [first, loopback, ...args.slice(1)];
  }
  if (first !== null && typeof first === 'object' && !('_handle' in first) && first.fd === undefined) {
    if (first.path !== undefined) {
      return args;
    }
    if (first.host === undefined || wildcards.has(String(first.host))) {
      return [{ ...first, host: loopback }, ...args.slice(1)];
    }
  }
  return args;
};

net.Server.prototype.listen = function listenOnLoopback(...args) {
  return originalListen.apply(this, onLoopback(args));
};
