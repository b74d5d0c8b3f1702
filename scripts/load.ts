// The bounded load test of issue 4: 5,000 sends at concurrency 64 through the connector, the way
// Logto calls it (the factory once per send, the stored config from getConfig), to a receiver on
// 127.0.0.1: the SES emulator (aws-ses-v2-local, default) or the fake SES endpoint.
//
//   npm run load                          5,000 sends to the emulator, figures and checks printed
//   npm run load -- --target fake         the same against test/support/fake-ses.ts
//   npm run load -- --sends 1000 --concurrency 16
//
// It checks that nothing is lost, duplicated or crossed between concurrent sends, that the open
// sockets stay within the SES client's pool, and that the heap after a GC comes back within a
// stated bound of where it started; it exits 1 when any check fails. Run with --expose-gc (the
// npm script does) so the heap is measured after a real collection.
import { type Server } from 'node:http';
import { parseArgs } from 'node:util';

import { TemplateType } from '@logto/connector-kit';

import createConnector, { type AwsSesConfig, resetConnectorState, defaultTemplates } from '../src/index.js';
import { cachedClientCount, maxSocketsPerClient } from '../src/ses-client.js';
import { type FakeSes, startFakeSes } from '../test/support/fake-ses.js';
import { type Emulator, startEmulator } from '../test/wire/emulator.js';

// The SDK warns once that Node 20 support ends in 2027 (as in vitest.config.ts): keep the figures readable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: options } = parseArgs({
  options: {
    target: { type: 'string', default: 'emulator' },
    sends: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '64' },
    'heap-bound-mb': { type: 'string', default: '8' },
    'time-limit-s': { type: 'string', default: '240' },
  },
  allowPositionals: false,
});

const positive = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name} must be a positive number, got "${text}"`);
  }
  return value;
};

const totalSends = Math.floor(positive('sends', options.sends));
const concurrency = Math.floor(positive('concurrency', options.concurrency));
/** The heap after the run and a GC may exceed the heap before by at most this much. */
const heapBoundMb = positive('heap-bound-mb', options['heap-bound-mb']);
const timeLimitMs = positive('time-limit-s', options['time-limit-s']) * 1000;
const target = options.target;
if (target !== 'emulator' && target !== 'fake') {
  throw new Error(`--target must be "emulator" or "fake", got "${target}"`);
}
const warmupSends = Math.min(200, totalSends);
const mb = 1024 * 1024;

// A hung run must not hang CI.
const watchdog = setTimeout(() => {
  console.error(`FAIL: the load test did not finish within ${timeLimitMs / 1000} s`);
  process.exit(1);
}, timeLimitMs);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('Run with node --expose-gc (npm run load does) so the heap is compared after a GC.');
  process.exit(1);
}

/** A message as the receiver holds it, reduced to what the checks need. */
type Received = { to: string[]; subject: string; text: string; html: string };

type Receiver = {
  endpoint: string;
  server?: Server;
  received: () => Promise<Received[]>;
  openConnections: () => Promise<number>;
  connectionsOpened: () => number;
  clear: () => Promise<void>;
  close: () => Promise<void>;
};

const connectionsOf = async (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.getConnections((error, count) => {
      if (error) {
        reject(error);
      } else {
        resolve(count);
      }
    });
  });

const emulatorReceiver = async (): Promise<Receiver> => {
  const emulator: Emulator = await startEmulator();
  let opened = 0;
  emulator.server.on('connection', () => {
    opened += 1;
  });
  return {
    endpoint: emulator.endpoint,
    received: async () =>
      (await emulator.emails()).map((email) => ({
        to: email.destination.to,
        subject: email.subject,
        text: email.body.text ?? '',
        html: email.body.html ?? '',
      })),
    openConnections: async () => connectionsOf(emulator.server),
    connectionsOpened: () => opened,
    clear: async () => {
      await emulator.clear();
      opened = 0;
    },
    close: emulator.close,
  };
};

const fakeReceiver = async (): Promise<Receiver> => {
  const fake: FakeSes = await startFakeSes();
  let openedBefore = 0;
  return {
    endpoint: fake.endpoint,
    received: async () =>
      Promise.resolve(
        fake.accepted().map(({ body }) => ({
          to: body?.Destination?.ToAddresses ?? [],
          subject: body?.Content?.Simple?.Subject?.Data ?? '',
          text: body?.Content?.Simple?.Body?.Text?.Data ?? '',
          html: body?.Content?.Simple?.Body?.Html?.Data ?? '',
        }))
      ),
    openConnections: fake.openConnections,
    connectionsOpened: () => fake.connectionsAccepted - openedBefore,
    clear: async () => {
      fake.reset();
      openedBefore = fake.connectionsAccepted;
      return Promise.resolve();
    },
    close: fake.close,
  };
};

const receiver = target === 'emulator' ? await emulatorReceiver() : await fakeReceiver();

// What Logto stores for the connector; getConfig hands out a fresh copy each time, as Logto does
// when it reads the connector row.
const storedConfig = JSON.stringify({
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'load-test-secret-not-checked-by-the-receiver',
  region: 'us-east-1',
  endpoint: receiver.endpoint,
  emailAddress: 'Acme Login <noreply@example.com>',
  templates: defaultTemplates,
} satisfies AwsSesConfig);
const getConfig = async () => Promise.resolve(JSON.parse(storedConfig) as unknown);

const templateTypes = Object.values(TemplateType);
const recipientOf = (index: number) => `user${index}@load.example.com`;
const codeOf = (index: number) => `C${String(index).padStart(6, '0')}Z`;
const codePattern = /C\d{6}Z/g;

/** One send as Logto makes it: a new connector from the factory, no config argument. */
const sendOne = async (index: number) => {
  const connector = await createConnector({ getConfig });
  const type = templateTypes[index % templateTypes.length]!;
  return connector.sendMessage({
    to: recipientOf(index),
    type,
    payload: {
      code: codeOf(index),
      locale: 'en',
      link: `https://example.com/invite/${codeOf(index)}`,
      organization: { id: `org${index}`, name: `Org ${codeOf(index)}`, branding: {} },
      user: { id: `u${index}`, name: `User ${index}` },
    },
  });
};

