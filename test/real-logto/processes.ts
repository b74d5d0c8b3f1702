/**
 * Child processes of the real-Logto suite: commands run to completion with their output kept for
 * the error message, and long-running servers in process groups of their own, stopped by id.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** How a command or server is started. `uid`/`gid` run it as another user (root only). */
export type ProcessOptions = {
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
};

/** The last `limit` characters of a command's combined output, for error messages. */
const tail = (text: string, limit = 4000): string => (text.length > limit ? `…${text.slice(-limit)}` : text);

/**
 * Runs `command args` to completion and resolves with its combined stdout and stderr; rejects with
 * that output's tail when it exits non-zero or is killed. `timeoutMs` bounds it (SIGTERM, then the
 * rejection).
 */
export const runCommand = async (
  command: string,
  args: readonly string[],
  options: ProcessOptions & { timeoutMs?: number; input?: string }
): Promise<string> => {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  if (options.input !== undefined) {
    child.stdin?.end(options.input);
  }
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          child.kill('SIGTERM');
        }, options.timeoutMs);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (code !== 0) {
      const how = signal ? `was stopped by ${signal}` : `exited with ${code}`;
      throw new Error(`${command} ${args.join(' ')} ${how}:\n${tail(output)}`);
    }
    return output;
  } finally {
    clearTimeout(timer);
  }
};

/** A server started by the suite: its pid, its log file, and how to stop it. */
export type Server = {
  name: string;
  pid: number;
  logFile: string;
  /** Whether it exited already (its exit code or signal, for error messages). */
  exited: () => string | undefined;
  /** SIGTERM (or `signal`) to its process group, SIGKILL after `graceMs`; resolves once it exited. */
  stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<void>;
};

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined) {
    return;
  }
  try {
    // The server leads a process group of its own (detached): its children stop with it.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};

/**
 * Starts a long-running server in a process group of its own (so a Ctrl-C in the terminal reaches
 * the suite first, which then stops it in order), with stdout and stderr appended to `logFile`.
 */
export const startServer = async (
  name: string,
  command: string,
  args: readonly string[],
  options: ProcessOptions & { logFile: string }
): Promise<Server> => {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await once(log, 'open');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ? `stopped by ${signal}` : `exited with ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      exit = `could not start: ${error.message}`;
      resolve();
    });
  });
  if (child.pid === undefined) {
    await exited;
    throw new Error(`${name} ${exit ?? 'could not start'}`);
  }
  const { pid } = child;
  return {
    name,
    pid,
    logFile: options.logFile,
    exited: () => exit,
    stop: async (signal = 'SIGTERM', graceMs = 10_000) => {
      if (exit === undefined) {
        signalGroup(child, signal);
        const timer = setTimeout(() => {
          signalGroup(child, 'SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
};

/** Polls `probe` every `intervalMs` until it resolves true, the server exits, or `timeoutMs` passes. */
export const waitFor = async (
  what: string,
  probe: () => Promise<boolean>,
  { timeoutMs, intervalMs = 250, server }: { timeoutMs: number; intervalMs?: number; server?: Server }
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) {
      return;
    }
    const exit = server?.exited();
    if (exit !== undefined) {
      throw new Error(`${server?.name ?? what} ${exit} before ${what} (log: ${server?.logFile ?? '-'})`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not after ${Math.round(timeoutMs / 1000)} s${server ? ` (log: ${server.logFile})` : ''}`
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
