/**
 * The Console admin's password of `setup-logto` stays off command lines: it comes from
 * SETUP_LOGTO_PASSWORD, or a prompt with hidden input on a terminal, or the first line of a pipe.
 * `--password` still works and warns. The command runs in process with streams of its own and a
 * set-up that only records what it was given; the prompt also runs on a real pseudo-terminal.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { type CommandIo, runSetupCommand } from '../../src/setup-logto/command.js';
import { type PasswordInput } from '../../src/setup-logto/password-prompt.js';
import { type SetupOptions } from '../../src/setup-logto/options.js';

const urls = ['--logto', 'http://127.0.0.1:3001', '--admin', 'http://127.0.0.1:3002', '--username', 'admin'];

/** Runs the command with `stdin`; the set-up records its options and reports success. */
const runCommand = async (argv: string[], env: NodeJS.ProcessEnv, stdin: PasswordInput) => {
  let stderr = '';
  const printed: string[] = [];
  const given: SetupOptions[] = [];
  const io: CommandIo = {
    env,
    stdin,
    print: (line) => printed.push(line),
    stderr: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        stderr += chunk.toString();
        done();
      },
    }),
    defaultEnvFile: '/nowhere/.env',
    startedIn: '/nowhere',
    setup: async (options) => {
      given.push(options);
      return Promise.resolve({
        admin: 'created' as const,
        outcomes: [],
        baseUrl: 'http://localhost:3000',
        envFile: options.envFile,
        appId: 'app',
        unchanged: false,
      });
    },
  };
  const status = await runSetupCommand(argv, io);
  return { status, stderr: () => stderr, printed, password: given[0]?.password, setUp: given.length };
};

/** A pipe holding `text`, ended (as `printf … | npm run setup-logto` gives it). */
const pipe = (text: string): PassThrough => new PassThrough().end(text);

/** A terminal as Node's readline sees one: `isTTY`, and `setRawMode` recorded. */
const fakeTerminal = () => {
  const modes: boolean[] = [];
  const stream = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: (mode: boolean) => {
      modes.push(mode);
      return stream;
    },
  });
  return { stream, modes };
};

describe('where the password comes from', () => {
  it('takes SETUP_LOGTO_PASSWORD, with no warning and no prompt', async () => {
    const run = await runCommand(urls, { SETUP_LOGTO_PASSWORD: 'From-The-Env-9' }, pipe('piped-9\n'));
    expect(run.status).toBe(0);
    expect(run.password).toBe('From-The-Env-9');
    expect(run.stderr()).toBe('');
  });

  it('still takes --password, and warns that others can see it and what to use instead', async () => {
    const run = await runCommand([...urls, '--password', 'On-The-Line-9'], {}, pipe(''));
    expect(run.status).toBe(0);
    expect(run.password).toBe('On-The-Line-9');
    const warning = run.stderr();
    expect(warning).toMatch(/^setup-logto: warning: --password /);
    for (const why of ['npm prints it', 'CI logs', '/proc/<pid>/cmdline', 'SETUP_LOGTO_PASSWORD', 'prompt']) {
      expect(warning).toContain(why);
    }
    expect(warning).not.toContain('On-The-Line-9');
  });

  it('reads the first line of a pipe when neither gives one, keeping spaces and dropping the line break', async () => {
    const run = await runCommand(urls, {}, pipe(' Piped Pass-9 \r\nsecond line\n'));
    expect(run.status).toBe(0);
    expect(run.password).toBe(' Piped Pass-9 ');
    expect(run.stderr()).toContain("reading the admin's password from standard input");
    expect(run.stderr()).not.toContain('Piped');
  });

  it('stops with one sentence, before any set-up, when the pipe is empty', async () => {
    const run = await runCommand(urls, {}, pipe(''));
    expect(run.status).toBe(1);
    expect(run.setUp).toBe(0);
    expect(run.stderr().trim().split('\n').at(-1)).toBe(
      'setup-logto: No password for the Console admin "admin": set SETUP_LOGTO_PASSWORD, or run the command in a terminal and type it at the prompt, or pipe it on standard input.'
    );
  });
});

describe('the prompt on a terminal', () => {
  it('asks on standard error, shows nothing typed, allows corrections, and gives the terminal back', async () => {
    const terminal = fakeTerminal();
    const running = runCommand(urls, {}, terminal.stream);
    await expect.poll(() => terminal.modes).toEqual([true]);
    // "Correct-Horsx", a backspace, then "e-9" and Enter.
    terminal.stream.write('Correct-Horsx\x7fe-9\r');
    const run = await running;

    expect(run.status).toBe(0);
    expect(run.password).toBe('Correct-Horse-9');
    expect(run.stderr()).toBe('Password of the Console admin "admin" (not shown as you type): \n');
    expect(terminal.modes).toEqual([true, false]);
  });

  it('cancels on Ctrl-C without setting anything up', async () => {
    const terminal = fakeTerminal();
    const running = runCommand(urls, {}, terminal.stream);
    await expect.poll(() => terminal.modes).toEqual([true]);
    terminal.stream.write('Half\x03');
    const run = await running;

    expect(run.status).toBe(1);
    expect(run.setUp).toBe(0);
    expect(run.stderr()).toContain('setup-logto: Cancelled at the password prompt: nothing was changed.');
    expect(terminal.modes).toEqual([true, false]);
  });

  it('does not echo the password on a real pseudo-terminal (util-linux script)', async () => {
    const reader = fileURLToPath(new URL('../support/read-password-main.ts', import.meta.url));
    const child = spawn('script', ['-qec', `'${process.execPath}' --import tsx '${reader}'`, '/dev/null'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (screen += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (screen += text));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await expect.poll(() => screen, { timeout: 20_000 }).toContain('Password (typing test): ');
      child.stdin.write('Tty-Typed-Pass-9\r');
      await expect.poll(() => screen, { timeout: 10_000 }).toMatch(/read: [^\r\n]+\r?\n/);
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
    expect(screen).toContain(`read: sha256 ${createHash('sha256').update('Tty-Typed-Pass-9').digest('hex')}`);
    expect(screen).not.toContain('Tty-Typed');
  }, 40_000);
});
