import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

import { SetupError } from './errors.js';

/** Standard input as the prompt needs it: a terminal has `isTTY` (and `setRawMode`), a pipe does not. */
export type PasswordInput = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/**
 * Reads one password line. On a terminal it writes `prompt` to `output` and reads with echo off
 * (the terminal in raw mode, Node's line editing: backspace and Ctrl-U work, nothing typed is
 * shown); Ctrl-C cancels. From a pipe or a file it reads the first line, without a prompt.
 *
 * @returns the line without its line break, or undefined when the input ended before one
 * @throws {SetupError} when the user pressed Ctrl-C at the prompt
 */
export const readPassword = async (
  input: PasswordInput,
  output: NodeJS.WritableStream,
  prompt: string
): Promise<string | undefined> => {
  const terminal = input.isTTY === true;
  if (terminal) {
    output.write(prompt);
  }
  // What readline would echo (the characters, cursor moves) goes nowhere.
  const muted = new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  });
  const lines = createInterface({ input, output: muted, terminal });
  try {
    return await new Promise<string | undefined>((resolve, reject) => {
      lines.once('line', resolve);
      lines.once('close', () => {
        resolve(undefined);
      });
      lines.once('SIGINT', () => {
        reject(new SetupError('Cancelled at the password prompt: nothing was changed.'));
      });
    });
  } finally {
    // Gives the terminal back in its normal mode and stops reading standard input.
    lines.close();
    if (terminal) {
      output.write('\n');
    }
  }
};
