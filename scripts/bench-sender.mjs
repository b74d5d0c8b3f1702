// The measuring side of `npm run bench` (scripts/bench.ts starts it; not meant to be run alone).
// Plain JavaScript on plain `node`, as Logto runs a connector: a TypeScript loader in this
// process would add its own memory and work to what is measured (see scripts/support/harness.mjs).
//
//   node --expose-gc scripts/bench-sender.mjs <rounds|rss|profile> <plan as JSON> <URL of our lib/index.js>
//        [profile only: <floor|ours|official> <file to write the .cpuprofile to>]
//
// It sends through the three contenders to the fake SES endpoint that AWS_ENDPOINT_URL_SESV2 names,
// asks the parent over IPC how many requests the endpoint received (so every send is checked to
// have reached it exactly once), and reports its figures over IPC.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';

import {
  askParent,
  heapAfterGc,
  logtoHost,
  percentile,
  reportToParent,
  runPool,
  sendsAsLogto,
} from './support/harness.mjs';

const [role, planJson, oursUrl, profiled, profilePath] = process.argv.slice(2);
/** @type {{ rounds: number; sends: number; warmup: number; rssSends: number; profileSends: number }} */
const plan = JSON.parse(planJson ?? '{}');

const concurrencies = /** @type {const} */ ([1, 32]);
const contenderNames = /** @type {const} */ (['floor', 'ours', 'official']);

// ---------------------------------------------------------------------------------------------
// What is sent: a stored config as Logto keeps it, and a SignIn payload as Logto sends it.

const signInTemplate = {
  usageType: 'SignIn',
  subject: 'Sign in to {{application.name}}: your code is {{code}}',
  content:
    '<h1>Sign in to {{application.name}}</h1><p>Hello, use this code to sign in:</p>' +
    '<p style="font-size:28px;font-weight:bold;letter-spacing:6px">{{code}}</p>' +
    '<p>The code expires in 10 minutes. If you did not try to sign in, ignore this email.</p>' +
    '<p><a href="https://example.com/help">Help</a></p>',
  contentType: 'text/html',
};

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'bench-secret-not-checked-by-the-fake',
};

/** @param {ReadonlyArray<{ usageType: string }>} templates */
const storedConfigOf = (templates) => ({
  accessKeyId: credentials.accessKeyId,
  accessKeySecret: credentials.secretAccessKey,
  region: 'us-east-1',
  emailAddress: 'Logto <noreply@example.com>',
  // Nine templates, as a Console form stores them; SignIn with placeholders.
  templates: [signInTemplate, ...templates.filter(({ usageType }) => usageType !== 'SignIn')],
});

/** @param {number} index */
const payloadOf = (index) => ({
  code: String(100_000 + (index % 900_000)),
  locale: 'en',
  application: { id: 'app-1', name: 'Acme Console' },
});

/** @param {number} index */
const recipientOf = (index) => `user${index}@example.com`;

// ---------------------------------------------------------------------------------------------
// The three contenders, as functions that send one email.

/** @typedef {(index: number) => Promise<unknown>} Send */

/**
 * The floor: one client, one prepared command as rich as ours (HTML and text, UTF-8, a tag, the
 * tracking override and an X-Entity-Ref-ID header, which ours sends by default). @returns {Send}
 */
const loadFloor = () => {
  const client = new SESv2Client({ region: 'us-east-1', credentials, maxAttempts: 3 });
  /** @param {string} text */
  const filled = (text) =>
    text.replaceAll('{{application.name}}', 'Acme Console').replaceAll('{{code}}', '123456');
  const prepared = new SendEmailCommand({
    FromEmailAddress: 'Logto <noreply@example.com>',
    Destination: { ToAddresses: ['user@example.com'] },
    EmailTags: [{ Name: 'logto-usage-type', Value: 'SignIn' }],
    ConfigurationOverrides: {
      Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
    },
    Content: {
      Simple: {
        Headers: [{ Name: 'X-Entity-Ref-ID', Value: '3f2c9a4e-5b1d-4e8f-9c7a-2d6b8e1f0a53' }],
        Subject: { Data: filled(signInTemplate.subject), Charset: 'UTF-8' },
        Body: {
          Html: { Data: filled(signInTemplate.content), Charset: 'UTF-8' },
          Text: {
            Data: 'Sign in to Acme Console\n\nHello, use this code to sign in:\n\n123456\n\nThe code expires in 10 minutes.',
            Charset: 'UTF-8',
          },
        },
      },
    },
  });
  return async () => client.send(prepared);
};

/**
 * A connector called as Logto calls it: the factory on every send, the config from getConfig.
 * @param {string} specifier
 * @returns {Promise<Send>}
 */
const loadConnector = async (specifier) => {
  const ours = await import(oursUrl ?? '');
  const host = logtoHost(storedConfigOf(ours.defaultTemplates));
  const { default: createConnector } = specifier === 'ours' ? ours : await import(specifier);
  return sendsAsLogto(createConnector, host, (index) => ({
    to: recipientOf(index),
    type: 'SignIn',
    payload: payloadOf(index),
  }));
};

// The official connector creates its own client per send; AWS_ENDPOINT_URL_SESV2 points it at the fake.
const loadOfficial = async () => loadConnector('@logto/connector-aws-ses');

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * Sends `count` emails, `concurrency` at a time; a failed send stops the run.
 * @param {string} name @param {Send} send @param {number} concurrency @param {number} count @param {number} offset
 */
