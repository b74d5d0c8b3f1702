/**
 * The connector config as a JSON file, read the same way by every command of the CLI
 * (`send-test`, `doctor`). A broken file is reported by line and column only: JSON.parse's own
 * message quotes the text around the error, and that text may be the access key secret.
 */
import { readFile } from 'node:fs/promises';

import { type ParseError, parse } from 'jsonc-parser';

/** A place in a text, both counted from 1. */
type TextPosition = { line: number; column: number };

/** The line and column of `offset` in `text` (lines end at LF; CR counts as a column). */
const positionOf = (text: string, offset: number): TextPosition => {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
};

/**
 * Where `text` stops being JSON, or `undefined` when JSON.parse accepts it (or when no position
 * can be given). JSON.parse decides whether the text is JSON; jsonc-parser, whose errors carry an
 * offset and never the text, says where.
 */
export const invalidJsonPosition = (text: string): TextPosition | undefined => {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    // Not JSON: find where.
  }
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  } catch {
    // jsonc-parser recurses per nesting level: a very deep text overflows the stack.
    return undefined;
  }
  const [first] = errors;
  return first === undefined ? undefined : positionOf(text, first.offset);
};

/** What {@link readConfigFile} found: the parsed JSON, or one sentence saying why there is none. */
type ConfigFileRead = { config: unknown } | { problem: string };

/**
 * Reads a config file for a command. Never throws; the problem sentence names the file and,
 * for a broken one, the line and column, never its text.
 *
 * @example
 * ```ts
 * const file = await readConfigFile('ses.json');
 * if ('problem' in file) console.error(file.problem);
 * ```
 */
export const readConfigFile = async (path: string): Promise<ConfigFileRead> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    return { problem: `Cannot read the config file ${path}${typeof code === 'string' ? ` (${code})` : ''}.` };
  }
  try {
    return { config: JSON.parse(text) as unknown };
  } catch {
    const where = invalidJsonPosition(text);
    return {
      problem: `The config file ${path} is not valid JSON: ${where ? `line ${where.line}, column ${where.column}` : 'check its syntax'}.`,
    };
  }
};
