// The sending side of `npm run load` (scripts/load.ts starts it; not meant to be run alone): the
// built lib/index.js on plain `node --expose-gc`, called the way Logto calls it, so the heap it
// measures holds the connector and the SDK only, not the receiver or a TypeScript loader.
//
//   node --expose-gc scripts/load-sender.mjs <plan as JSON> <URL of lib/index.js>
import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';

import {
  askParent,
  canCollectGarbage,
  heapAfterGc,
  logtoHost,
  percentile,
  reportToParent,
  runPool,
  sendsAsLogto,
} from './support/harness.mjs';

const [planJson, libUrl] = process.argv.slice(2);
/** @type {{ endpoint: string; sends: number; concurrency: number; warmupSends: number }} */
const plan = JSON.parse(planJson ?? '{}');
if (!canCollectGarbage()) {
  throw new Error('Run with node --expose-gc (scripts/load.ts does) so the heap is compared after a GC.');
}

const { default: createConnector, defaultTemplates } = await import(libUrl ?? '');
/** @type {string[]} */
const usageTypes = defaultTemplates.map((/** @type {{ usageType: string }} */ { usageType }) => usageType);

// What Logto stores for the connector; getConfig hands out a fresh copy each time.
const host = logtoHost({
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'load-test-secret-not-checked-by-the-receiver',
  region: 'us-east-1',
  endpoint: plan.endpoint,
  emailAddress: 'Acme Login <noreply@example.com>',
  templates: defaultTemplates,
});

/** The TCP sockets the SDK opened and has not closed (idle keep-alive ones included). */
const openClientSockets = new Set();
diagnosticsChannel.subscribe('net.client.socket', (message) => {
  const { socket } = /** @type {{ socket: import('node:net').Socket }} */ (message);
  openClientSockets.add(socket);
  socket.once('close', () => openClientSockets.delete(socket));
});

/** @param {number} index */
const codeOf = (index) => `C${String(index).padStart(6, '0')}Z`;

/** One send as Logto makes it: a new connector from the factory, no config argument. */
const send = sendsAsLogto(createConnector, host, (index) => ({
  to: `user${index}@load.example.com`,
  type: usageTypes[index % usageTypes.length] ?? 'Generic',
  payload: {
    code: codeOf(index),
    locale: 'en',
    link: `https://example.com/invite/${codeOf(index)}`,
    organization: { id: `org${index}`, name: `Org ${codeOf(index)}`, branding: {} },
    user: { id: `u${index}`, name: `User ${index}` },
  },
}));

/** @param {Array<{ index: number; error: unknown }>} failures */
const described = (failures) =>
  failures.slice(0, 3).map(({ index, error }) => `send ${index}: ${inspect(error, { depth: 3 })}`);

// Warm-up: lazy SDK modules, the compiled templates and the connection pool exist before the
// baseline, so the heap comparison measures what the run itself leaves behind.
const warmup = await runPool(send, {
  concurrency: plan.concurrency,
  count: plan.warmupSends,
  offset: 1_000_000,
});
if (warmup.failures.length > 0) {
  reportToParent({ warmupFailures: described(warmup.failures) });
} else {
  await askParent('clear');
  const heapBefore = heapAfterGc();

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);
  const { latencies, failures, elapsedMs } = await runPool(send, {
    concurrency: plan.concurrency,
    count: plan.sends,
  });
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);

  // Sockets right after the run, while the parent counts the receiver's side of them.
  const clientSockets = openClientSockets.size;
  const receiverConnections = await askParent('connections');
  const heapAfter = heapAfterGc();

  reportToParent({
    failureCount: failures.length,
    failures: described(failures),
    elapsedMs,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    peakRss,
    heapBefore,
    heapAfter,
    clientSockets,
    receiverConnections,
  });
}
