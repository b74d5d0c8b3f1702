import { randomBytes } from 'node:crypto';
import { type Stats } from 'node:fs';
import { lstat, open, readFile, readlink, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { SetupError } from './errors.js';

import { type Outcome } from './logto-setup-steps.js';

/** The variables `setup-logto` writes into the example's .env file. */
export type EnvValues = {
  LOGTO_ENDPOINT: string;
  LOGTO_APP_ID: string;
  LOGTO_APP_SECRET: string;
  /** Written only when given (an explicit --base-url). */
  BASE_URL?: string;
};

const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;

const unquote = (raw: string): string => {
  const text = raw.trim();
  const quoted = /^(["'`])(.*?)\1(?:\s+#.*)?$/s.exec(text);
  if (quoted) {
    return quoted[2] ?? '';
  }
  // An unquoted value ends where a comment starts.
  return text.replace(/\s+#.*$/, '');
};

/** The variables a .env text sets (the last assignment wins, as in Node's loader). */
export const readEnvText = (text: string): Map<string, string> => {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = assignment.exec(line);
    if (match?.[1]) {
      values.set(match[1], unquote(match[2] ?? ''));
    }
  }
  return values;
};

/** A value as a .env line can hold it: plain when safe, else double-quoted. */
const formatValue = (value: string): string => {
  if (/[\r\n"]/.test(value)) {
    throw new Error('A .env value cannot hold line breaks or double quotes.');
  }
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `"${value}"`;
};

/** A new session secret: 32 random bytes in hex. */
export const newSessionSecret = (): string => randomBytes(32).toString('hex');

/**
 * The .env text with `values` set: an existing assignment of the same variable is rewritten in
 * place (its first occurrence; later duplicates are dropped), new ones are appended, every other
 * line (comments, other variables) is kept as it was. SESSION_SECRET is added only when the file
 * has no non-empty one, so signed-in sessions survive a re-run.
 *
 * @param sessionSecret - the secret to add when none is set (a parameter, so tests can pin it)
 */
export const mergeEnvText = (existing: string, values: EnvValues, sessionSecret: string): string => {
  const wanted = new Map<string, string>(
    Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  );
  if (!readEnvText(existing).get('SESSION_SECRET')?.trim()) {
    wanted.set('SESSION_SECRET', sessionSecret);
  }
  const lines = existing === '' ? [] : existing.replace(/\r?\n$/, '').split(/\r?\n/);
  const written = new Set<string>();
  const merged: string[] = [];
  for (const line of lines) {
    const name = assignment.exec(line)?.[1];
    const value = name === undefined ? undefined : wanted.get(name);
    if (name === undefined || value === undefined) {
      merged.push(line);
      continue;
    }
    if (written.has(name)) {
      continue;
    }
    written.add(name);
    merged.push(readEnvText(line).get(name) === value ? line : `${name}=${formatValue(value)}`);
  }
  const added = [...wanted].filter(([name]) => !written.has(name));
  if (added.length > 0) {
    if (merged.length > 0 && merged.at(-1)?.trim() !== '') {
      merged.push('');
    }
    merged.push('# Written by `npm --prefix example run setup-logto`.');
    for (const [name, value] of added) {
      merged.push(`${name}=${formatValue(value)}`);
    }
  }
  return `${merged.join('\n')}\n`;
};

/** The .env file as setup-logto found it. */
export type EnvFileState = {
  /** Its text; '' when there is no file. */
  text: string;
  /** Its permission bits (such as 0o644), undefined when there is no file. */
  mode: number | undefined;
};

/** Whether anyone but the file's owner may read or write it (a missing file is private). */
const readableByOthers = ({ mode }: EnvFileState): boolean => mode !== undefined && (mode & 0o077) !== 0;

/** The sentence for a symbolic link at the .env path: the secrets never go through one. */
const refuseLink = async (path: string): Promise<SetupError> =>
  new SetupError(
    `${path} is a symbolic link (to ${await readlink(path)}): setup-logto writes LOGTO_APP_SECRET and SESSION_SECRET only into a regular file, never through a link. Replace the link with a file, or pass the file itself with --dotenv, and run again.`
  );

/** The file's lstat (the path itself, never a link's target), or undefined when there is none. */
const entryAt = async (path: string): Promise<Stats | undefined> =>
  lstat(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  });

/** Refuses a symbolic link, or anything but a regular file, at the .env path. */
const checkEntry = async (path: string, entry: Stats | undefined): Promise<void> => {
  if (entry?.isSymbolicLink()) {
    throw await refuseLink(path);
  }
  if (entry && !entry.isFile()) {
    throw new SetupError(`${path} is not a regular file: pass the .env file to write with --dotenv.`);
  }
};

/**
 * The .env file as it is now (a missing file reads as empty).
 *
 * @throws {SetupError} when the path is a symbolic link or not a regular file
 */
export const readEnvFile = async (path: string): Promise<EnvFileState> => {
  const entry = await entryAt(path);
  await checkEntry(path, entry);
  if (!entry) {
    return { text: '', mode: undefined };
  }
  return { text: await readFile(path, 'utf8'), mode: entry.mode & 0o777 };
};

/**
 * Replaces the file at `path` with `text`, readable and writable by its owner only: the text goes
 * into a new file beside it (created exclusively, mode 600, so never an existing file or a
 * link), which is then renamed over `path`. A reader sees the old file or the new one, never
 * half of one, and a link at `path` is refused rather than written through.
 */
const writePrivately = async (path: string, text: string): Promise<void> => {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    // The process's umask may only have narrowed 600; make it exactly 600.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await checkEntry(path, await entryAt(path));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

/**
 * Saves the merged .env text when it differs from the file's, or when the file can be read by
 * others (it holds secrets), and says what happened to the file.
 *
 * @throws {SetupError} when the path has become a symbolic link or something not a file
 */
export const saveEnvFile = async (
  path: string,
  current: EnvFileState,
  text: string
): Promise<Omit<Outcome, 'subject'>> => {
  const loose = readableByOthers(current);
  if (text === current.text && !loose) {
    return { change: 'unchanged' };
  }
  await writePrivately(path, text);
  return {
    change: current.mode === undefined ? 'created' : 'updated',
    ...(loose && { changed: [`mode 600, was ${(current.mode ?? 0).toString(8)}`] }),
  };
};