const runBatch = async (name, send, concurrency, count, offset) => {
  const { latencies, failures, elapsedMs } = await runPool(send, { concurrency, count, offset });
  if (failures.length > 0) {
    throw new Error(`${name}: ${failures.length} of ${count} sends failed`, { cause: failures[0]?.error });
  }
  return {
    sendsPerSecond: (count / elapsedMs) * 1000,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
};

/** The fake endpoint's request count, asked of the parent process that serves it. */
const requestCount = async () => Number(await askParent('count'));

const collectGarbage = () => {
  heapAfterGc();
};

/**
 * Runs a batch and checks that every send reached the fake endpoint exactly once.
 * @param {string} name @param {Send} send @param {number} concurrency @param {number} count @param {number} offset
 */
const countedBatch = async (name, send, concurrency, count, offset) => {
  const before = await requestCount();
  const result = await runBatch(name, send, concurrency, count, offset);
  const received = (await requestCount()) - before;
  if (received !== count) {
    throw new Error(`${name}: ${count} sends, but the fake SES endpoint received ${received} requests`);
  }
  return result;
};

// The six orders of the three contenders: each round uses the next, so drift hits all equally.
const orders = [
  ['floor', 'ours', 'official'],
  ['ours', 'official', 'floor'],
  ['official', 'floor', 'ours'],
  ['floor', 'official', 'ours'],
  ['ours', 'floor', 'official'],
  ['official', 'ours', 'floor'],
];

const roundsRole = async () => {
  /** @type {Record<string, Send>} */
  const contenders = {
    floor: loadFloor(),
    ours: await loadConnector('ours'),
    official: await loadOfficial(),
  };
  /** @param {number} concurrency */
  const sendsAt = (concurrency) => (concurrency === 1 ? plan.sends : plan.sends * 2);
  let offset = 0;
  for (const name of contenderNames) {
    for (const concurrency of concurrencies) {
      await countedBatch(name, contenders[name], concurrency, plan.warmup, offset);
      offset += plan.warmup;
    }
  }
  const rounds = [];
  for (let round = 0; round < plan.rounds; round += 1) {
    /** @type {Record<string, Record<number, unknown>>} */
    const results = { floor: {}, ours: {}, official: {} };
    const order = orders[round % orders.length] ?? contenderNames;
    const concurrencyOrder = round % 2 === 0 ? concurrencies : [...concurrencies].reverse();
    for (const concurrency of concurrencyOrder) {
      for (const name of order) {
        collectGarbage();
        const count = sendsAt(concurrency);
        results[name][concurrency] = await countedBatch(name, contenders[name], concurrency, count, offset);
        offset += count;
      }
    }
    rounds.push(results);
  }
  reportToParent({ kind: 'rounds', rounds });
};

const rssRole = async () => {
  const ours = await loadConnector('ours');
  collectGarbage();
  const rssLoaded = process.memoryUsage.rss();
  let peakRss = rssLoaded;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);
  const warmup = Math.min(2_000, Math.floor(plan.rssSends / 5));
  await countedBatch('ours', ours, 32, warmup, 0);
  collectGarbage();
  const rssAfterWarmup = process.memoryUsage.rss();
  const heapAfterWarmup = process.memoryUsage().heapUsed;
  // The rest in ten chunks, RSS read after each (no forced GC: what the process really holds).
  const checkpoints = [];
  const chunk = Math.ceil((plan.rssSends - warmup) / 10);
  for (let sent = warmup; sent < plan.rssSends; sent += chunk) {
    await countedBatch('ours', ours, 32, Math.min(chunk, plan.rssSends - sent), sent);
    checkpoints.push(process.memoryUsage.rss());
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, ...checkpoints);
  collectGarbage();
  reportToParent({
    kind: 'rss',
    sends: plan.rssSends,
    warmup,
    rssLoaded,
    peakRss,
    rssAfterWarmup,
    checkpoints,
    heapAfterWarmup,
    heapAtEnd: process.memoryUsage().heapUsed,
  });
};

/**
 * One contender alone at C=32, after a warm-up: the CPU time each send costs this process, and
 * a V8 CPU profile of the measured sends only (not of start-up or warm-up).
 */
const profileRole = async () => {
  /** @type {Record<string, () => Send | Promise<Send>>} */
  const loaders = { floor: loadFloor, ours: async () => loadConnector('ours'), official: loadOfficial };
  const load = loaders[profiled ?? ''];
  if (!load || !profilePath) {
    throw new Error(`Unknown contender ${profiled} or no profile path`);
  }
  const send = await load();
  await countedBatch(profiled ?? '', send, 32, plan.warmup, 0);
  collectGarbage();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  const result = await countedBatch(profiled ?? '', send, 32, plan.profileSends, plan.warmup);
  const cpu = process.cpuUsage(cpuBefore);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await writeFile(profilePath, JSON.stringify(profile));
  reportToParent({
    kind: 'profile',
    name: profiled,
    sends: plan.profileSends,
    cpuMicrosPerSend: (cpu.user + cpu.system) / plan.profileSends,
    sendsPerSecond: result.sendsPerSecond,
  });
};

if (role === 'rounds') {
  await roundsRole();
} else if (role === 'rss') {
  await rssRole();
} else if (role === 'profile') {
  await profileRole();
} else {
  throw new Error(`Unknown role ${role}: run \`npm run bench\`, which starts this script.`);
}
