// The bounded load test: many sends at a fixed concurrency through the built connector
// (lib/index.js, run `npm run build` first; `npm run load` does), the way Logto calls it (the
// factory once per send, the stored config from getConfig), to a receiver on 127.0.0.1: the SES
// emulator (aws-ses-v2-local, default) or the fake SES endpoint.
//
//   npm run load                          the default run to the emulator, figures and checks printed
//   npm run load -- --target fake         the same against test/support/fake-ses.ts
//   npm run load -- --sends 1000 --concurrency 16
//
// This process serves the receiver; the sends run in a child process on plain `node --expose-gc`
// (scripts/load-sender.mjs), so the heap it measures after a GC is the connector's alone. It
// checks that nothing is lost, duplicated or crossed between concurrent sends, that the open
// sockets stay within the SES client's pool, and that the heap after a GC comes back within a
// stated bound of where it started; it exits 1 when any check fails.
import { existsSync } from 'node:fs';
import { type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

import { maxSocketsPerClient } from '../src/ses-clients.js';
import { type Emulator, startEmulator } from '../test/support/emulator.js';
import { type FakeSes, startFakeSes } from '../test/support/fake-ses.js';
import { runSender } from './support/harness.mjs';

const senderPath = fileURLToPath(new URL('load-sender.mjs', import.meta.url));
const libUrl = new URL('../lib/index.js', import.meta.url);

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

if (!existsSync(libUrl)) {
  throw new Error(
    `${fileURLToPath(libUrl)} is missing: run \`npm run build\` first (\`npm run load\` does).`
  );
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
    openConnections: promisify(emulator.server.getConnections.bind(emulator.server)),
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

const codeOf = (index: number) => `C${String(index).padStart(6, '0')}Z`;
const codePattern = /C\d{6}Z/g;

/** What scripts/load-sender.mjs reports. */
type SenderReport =
  | { warmupFailures: string[] }
  | {
      failureCount: number;
      failures: string[];
      elapsedMs: number;
      p50Ms: number;
      p99Ms: number;
      maxMs: number;
      peakRss: number;
      heapBefore: number;
      heapAfter: number;
      clientSockets: number;
      receiverConnections: { open: number; opened: number };
    };

const answer = async (question: string) => {
  if (question === 'clear') {
    await receiver.clear();
    return true;
  }
  if (question === 'connections') {
    return { open: await receiver.openConnections(), opened: receiver.connectionsOpened() };
  }
  throw new Error(`Unknown question from the sender: ${question}`);
};

const report = (await runSender(
  senderPath,
  [JSON.stringify({ endpoint: receiver.endpoint, sends: totalSends, concurrency, warmupSends }), libUrl.href],
  { env: {}, answer, timeLimitMs }
)) as SenderReport;
if ('warmupFailures' in report) {
  console.error('FAIL: the warm-up sends failed:', report.warmupFailures[0]);
  await receiver.close();
  process.exit(1);
}
const { failureCount, elapsedMs, peakRss, heapBefore, heapAfter, clientSockets } = report;
const { open: openAtReceiver, opened: connectionsOpened } = report.receiverConnections;

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

const heapGrowthMb = (heapAfter - heapBefore) / mb;

const figures = {
  target,
  sends: totalSends,
  concurrency,
  sendsPerSecond: Math.round((totalSends / elapsedMs) * 1000),
  p50Ms: Number(report.p50Ms.toFixed(1)),
  p99Ms: Number(report.p99Ms.toFixed(1)),
  maxMs: Number(report.maxMs.toFixed(1)),
  peakRssMb: Math.round(peakRss / mb),
  heapBeforeMb: Number((heapBefore / mb).toFixed(1)),
  heapAfterMb: Number((heapAfter / mb).toFixed(1)),
  openSocketsAtReceiver: openAtReceiver,
  clientSockets,
  connectionsOpenedDuringRun: connectionsOpened,
};

console.log(
  `Load: ${totalSends} sends at concurrency ${concurrency} to the ${target} on ${receiver.endpoint}, in ${(elapsedMs / 1000).toFixed(2)} s`
);
console.log(`  throughput   ${figures.sendsPerSecond} sends/s`);
console.log(`  latency      p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms`);
console.log(`  peak RSS     ${figures.peakRssMb} MB (the sending process: connector and SDK)`);
console.log(
  `  heap         ${figures.heapBeforeMb} MB before, ${figures.heapAfterMb} MB after the run and a GC (bound: +${heapBoundMb} MB)`
);
console.log(
  `  sockets      ${openAtReceiver} open at the receiver, ${clientSockets} on the client side after the run (pool: ${maxSocketsPerClient}); ${connectionsOpened} connections opened during the run`
);
console.log(`  figures      ${JSON.stringify(figures)}`);

const checks: Array<[string, boolean]> = [
  [`every send resolved (${failureCount} rejected)`, failureCount === 0],
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
  [
    `heap after a GC within +${heapBoundMb} MB of before (${heapGrowthMb.toFixed(2)} MB)`,
    heapGrowthMb <= heapBoundMb,
  ],
];
for (const failure of report.failures) {
  console.error(`  ${failure}`);
}
for (const problem of problems.slice(0, 5)) {
  console.error(`  ${problem}`);
}
let failed = false;
for (const [label, ok] of checks) {
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${label}`);
  failed ||= !ok;
}

await receiver.close();
process.exitCode = failed ? 1 : 0;
