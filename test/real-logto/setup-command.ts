/**
 * Step 4 of the real-Logto suite: the example's setup command (`npm --prefix example run
 * setup-logto`) against the suite's Logto, then once more, which must change nothing and say so.
 * A developer's own example/.env is put back afterwards.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Step } from './logto-session.js';
import { runCommand } from './processes.js';

/** How the second run must describe itself: no change made. */
export const nothingChangedPattern =
  /nothing (?:was |has )?changed|no changes|nothing to (?:change|do)|unchanged/i;

/** The command's output, without npm's own `> script` banner lines. */
const withoutNpmBanner = (output: string): string =>
  output
    .split('\n')
    .filter((line) => !line.startsWith('> ') && line.trim() !== '')
    .join('\n');

/**
 * Runs the setup command twice (see the module comment). Returns a function that restores the
 * example/.env that was there before (or removes the one the command wrote): call it at cleanup,
 * after the example journey used the new one.
 */
export const runSetupTwice = async ({
  repoRoot,
  coreUrl,
  adminUrl,
  admin,
  sesEndpoint,
  step,
  log,
  onCleanup,
}: {
  repoRoot: string;
  coreUrl: string;
  adminUrl: string;
  admin: { username: string; password: string };
  sesEndpoint: string;
  step: Step;
  log: (line: string) => void;
  onCleanup: (stop: () => Promise<void> | void) => void;
}): Promise<void> => {
  const envFile = join(repoRoot, 'example', '.env');
  const before = existsSync(envFile) ? await readFile(envFile, 'utf8') : undefined;
  onCleanup(async () => {
    if (before === undefined) {
      await rm(envFile, { force: true });
    } else {
      await writeFile(envFile, before);
    }
  });
  const args = [
    '--prefix',
    'example',
    'run',
    '--silent',
    'setup-logto',
    '--',
    '--logto',
    coreUrl,
    '--admin',
    adminUrl,
    '--username',
    admin.username,
    '--password',
    admin.password,
    '--ses-endpoint',
    sesEndpoint,
  ];
  // Only the command line configures it: none of the caller's LOGTO_* settings.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('LOGTO_') && !name.startsWith('SETUP_LOGTO_')
    )
  );
  const setup = async () => runCommand('npm', args, { cwd: repoRoot, env, timeoutMs: 180_000 });
  const first = await step('setup-logto: configure the fresh Logto for the example (first run)', async () => {
    const output = withoutNpmBanner(await setup());
    for (const line of output.split('\n').slice(-8)) {
      log(line);
    }
    if (!existsSync(envFile)) {
      throw new Error('setup-logto did not write example/.env');
    }
    return readFile(envFile, 'utf8');
  });
  await step('setup-logto again: nothing changed, and it says so', async () => {
    const output = withoutNpmBanner(await setup());
    for (const line of output.split('\n').slice(-4)) {
      log(line);
    }
    if (!nothingChangedPattern.test(output)) {
      throw new Error(`the second run does not say that nothing changed; it printed:\n${output}`);
    }
    if ((await readFile(envFile, 'utf8')) !== first) {
      throw new Error('the second run rewrote example/.env with other values');
    }
  });
};
