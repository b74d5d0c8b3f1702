/**
 * A throwaway PostgreSQL 15 cluster for one run: a temporary data folder, listening on 127.0.0.1
 * at a free port with its socket in that folder (it never meets another cluster), a random
 * password for `postgres`. `initdb` and `postgres` refuse to run as root, so as root they run as
 * the `postgres` user, on folders it owns.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../support/free-port.js';

import { type Server, runCommand, startServer, waitFor } from './processes.js';

/** Debian's PostgreSQL 15 binaries; POSTGRES_BIN overrides. */
export const postgresBin = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export type Postgres = {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/logto`: core's DB_URL. */
  databaseUrl: string;
  port: number;
  dataDir: string;
  /** Whether an existing cluster was started again (the dev command without --fresh). */
  reused: boolean;
  server: Server;
  /** Stops the server (fast shutdown) and deletes its folder (unless kept). */
  stop: () => Promise<void>;
};

/** The user initdb and postgres run as: the current one, or `postgres` when running as root. */
const runAs = (): { uid?: number; gid?: number } => {
  if (process.getuid?.() !== 0) {
    return {};
  }
  const id = (flag: string) =>
    Number.parseInt(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }), 10);
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      'Running as root, PostgreSQL needs the `postgres` user (created by the Debian package postgresql): apt-get install postgresql, or run as another user.'
    );
  }
};

/**
 * initdb + postgres on 127.0.0.1; resolves once it accepts connections. Without `keepIn`, the
 * cluster lives in a temporary folder deleted by `stop`. With `keepIn` (the dev command), it lives
 * in that folder and is reused by the next start (its password kept beside it, mode 0600).
 */
export const startPostgres = async ({
  logFile,
  keepIn,
}: {
  logFile: string;
  keepIn?: string;
}): Promise<Postgres> => {
  const user = runAs();
  const root = keepIn ?? (await mkdtemp(join(tmpdir(), 'real-logto-pg-')));
  await mkdir(root, { recursive: true });
  const dataDir = join(root, 'data');
  const keptPassword = join(root, 'password.txt');
  const reuse = keepIn !== undefined && existsSync(join(dataDir, 'PG_VERSION')) && existsSync(keptPassword);
  const password = reuse
    ? (await readFile(keptPassword, 'utf8')).trim()
    : randomBytes(18).toString('base64url');
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: root };
  const port = await freePort();
  const removeAll = async () => {
    await rm(root, { recursive: true, force: true });
  };
  let server: Server | undefined;
  try {
    if (!reuse) {
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
      const passwordFile = join(root, 'initdb-password');
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      if (user.uid !== undefined && user.gid !== undefined) {
        for (const path of [root, dataDir, passwordFile]) {
          await chown(path, user.uid, user.gid);
        }
      }
      await chmod(root, 0o700);
      await runCommand(
        join(postgresBin, 'initdb'),
        [
          '-D',
          dataDir,
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${passwordFile}`,
          '-E',
          'UTF8',
          '--no-sync',
        ],
        { cwd: root, env, timeoutMs: 120_000, ...user }
      );
      await rm(passwordFile);
      if (keepIn !== undefined) {
        await writeFile(keptPassword, `${password}\n`, { mode: 0o600 });
      }
    }
    server = await startServer(
      'PostgreSQL',
      join(postgresBin, 'postgres'),
      ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', root, '-c', 'fsync=off'],
      { cwd: root, env, logFile, ...user }
    );
    await waitFor(
      'PostgreSQL accepting connections',
      async () => {
        await runCommand(join(postgresBin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], {
          cwd: root,
          env,
          timeoutMs: 5000,
        });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 300, server }
    );
    const started = server;
    return {
      databaseUrl: `postgres://postgres:${password}@127.0.0.1:${port}/logto`,
      port,
      dataDir,
      reused: reuse,
      server: started,
      stop: async () => {
        // SIGINT: PostgreSQL's fast shutdown.
        await started.stop('SIGINT', 15_000);
        if (keepIn === undefined) {
          await removeAll();
        }
      },
    };
  } catch (error) {
    await server?.stop('SIGINT', 15_000);
    if (keepIn === undefined) {
      await removeAll();
    }
    throw error;
  }
};
