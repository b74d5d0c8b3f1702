/**
 * The Logto of one run, started step by step (shared by the suite and `npm run logto:dev`): the
 * cached build, PostgreSQL on 127.0.0.1, the seed, core on loopback, and this package packed and
 * added with the Logto CLI's own `connector add`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { packConnector } from '../host/logto-instance.js';

import { type LogtoBuild, ensureLogtoBuild } from './logto-build.js';
import {
  type CorePorts,
  type LogtoCore,
  type LogtoInstance,
  addConnector,
  chooseCorePorts,
  createInstance,
  listeningAddresses,
  seedDatabase,
  startCore,
} from './logto-core.js';
import { type Postgres, startPostgres } from './postgres.js';
import { runCommand } from './processes.js';

export type Step = <T>(name: string, run: () => Promise<T>) => Promise<T>;

export type SessionOptions = {
  repoRoot: string;
  /** A temporary folder of this run (the instance goes in it). */
  runDir: string;
  /** Where PostgreSQL's and core's logs go. */
  logDir: string;
  step: Step;
  log: (line: string) => void;
  onCleanup: (stop: () => Promise<void> | void) => void;
  /** Keep the database in this folder and reuse it next time (the dev command). */
  keepDatabaseIn?: string;
  ports?: CorePorts;
};

export type LogtoSession = {
  build: LogtoBuild;
  instance: LogtoInstance;
  postgres: Postgres;
  /** The running core (replaced by `restartCore`). */
  core: () => LogtoCore;
  restartCore: () => Promise<LogtoCore>;
};

/** Checks that core listens on its two ports, on 127.0.0.1 only. */
const checkLoopbackOnly = async (core: LogtoCore): Promise<string[]> => {
  const addresses = await listeningAddresses(core.server.pid);
  const outside = addresses.filter((address) => !address.startsWith('127.0.0.1:'));
  if (outside.length > 0) {
    throw new Error(
      `Logto core listens beyond loopback: ${outside.join(', ')} (all: ${addresses.join(', ')})`
    );
  }
  for (const port of [core.corePort, core.adminPort]) {
    if (!addresses.includes(`127.0.0.1:${port}`)) {
      throw new Error(
        `Logto core does not listen on 127.0.0.1:${port} (it listens on ${addresses.join(', ') || 'nothing'})`
      );
    }
  }
  return addresses;
};

/** Builds (or reuses) Logto, starts PostgreSQL, seeds it when new, and starts core on loopback. */
export const startLogtoSession = async (options: SessionOptions): Promise<LogtoSession> => {
  const { repoRoot, runDir, logDir, step, log, onCleanup } = options;
  await mkdir(logDir, { recursive: true });
  const build = await step('build Logto from LOGTO_SOURCE (or reuse the cached build)', async () => {
    const result = await ensureLogtoBuild(repoRoot, log);
    log(`${result.built ? 'built' : 'reused'} ${result.logtoDir}`);
    return result;
  });
  const postgres = await step('start PostgreSQL on 127.0.0.1', async () => {
    const started = await startPostgres({
      logFile: join(logDir, 'postgres.log'),
      ...(options.keepDatabaseIn === undefined ? {} : { keepIn: options.keepDatabaseIn }),
    });
    onCleanup(started.stop);
    log(`127.0.0.1:${started.port}${started.reused ? ' (existing database)' : ''}`);
    return started;
  });
  const instance = await createInstance(build, runDir);
  if (!postgres.reused) {
    await step('seed the database (logto db seed --swe --dapc)', async () => {
      await seedDatabase(instance, postgres.databaseUrl);
    });
  }
  const ports = options.ports ?? (await chooseCorePorts());
  const coreLog = join(logDir, 'core.log');
  let current: LogtoCore | undefined;
  onCleanup(async () => current?.stop());
  const start = async (): Promise<LogtoCore> => {
    await current?.stop();
    current = await startCore(instance, { databaseUrl: postgres.databaseUrl, ports, logFile: coreLog });
    const addresses = await checkLoopbackOnly(current);
    log(`core ${current.coreUrl}, admin ${current.adminUrl}; listening on ${addresses.join(', ')}`);
    return current;
  };
  await step('start Logto core on loopback (no AWS_ENDPOINT_URL* in its environment)', start);
  return {
    build,
    instance,
    postgres,
    core: () => {
      if (!current) {
        throw new Error('Logto core is not running');
      }
      return current;
    },
    restartCore: start,
  };
};

/**
 * `npm run build && npm pack` of this package, `connector add <absolute tarball path>` with the
 * Logto CLI, and a restart of core. Returns the tarball's path.
 */
export const packAndAddConnector = async (
  session: LogtoSession,
  { repoRoot, runDir, step, log }: Pick<SessionOptions, 'repoRoot' | 'runDir' | 'step' | 'log'>
): Promise<string> => {
  const tarball = await step('pack this package (npm run build && npm pack)', async () => {
    await runCommand('npm', ['run', 'build'], { cwd: repoRoot, env: process.env, timeoutMs: 300_000 });
    const packed = await packConnector(runDir);
    log(packed.tarball);
    return packed.tarball;
  });
  await step('connector add <absolute tarball path> with the Logto CLI, then restart core', async () => {
    const output = await addConnector(session.instance, tarball);
    log(output.split('\n').find((line) => line.includes('Added')) ?? output.trim());
    await session.restartCore();
  });
  return tarball;
};
