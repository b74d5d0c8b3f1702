/**
 * setup-logto's .env file on disk: it holds LOGTO_APP_SECRET and SESSION_SECRET, so whatever
 * the file was before (a copy of .env.example is mode 644), it ends readable by its owner only,
 * is replaced in one rename (never half-written, never written through a link), and a symbolic
 * link at its path is refused with a sentence before anything is written.
 */
import { lstat, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readEnvFile, saveEnvFile } from '../../src/setup-logto/env-file.js';
import { SetupError } from '../../src/setup-logto/errors.js';

const secrets = 'LOGTO_APP_SECRET=app-secret-1\nSESSION_SECRET=session-secret-1\n';
const permissions = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'setup-logto-env-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('writing the secrets', () => {
  it('leaves an existing .env copied from .env.example (mode 644) readable by its owner only', async () => {
    const envFile = join(folder, '.env');
    await writeFile(envFile, await readFile(new URL('../../.env.example', import.meta.url), 'utf8'), {
      mode: 0o644,
    });
    expect(await permissions(envFile)).toBe('644');

    const before = await readEnvFile(envFile);
    const outcome = await saveEnvFile(envFile, before, `${before.text}${secrets}`);

    expect(await permissions(envFile)).toBe('600');
    expect(await readFile(envFile, 'utf8')).toBe(`${before.text}${secrets}`);
    expect(outcome).toEqual({ change: 'updated', changed: ['mode 600, was 644'] });
  });

  it('creates a missing .env with mode 600', async () => {
    const envFile = join(folder, '.env');
    const before = await readEnvFile(envFile);
    expect(before).toEqual({ text: '', mode: undefined });
    expect(await saveEnvFile(envFile, before, secrets)).toEqual({ change: 'created' });
    expect(await permissions(envFile)).toBe('600');
  });

  it('tightens a 644 file that already holds the right values, and says so', async () => {
    const envFile = join(folder, '.env');
    await writeFile(envFile, secrets, { mode: 0o644 });
    const before = await readEnvFile(envFile);
    expect(before.mode).toBe(0o644);
    expect(await saveEnvFile(envFile, before, secrets)).toEqual({
      change: 'updated',
      changed: ['mode 600, was 644'],
    });
    expect(await permissions(envFile)).toBe('600');
    const again = await readEnvFile(envFile);
    expect(await saveEnvFile(envFile, again, secrets)).toEqual({ change: 'unchanged' });
  });

  it('replaces the file by a rename: a new file (inode), no temporary file left beside it', async () => {
    const envFile = join(folder, '.env');
    await writeFile(envFile, 'PLAYGROUND=on\n', { mode: 0o600 });
    const inodeBefore = (await stat(envFile)).ino;
    await saveEnvFile(envFile, await readEnvFile(envFile), `PLAYGROUND=on\n${secrets}`);
    expect((await stat(envFile)).ino).not.toBe(inodeBefore);
    expect(await readdir(folder)).toEqual(['.env']);
  });
});

describe('a symbolic link at the .env path', () => {
  const sentence = (envFile: string, target: string) =>
    new SetupError(
      `${envFile} is a symbolic link (to ${target}): setup-logto writes LOGTO_APP_SECRET and SESSION_SECRET only into a regular file, never through a link. Replace the link with a file, or pass the file itself with --dotenv, and run again.`
    );

  it('is refused when reading, before anything is written', async () => {
    const target = join(folder, 'elsewhere.env');
    await writeFile(target, 'PLAYGROUND=on\n', { mode: 0o644 });
    const envFile = join(folder, '.env');
    await symlink(target, envFile);

    await expect(readEnvFile(envFile)).rejects.toThrow(sentence(envFile, target));
    expect(await readFile(target, 'utf8')).toBe('PLAYGROUND=on\n');
  });

  it('is refused when writing, and neither the link nor its target changes', async () => {
    const target = join(folder, 'elsewhere.env');
    await writeFile(target, 'PLAYGROUND=on\n', { mode: 0o644 });
    const envFile = join(folder, '.env');
    // The link appears between the read and the write.
    const before = { text: '', mode: undefined };
    await symlink(target, envFile);

    await expect(saveEnvFile(envFile, before, secrets)).rejects.toThrow(sentence(envFile, target));
    expect(await readFile(target, 'utf8')).toBe('PLAYGROUND=on\n');
    expect(await permissions(target)).toBe('644');
    expect((await lstat(envFile)).isSymbolicLink()).toBe(true);
    expect((await readdir(folder)).sort()).toEqual(['.env', 'elsewhere.env']);
  });

  it('is refused even when it points nowhere (a link planted before the first run)', async () => {
    const target = join(folder, 'not-yet.env');
    const envFile = join(folder, '.env');
    await symlink(target, envFile);

    await expect(readEnvFile(envFile)).rejects.toThrow(sentence(envFile, target));
    await expect(saveEnvFile(envFile, { text: '', mode: undefined }, secrets)).rejects.toThrow(SetupError);
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
  });
});