const runPool = async (count: number, offset: number) => {
  const latencies: number[] = [];
  const failures: Array<{ index: number; error: unknown }> = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = offset + next;
      next += 1;
      const started = performance.now();
      try {
        await sendOne(index);
        latencies.push(performance.now() - started);
      } catch (error: unknown) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, failures };
};

const percentile = (sorted: number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;

const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

// Warm-up: lazy SDK modules, the compiled templates and the connection pool exist before the
// baseline, so the heap comparison measures what the run itself leaves behind.
const warmup = await runPool(warmupSends, 1_000_000);
if (warmup.failures.length > 0) {
  console.error('FAIL: the warm-up sends failed:', warmup.failures[0]?.error);
  process.exit(1);
}
await receiver.clear();
const heapBefore = heapAfterGc();

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 10);

const started = performance.now();
const { latencies, failures } = await runPool(totalSends, 0);
const elapsedMs = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);

// Sockets right after the run, before anything else talks to the receiver: the receiver's side,
// and this process's TCP sockets (client and server ends both live here, so the client's own are
// the total minus the receiver's).
const openAtReceiver = await receiver.openConnections();
const tcpSockets = process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
const clientSockets = tcpSockets - openAtReceiver;
const connectionsOpened = receiver.connectionsOpened();

/** Checks what the receiver holds; returns only counts, so the messages can be collected. */
const verifyReceived = async () => {
  const received = await receiver.received();
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const message of received) {
    const [to, ...others] = message.to;
    const index = Number(/^user(\d+)@load\.example\.com$/.exec(to ?? '')?.[1] ?? Number.NaN);
    if (others.length > 0 || !Number.isInteger(index) || index >= totalSends) {
      problems.push(`unexpected recipients ${JSON.stringify(message.to)}`);
      continue;
    }
    if (seen.has(index)) {
      problems.push(`duplicate message to ${to}`);
    }
    seen.add(index);
    const codes = new Set(
      [message.subject, message.text, message.html].flatMap((part) => part.match(codePattern) ?? [])
    );
    if (codes.size !== 1 || !codes.has(codeOf(index))) {
      problems.push(
        `message to ${to} holds codes ${JSON.stringify([...codes])}, expected only ${codeOf(index)}`
      );
    }
  }
  return { count: received.length, distinctRecipients: seen.size, problems };
};
const { count: receivedCount, distinctRecipients, problems } = await verifyReceived();

