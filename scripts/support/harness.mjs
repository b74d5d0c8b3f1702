// @ts-check
/**
 * What the load test and the benchmark share: the sending side runs in a child process on plain
 * `node` (no TypeScript loader in the process whose time and memory are measured) and imports the
 * built lib/index.js; the parent serves the receiver (the SES emulator or the fake SES) and asks
 * nothing of the child but its report. Plain JavaScript with JSDoc types, so both sides import it.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';

// ---------------------------------------------------------------------------------------------
// The sending side (the child process)

/** @typedef {(index: number) => Promise<unknown>} Send */

/**
 * Logto's side of a send: it reads the stored config from its database on every send (a fresh
 * object each time) and passes its per-language template lookup, which finds none here.
 * @param {unknown} storedConfig
 */
export const logtoHost = (storedConfig) => {
  const storedJson = JSON.stringify(storedConfig);
  return {
    /** @returns {Promise<unknown>} */
    getConfig: async () => Promise.resolve(JSON.parse(storedJson)),
    /** @returns {Promise<undefined>} */
    getI18nEmailTemplate: async () => Promise.resolve(undefined),
  };
};

/**
 * A connector called as Logto calls it: the factory on every send, the config from getConfig.
 * @param {(options: ReturnType<typeof logtoHost>) => Promise<{ sendMessage: (data: any) => Promise<unknown> }>} createConnector
 * @param {ReturnType<typeof logtoHost>} host
 * @param {(index: number) => { to: string; type: string; payload: Record<string, unknown> }} messageOf
 * @returns {Send}
 */
export const sendsAsLogto = (createConnector, host, messageOf) => async (index) =>
  (await createConnector(host)).sendMessage(messageOf(index));

/**
 * Sends `count` emails, `concurrency` at a time, with the indexes `offset` to `offset + count - 1`.
 * @param {Send} send
 * @param {{ concurrency: number; count: number; offset?: number }} options
 * @returns {Promise<{ latencies: Float64Array; failures: Array<{ index: number; error: unknown }>; elapsedMs: number }>}
 *   the latencies of the sends that resolved, in milliseconds, sorted; the sends that rejected
 */
export const runPool = async (send, { concurrency, count, offset = 0 }) => {
  const latencies = new Float64Array(count);
  let resolved = 0;
  /** @type {Array<{ index: number; error: unknown }>} */
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = offset + next;
      next += 1;
      const started = performance.now();
      try {
        await send(index);
        latencies[resolved] = performance.now() - started;
        resolved += 1;
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const elapsedMs = performance.now() - started;
  return { latencies: latencies.subarray(0, resolved).sort(), failures, elapsedMs };
};

/**
 * The value below which `fraction` of the sorted values lie (nearest rank).
 * @param {ArrayLike<number>} sorted @param {number} fraction
 */
export const percentile = (sorted, fraction) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;

/** Whether the process runs with `--expose-gc`, so that heap figures follow a real collection. */
export const canCollectGarbage = () => typeof globalThis.gc === 'function';

/** A full collection (twice: the first may only queue finalizers), then the heap in use, in bytes. */
export const heapAfterGc = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

let nextQuestionId = 0;
/** @type {Map<number, (answer: unknown) => void>} */
const pendingAnswers = new Map();
process.on('message', (/** @type {{ kind?: string; id: number; answer: unknown }} */ message) => {
  if (message.kind === 'answer') {
    pendingAnswers.get(message.id)?.(message.answer);
    pendingAnswers.delete(message.id);
  }
});

/**
 * Asks the parent process (over IPC) something only it knows, e.g. how many requests the
 * receiver it serves has received; see {@link runSender}.
 * @param {string} question
 * @returns {Promise<unknown>}
 */
export const askParent = async (question) => {
  nextQuestionId += 1;
  const id = nextQuestionId;
  /** @type {Promise<unknown>} */
  const answer = new Promise((resolve) => pendingAnswers.set(id, resolve));
  process.send?.({ kind: 'question', id, question });
  return answer;
};

/**
 * Sends the report to the parent, then leaves (the SDK's keep-alive sockets would keep the
 * process up).
 * @param {unknown} report
 */
export const reportToParent = (report) => {
  process.send?.({ kind: 'report', report }, () => process.exit(0));
};

// ---------------------------------------------------------------------------------------------
// The parent side

/**
 * Runs a sending script on plain `node --expose-gc` and returns what it reports; answers its
 * questions with `answer`. Stops it (and fails) after `timeLimitMs`: a send that never ends must
 * not hang the run or CI.
 * @param {string} scriptPath
 * @param {string[]} args
 * @param {{ env: Record<string, string>; answer: (question: string) => unknown; timeLimitMs: number }} options
 * @returns {Promise<unknown>}
 */
export const runSender = async (scriptPath, args, { env, answer, timeLimitMs }) => {
  const child = fork(scriptPath, args, {
    // Plain node, not the TypeScript loader the parent may run under.
    execArgv: ['--expose-gc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  /** @type {{ report: unknown } | undefined} */
  let received;
  child.on(
    'message',
    (/** @type {{ kind: string; id: number; question: string; report: unknown }} */ message) => {
      if (message.kind === 'question') {
        void (async () => {
          try {
            child.send({ kind: 'answer', id: message.id, answer: await answer(message.question) });
          } catch (error) {
            console.error(`Cannot answer "${message.question}":`, error);
            child.kill('SIGKILL');
          }
        })();
      } else if (message.kind === 'report') {
        received = { report: message.report };
      }
    }
  );
  const watchdog = setTimeout(() => child.kill('SIGKILL'), timeLimitMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(watchdog);
  if (code !== 0 || !received) {
    throw new Error(
      signal === 'SIGKILL'
        ? `${scriptPath} did not finish within ${timeLimitMs / 1000} s and was stopped`
        : `${scriptPath} failed (exit code ${code})`
    );
  }
  return received.report;
};
