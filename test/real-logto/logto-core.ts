/**
 * One run's Logto: a per-run instance folder over the cached build, the database seeded, core
 * started on loopback, and connectors added with Logto's own CLI.
 *
 * Core loads connectors from `<core package>/../core/connectors`, where `<core package>` is found
 * from the real path of its own code. So the per-run instance holds a hard-linked copy of core's
 * `build/` (its real path is then in the instance), a copy of its package.json (core skips a
 * symlinked one when it looks for its own folder) and an empty `connectors/` of its own;
 * everything else (node_modules, the other packages) is a symlink into the cache. `connector add --path <instance>` writes into the instance only: the cache never changes.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { LogtoBuild } from './logto-build.js';
import { freePort } from '../support/free-port.js';

import { type Server, runCommand, startServer, waitFor } from './processes.js';

/** The preload that keeps core's listeners on 127.0.0.1. */
export const loopbackPreload = fileURLToPath(new URL('loopback-only.mjs', import.meta.url));

/** A per-run Logto instance folder (`<runDir>/logto`), as `connector add --path` and core see it. */
export type LogtoInstance = {
  build: LogtoBuild;
  instanceDir: string;
  coreDir: string;
  connectorsDir: string;
};

/** Symlinks every entry of `from` into `to`, except `except` (created by the caller). */
const linkEntries = async (from: string, to: string, except: ReadonlySet<string>): Promise<void> => {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    if (!except.has(name)) {
      await symlink(join(from, name), join(to, name));
    }
  }
};

/** Builds `<runDir>/logto` over the cached build (see the module comment). */
export const createInstance = async (build: LogtoBuild, runDir: string): Promise<LogtoInstance> => {
  const instanceDir = join(runDir, 'logto');
  const packagesDir = join(instanceDir, 'packages');
  const coreDir = join(packagesDir, 'core');
  const cachedCore = join(build.logtoDir, 'packages', 'core');
  await linkEntries(build.logtoDir, instanceDir, new Set(['packages']));
  await linkEntries(join(build.logtoDir, 'packages'), packagesDir, new Set(['core']));
  await linkEntries(cachedCore, coreDir, new Set(['build', 'connectors', 'package.json']));
  // Hard links: no copy of the bytes, and nothing in the instance writes into build/.
  await runCommand('cp', ['-al', join(cachedCore, 'build'), join(coreDir, 'build')], {
    cwd: runDir,
    env: { PATH: process.env.PATH },
    timeoutMs: 120_000,
  });
  // A real file: core finds its own package by the nearest package.json that is not a symlink.
  await copyFile(join(cachedCore, 'package.json'), join(coreDir, 'package.json'));
  const connectorsDir = join(coreDir, 'connectors');
  await mkdir(connectorsDir);
  return { build, instanceDir, coreDir, connectorsDir };
};

/** What is in the cache's own connectors folder (must stay empty: runs add to their instance). */
export const cachedConnectors = async (build: LogtoBuild): Promise<string[]> => {
  const folder = join(build.logtoDir, 'packages', 'core', 'connectors');
  return existsSync(folder) ? (await readdir(folder)).sort() : [];
};