await receiver.clear();
const heapAfter = heapAfterGc();
const heapGrowthMb = (heapAfter - heapBefore) / mb;

const sorted = latencies.toSorted((a, b) => a - b);
const figures = {
  target,
  sends: totalSends,
  concurrency,
  sendsPerSecond: Math.round((totalSends / elapsedMs) * 1000),
  p50Ms: Number(percentile(sorted, 0.5).toFixed(1)),
  p99Ms: Number(percentile(sorted, 0.99).toFixed(1)),
  maxMs: Number((sorted.at(-1) ?? Number.NaN).toFixed(1)),
  peakRssMb: Math.round(peakRss / mb),
  heapBeforeMb: Number((heapBefore / mb).toFixed(1)),
  heapAfterMb: Number((heapAfter / mb).toFixed(1)),
  openSocketsAtReceiver: openAtReceiver,
  clientSockets,
  connectionsOpenedDuringRun: connectionsOpened,
  cachedSesClients: cachedClientCount(),
};

console.log(
  `Load: ${totalSends} sends at concurrency ${concurrency} to the ${target} on ${receiver.endpoint}, in ${(elapsedMs / 1000).toFixed(2)} s`
);
console.log(`  throughput   ${figures.sendsPerSecond} sends/s`);
console.log(`  latency      p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms`);
console.log(`  peak RSS     ${figures.peakRssMb} MB (this process: connector, SDK and receiver together)`);
console.log(
  `  heap         ${figures.heapBeforeMb} MB before, ${figures.heapAfterMb} MB after the run and a GC (bound: +${heapBoundMb} MB)`
);
console.log(
  `  sockets      ${openAtReceiver} open at the receiver, ${clientSockets} on the client side after the run (pool: ${maxSocketsPerClient}); ${connectionsOpened} connections opened during the run`
);
console.log(`  figures      ${JSON.stringify(figures)}`);

const checks: Array<[string, boolean]> = [
  [`every send resolved (${failures.length} rejected)`, failures.length === 0],
  [`the receiver holds exactly ${totalSends} messages (${receivedCount})`, receivedCount === totalSends],
  [
    `each to its own recipient with its own code (${distinctRecipients} distinct, ${problems.length} problems)`,
    problems.length === 0 && distinctRecipients === totalSends,
  ],
  [
    `open sockets within the pool of ${maxSocketsPerClient} (receiver ${openAtReceiver}, client ${clientSockets})`,
    openAtReceiver <= maxSocketsPerClient && clientSockets <= maxSocketsPerClient,
  ],
  [
    `connections reused: at most ${maxSocketsPerClient} opened for ${totalSends} sends (${connectionsOpened})`,
    connectionsOpened <= maxSocketsPerClient,
  ],
  [`one cached SES client for one config (${cachedClientCount()})`, cachedClientCount() === 1],
  [
    `heap after a GC within +${heapBoundMb} MB of before (${heapGrowthMb.toFixed(2)} MB)`,
    heapGrowthMb <= heapBoundMb,
  ],
];
for (const failure of failures.slice(0, 3)) {
  console.error(`  send ${failure.index} failed:`, failure.error);
}
for (const problem of problems.slice(0, 5)) {
  console.error(`  ${problem}`);
}
let failed = false;
for (const [label, ok] of checks) {
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${label}`);
  failed ||= !ok;
}

resetConnectorState();
await receiver.close();
clearTimeout(watchdog);
process.exitCode = failed ? 1 : 0;
