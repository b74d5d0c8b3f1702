import { isAbsolute, resolve } from 'node:path';

import { SetupError } from './errors.js';
import { type CommandOptions, helpText, parseCommand, passwordVariable } from './options.js';
import { type PasswordInput, readPassword } from './password-prompt.js';
import { setupLogto } from './setup.js';

/** What the command reads and writes: the process's own in main.ts, streams of their own in tests. */
export type CommandIo = {
  env: NodeJS.ProcessEnv;
  /** Where a password is read when neither SETUP_LOGTO_PASSWORD nor --password gives one. */
  stdin: PasswordInput;
  /** Receives the report, one line per call. */
  print: (line: string) => void;
  /** Receives the prompt, warnings and the error sentence. */
  stderr: NodeJS.WritableStream;
  /** The .env file written when --dotenv is not given. */
  defaultEnvFile: string;
  /** Where a relative --dotenv is taken from (where npm was started). */
  startedIn: string;
  /** The set-up itself. @default setupLogto */
  setup?: typeof setupLogto;
};

/** Printed for `--password`: it works, but everyone on the machine (and every log) may see it. */
export const passwordOptionWarning = `setup-logto: warning: --password puts the admin's password on the command line, where npm prints it (its "> node … --password …" line), terminal scrollback, shell history and CI logs keep it, and any local user can read it (ps, /proc/<pid>/cmdline). Set ${passwordVariable} instead, or leave the password out to type it at a hidden prompt (or pipe it on standard input).`;

/** The admin's password: from the options, else typed at the prompt (or the first line of a pipe). */
const adminPassword = async (options: CommandOptions, io: CommandIo): Promise<string> => {
  if (options.password !== undefined) {
    return options.password;
  }
  if (io.stdin.isTTY !== true) {
    io.stderr.write(
      `setup-logto: reading the admin's password from standard input (${passwordVariable} is not set).\n`
    );
  }
  const typed = await readPassword(
    io.stdin,
    io.stderr,
    `Password of the Console admin "${options.username}" (not shown as you type): `
  );
  if (!typed) {
    throw new SetupError(
      `No password for the Console admin "${options.username}": set ${passwordVariable}, or run the command in a terminal and type it at the prompt, or pipe it on standard input.`
    );
  }
  return typed;
};

/**
 * `setup-logto`: parses the command line, gets the admin's password, runs the set-up and prints
 * its report; a {@link SetupError} is printed as its one sentence.
 *
 * @returns the exit status: 0 when done (or for --help), 1 after a SetupError
 */
export const runSetupCommand = async (argv: readonly string[], io: CommandIo): Promise<number> => {
  try {
    const command = parseCommand(argv, io.env);
    if (command.kind === 'help') {
      io.print(helpText());
      return 0;
    }
    if (command.passwordOnCommandLine) {
      io.stderr.write(`${passwordOptionWarning}\n`);
    }
    const { envFile } = command.options;
    const options = {
      ...command.options,
      password: await adminPassword(command.options, io),
      envFile:
        envFile === undefined
          ? io.defaultEnvFile
          : isAbsolute(envFile)
            ? envFile
            : resolve(io.startedIn, envFile),
    };
    const started = performance.now();
    const report = await (io.setup ?? setupLogto)(options, io.env, io.print);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.print(
      report.unchanged
        ? `Nothing changed: this Logto and ${report.envFile} were already set up for ${report.baseUrl} (${seconds} s).`
        : `Done in ${seconds} s: sign-in for ${report.baseUrl} goes through ${options.logtoUrl}. Start the example (npm run demo) and click Sign In.`
    );
    return 0;
  } catch (error: unknown) {
    if (error instanceof SetupError) {
      io.stderr.write(`setup-logto: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
