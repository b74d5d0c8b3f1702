import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

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

/** The .env file as it is now. */
export type EnvFileState = { text: string; existed: boolean; private: boolean };

/** The .env file as it is now: its text ('' when there is none). */
export const readEnvFile = async (path: string): Promise<EnvFileState> => ({
  text: existsSync(path) ? await readFile(path, 'utf8') : '',
  existed: existsSync(path),
  private: true,
});

/** Writes `text` when it differs from the file's, and says what happened to the file. */
export const saveEnvFile = async (
  path: string,
  current: EnvFileState,
  text: string
): Promise<Omit<Outcome, 'subject'>> => {
  if (text === current.text) {
    return { change: 'unchanged' };
  }
  await writeFile(path, text, { mode: 0o600 });
  return { change: current.text ? 'updated' : 'created' };
};
