/**
 * `npm run logto:dev`: a real Logto to develop against, until Ctrl-C. Builds Logto from
 * LOGTO_SOURCE (or reuses the cached build), starts PostgreSQL (its database kept in the cache
 * between runs; `--fresh` starts from an empty one), core on 127.0.0.1 and the SES emulator, and
 * prints their URLs. `--connector` packs this package and adds it with `connector add` first.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startEmulator } from '../support/emulator.js';

import { cacheRoot } from './logto-build.js';
import { packAndAddConnector, startLogtoSession } from './logto-session.js';
import { createCleanups, createScreenshots, createStepRunner } from './steps.js';

const usage = `Usage: npm run logto:dev -- [options]

A real Logto (built from LOGTO_SOURCE, default ../shared/logto/logto-1.42.0-source.tar.gz) on
127.0.0.1, with PostgreSQL and the SES emulator (aws-ses-v2-local), until Ctrl-C.

Options:
  --connector         pack this package and add it with \`connector add\` before core starts for good
  --fresh             start from an empty database (default: the one kept from the last run)
  --port <n>          core's port (default: a free one)
  --admin-port <n>    the admin port (default: a free one)
  --state-file <path> write the URLs as JSON there once everything is up
  --help              this text

Environment: LOGTO_SOURCE (a Logto source folder or tarball), LOGTO_CACHE_DIR (default
\${XDG_CACHE_HOME:-~/.cache}/connector-aws-ses).`;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where the dev database is kept. As root, PostgreSQL runs as the `postgres` user, who cannot
 * enter root's home folder: then /var/tmp (kept across reboots, unlike /tmp).
 */
const devDatabaseDir = (): string =>
  process.getuid?.() === 0 ? '/var/tmp/connector-aws-ses-logto-dev' : join(cacheRoot(), 'dev-database');

const portOption = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${name} takes a port number (1-65535), not "${value}"`);
  }
  return port;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      connector: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'state-file': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const corePort = portOption(values.port, '--port');
  const adminPort = portOption(values['admin-port'], '--admin-port');
  if ((corePort === undefined) !== (adminPort === undefined)) {
    throw new Error('--port and --admin-port go together');
  }
  const cleanups = createCleanups();
  let stopping = false;
  const stopAll = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping\n`);
    await cleanups.runAll();
    process.exit(0);
  };
  // `on`, not `once`: a Ctrl-C reaches this process twice (from the terminal, and relayed by tsx),
  // and a second signal without a listener would kill it before the cleanups finish.
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));

  const runDir = await mkdtemp(join(tmpdir(), 'logto-dev-'));
  cleanups.onCleanup(async () => rm(runDir, { recursive: true, force: true }));
  const { step, log, results } = createStepRunner({
    browser: () => undefined,
    screenshot: createScreenshots(join(runDir, 'screenshots')),
  });
  const databaseDir = devDatabaseDir();
  if (values.fresh) {
    await rm(databaseDir, { recursive: true, force: true });
  }
  try {
    const session = await startLogtoSession({
      repoRoot,
      runDir,
      logDir: join(runDir, 'logs'),
      step,
      log,
      onCleanup: cleanups.onCleanup,
      keepDatabaseIn: databaseDir,
      ...(corePort !== undefined && adminPort !== undefined ? { ports: { corePort, adminPort } } : {}),
    });
    if (values.connector) {
      await packAndAddConnector(session, { repoRoot, runDir, step, log });
    }
    const emulator = await startEmulator();
    cleanups.onCleanup(emulator.close);
    const core = session.core();
    const state = {
      coreUrl: core.coreUrl,
      adminUrl: core.adminUrl,
      consoleUrl: `${core.adminUrl}/console`,
      sesEndpoint: emulator.endpoint,
      logs: join(runDir, 'logs'),
      connectors: session.instance.connectorsDir,
    };
    if (values['state-file']) {
      await writeFile(resolve(values['state-file']), `${JSON.stringify(state, null, 2)}\n`);
    }
    process.stdout.write(
      [
        '',
        `Logto core (ENDPOINT):       ${state.coreUrl}`,
        `Admin (ADMIN_ENDPOINT):      ${state.adminUrl}  (Console: ${state.consoleUrl})`,
        `SES emulator:                ${state.sesEndpoint}  (mail: ${state.sesEndpoint}/store)`,
        `Logs:                        ${state.logs}`,
        `Connectors folder:           ${state.connectors}${values.connector ? '' : ' (empty: run with --connector to add this package)'}`,
        '',
        'Configure it for the example:',
        `  npm --prefix example run setup-logto -- --logto ${state.coreUrl} --admin ${state.adminUrl} --username <u> --ses-endpoint ${state.sesEndpoint}`,
        '  (it asks for the password; or set SETUP_LOGTO_PASSWORD)',
        '',
        'Ctrl-C stops everything (the database is kept; --fresh starts from an empty one).',
        '',
      ].join('\n')
    );
  } catch (error) {
    if (results.every((result) => result.ok)) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    }
    await cleanups.runAll();
    process.exit(1);
  }
};

await main();