/** The environment of core and the Logto CLI: built from scratch, so no AWS_* setting of the caller's reaches it. */
export const logtoEnvironment = (build: LogtoBuild, extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: `${build.tools.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: process.env.HOME,
  LANG: 'C.UTF-8',
  NODE_ENV: 'production',
  ...extra,
});

const cli = (instance: LogtoInstance): string =>
  join(instance.build.logtoDir, 'packages', 'cli', 'bin', 'logto.js');

/** `logto db seed --swe --dapc`: the admin and default tenants, the pwned-password check off (offline). */
export const seedDatabase = async (instance: LogtoInstance, databaseUrl: string): Promise<string> =>
  runCommand(instance.build.tools.node, [cli(instance), 'db', 'seed', '--swe', '--dapc'], {
    cwd: instance.instanceDir,
    env: logtoEnvironment(instance.build, { DB_URL: databaseUrl }),
    timeoutMs: 180_000,
  });

/**
 * The Logto CLI's own `connector add <absolute tarball path> --path <instance>`, as an operator runs
 * it (the CLI runs `npm pack` on the path and unpacks the result into the connectors folder).
 */
export const addConnector = async (instance: LogtoInstance, tarball: string): Promise<string> =>
  runCommand(
    instance.build.tools.node,
    [cli(instance), 'connector', 'add', tarball, '--path', instance.instanceDir],
    {
      cwd: instance.instanceDir,
      env: logtoEnvironment(instance.build, {}),
      timeoutMs: 180_000,
    }
  );

/** A running Logto core. */
export type LogtoCore = {
  coreUrl: string;
  adminUrl: string;
  corePort: number;
  adminPort: number;
  server: Server;
  stop: () => Promise<void>;
};

/** The ports core listens on: chosen once per run, kept across restarts. */
export type CorePorts = { corePort: number; adminPort: number };

export const chooseCorePorts = async (): Promise<CorePorts> => {
  const corePort = await freePort();
  let adminPort = await freePort();
  while (adminPort === corePort) {
    adminPort = await freePort();
  }
  return { corePort, adminPort };
};

/**
 * Starts core (`NODE_ENV=production node --require loopback-only.mjs .` in the instance's core
 * folder) and resolves once `GET /api/status` answers on both ports.
 */
export const startCore = async (
  instance: LogtoInstance,
  { databaseUrl, ports, logFile }: { databaseUrl: string; ports: CorePorts; logFile: string }
): Promise<LogtoCore> => {
  const coreUrl = `http://127.0.0.1:${ports.corePort}`;
  const adminUrl = `http://127.0.0.1:${ports.adminPort}`;
  const server = await startServer(
    'Logto core',
    instance.build.tools.node,
    ['--import', pathToFileURL(loopbackPreload).href, '.'],
    {
      cwd: instance.coreDir,
      env: logtoEnvironment(instance.build, {
        DB_URL: databaseUrl,
        PORT: String(ports.corePort),
        ADMIN_PORT: String(ports.adminPort),
        ENDPOINT: coreUrl,
        ADMIN_ENDPOINT: adminUrl,
        TRUST_PROXY_HEADER: '0',
      }),
      logFile,
    }
  );
  const answers = async (url: string) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return response.status < 500;
  };
  try {
    await waitFor(
      'Logto core answering /api/status',
      async () => (await answers(`${coreUrl}/api/status`)) && answers(`${adminUrl}/api/status`),
      { timeoutMs: 120_000, intervalMs: 500, server }
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { coreUrl, adminUrl, ...ports, server, stop: async () => server.stop('SIGTERM', 10_000) };
};

/** The processes in the process group led by `pid` (core and anything it spawned). */
const groupMembers = async (pid: number): Promise<number[]> => {
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = await readFile(join('/proc', entry, 'stat'), 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp …: comm may hold spaces, so split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[2] === String(pid)) {
      members.push(Number(entry));
    }
  }
  return members;
};

const hexToAddress = (hex: string): string => {
  if (hex.length === 8) {
    return (hex.match(/../g) ?? [])
      .reverse()
      .map((byte) => Number.parseInt(byte, 16))
      .join('.');
  }
  return hex === '00000000000000000000000000000000'
    ? '::'
    : hex === '00000000000000000000000001000000'
      ? '::1'
      : `ipv6:${hex}`;
};

/**
 * Every TCP address the process group led by `pid` listens on, read from /proc (no tool needed):
 * the sockets among its file descriptors that /proc/net/tcp{,6} shows in state LISTEN.
 */
export const listeningAddresses = async (pid: number): Promise<string[]> => {
  const inodes = new Set<string>();
  for (const member of await groupMembers(pid)) {
    const fdDir = join('/proc', String(member), 'fd');
    for (const fd of await readdir(fdDir).catch(() => [])) {
      const target = await readlink(join(fdDir, fd)).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1]) {
        inodes.add(match[1]);
      }
    }
  }
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state === '0A' && inode && inodes.has(inode) && local) {
        const [hex = '', port = '0'] = local.split(':');
        addresses.push(`${hexToAddress(hex)}:${Number.parseInt(port, 16)}`);
      }
    }
  }
  return addresses.sort();
};
