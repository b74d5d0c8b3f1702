/**
 * Step 6 of the real-Logto suite: the example app, wired to the suite's Logto by `setup-logto`,
 * signs users up and in with email codes that travel Logto → this connector → the SES emulator.
 *
 * The suite calls {@link setupLogtoForExample} at step 4 (it runs the real command) and
 * {@link runExampleJourney} at step 6. The journey starts the example's production build with the
 * .env the command wrote and, in Chromium: Sign In → a new address → the code from the emulator
 * → "No account found… Continue" (creates the account) → signed in; Sign Out; Sign In again with
 * a fresh code; Register → a second new address → "Create account" → the code → signed in. Every
 * email must be the connector's default template for its usage type (SignIn or Register).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type BrowserContext, type Page } from 'playwright-core';

import { readEnvText } from '../../example/src/setup-logto/env-file.js';
import { defaultTemplates } from '../../src/default-templates.js';
import { freePort } from '../support/free-port.js';

import { type RealLogtoContext, type StoredEmail } from './context.js';
import { runCommand } from './processes.js';

/** Where the example app listens and what setup-logto registered for it. */
export type ExampleSetup = {
  /** BASE_URL, `http://localhost:<port>`: the redirect URIs registered in Logto use it. */
  baseUrl: string;
  port: number;
  /** The .env file setup-logto wrote (in the run's private folder, not example/.env). */
  envFile: string;
};

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The .env file of this run, in its private folder (it holds LOGTO_APP_SECRET and
 * SESSION_SECRET): one name per run, so step 6 finds what step 4 wrote.
 */
export const exampleEnvFile = (context: RealLogtoContext): string => join(context.runDir, 'example.env');

/**
 * The setup-logto arguments for the suite's Logto, emulator and admin, for one BASE_URL and .env
 * file. The password is not among them: see {@link setupLogtoEnvironment}.
 */
export const setupLogtoArguments = (
  context: RealLogtoContext,
  { baseUrl, envFile }: ExampleSetup
): string[] => [
  '--logto',
  context.coreUrl,
  '--admin',
  context.adminUrl,
  '--username',
  context.admin.username,
  '--ses-endpoint',
  context.sesEmulator.endpoint,
  '--base-url',
  baseUrl,
  '--dotenv',
  envFile,
];

/**
 * The environment setup-logto runs with: only what npm and node need (the command must not pick
 * up the caller's SETUP_LOGTO_* variables), and the admin's password in SETUP_LOGTO_PASSWORD, the
 * documented way, where npm's banner, the logs and other users' `ps` do not show it.
 */
export const setupLogtoEnvironment = (context: RealLogtoContext): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  SETUP_LOGTO_PASSWORD: context.admin.password,
});

/**
 * The first run writes into a copy of example/.env.example that is readable by everyone (mode
 * 644, as `cp` leaves it): setup-logto must leave it readable by its owner only.
 */
const startFromExampleCopy = async (context: RealLogtoContext, envFile: string): Promise<void> => {
  const example = await readFile(join(context.repoRoot, 'example', '.env.example'), 'utf8');
  await writeFile(envFile, example, { mode: 0o644, flag: 'wx' });
};

const expectPrivate = async (envFile: string): Promise<void> => {
  const mode = (await stat(envFile)).mode & 0o777;
  if (mode !== 0o600) {
    throw new Error(`setup-logto left ${envFile} with mode ${mode.toString(8)}, not 600.`);
  }
};

/**
 * Runs `npm --prefix example run setup-logto` (build included) against the suite's Logto: the
 * example's BASE_URL is `http://localhost:<free port>`, its .env goes to {@link exampleEnvFile}
 * (on the first run, a 644 copy of .env.example, which must end mode 600).
 * Call it at step 4; {@link runExampleJourney} reuses the BASE_URL the file records.
 *
 * @returns the setup and the command's output (one line per step it took)
 * @throws when the command fails, with its output
 */
export const setupLogtoForExample = async (
  context: RealLogtoContext,
  setup?: ExampleSetup
): Promise<ExampleSetup & { output: string }> => {
  let chosen = setup;
  if (!chosen) {
    const port = await freePort();
    chosen = { port, baseUrl: `http://localhost:${port}`, envFile: exampleEnvFile(context) };
  }
  const { envFile } = chosen;
  context.onCleanup(async () => rm(envFile, { force: true }));
  if (!setup) {
    await startFromExampleCopy(context, envFile);
  }
  const args = [
    '--prefix',
    join(context.repoRoot, 'example'),
    'run',
    '--silent',
    'setup-logto',
    '--',
    ...setupLogtoArguments(context, chosen),
  ];
  const output = await runCommand(npm, args, {
    cwd: context.repoRoot,
    env: setupLogtoEnvironment(context),
    timeoutMs: 120_000,
  }).catch((error: unknown) => {
    // Should the command ever print the password, keep it out of the suite's output.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`setup-logto failed: ${message.replaceAll(context.admin.password, '<password>')}`);
  });
  if (output.includes(context.admin.password)) {
    throw new Error("setup-logto printed the admin's password.");
  }
  await expectPrivate(envFile);
  return { ...chosen, output };
};

/** The setup step 4 made, read back from its .env file (BASE_URL gives the port). */
const readSetup = async (context: RealLogtoContext): Promise<ExampleSetup | undefined> => {
  const envFile = exampleEnvFile(context);
  if (!existsSync(envFile)) {
    return undefined;
  }
  const baseUrl = readEnvText(await readFile(envFile, 'utf8')).get('BASE_URL');
  if (!baseUrl) {
    return undefined;
  }
  return { baseUrl, port: Number(new URL(baseUrl).port), envFile };
};

/** Starts the example's production build with the .env values in its environment; resolves once it answers. */
const startExample = async (context: RealLogtoContext, setup: ExampleSetup): Promise<ChildProcess> => {
  const values = Object.fromEntries(readEnvText(await readFile(setup.envFile, 'utf8')));
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: join(context.repoRoot, 'example'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...values,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(setup.port),
      BASE_URL: setup.baseUrl,
    },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  context.onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The example app exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${setup.port}/`, {
        headers: { host: new URL(setup.baseUrl).host },
        signal: AbortSignal.timeout(2000),
      });
      if (response.ok) {
        context.log(output.trim().split('\n').join(' | '));
        return child;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The example app did not answer on port ${setup.port} within 20 s:\n${output}`);
};

type UsageType = 'SignIn' | 'Register';

const templateOf = (usageType: UsageType) => {
  const template = defaultTemplates.find((candidate) => candidate.usageType === usageType);
  if (!template) {
    throw new Error(`The connector has no default ${usageType} template.`);
  }
  return template;
};

/** The first paragraph's text of a template: what tells templates with one subject apart. */
const leadOf = (content: string): string => /<p>([^<]+)<\/p>/.exec(content)?.[1] ?? content;

/**
 * Waits for the next email to `address` (after the `already` ones), checks that it is the
 * connector's default template for `usageType`, and returns its six-digit code.
 */
const nextCode = async (
  context: RealLogtoContext,
  address: string,
  already: number,
  usageType: UsageType
): Promise<{ code: string; email: StoredEmail }> => {
  const deadline = Date.now() + 20_000;
  let emails: StoredEmail[] = [];
  while (Date.now() < deadline) {
    emails = (await context.sesEmulator.emails()).filter(({ destination }) =>
      destination.to.includes(address)
    );
    if (emails.length > already) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const email = emails[already];
  if (!email) {
    throw new Error(
      `No email reached the SES emulator for ${address} within 20 s (it holds ${emails.length}).`
    );
  }
  const code = /\b(\d{6})\b/.exec(email.subject)?.[1];
  const template = templateOf(usageType);
  if (!code || email.subject !== template.subject.replace('{{code}}', code)) {
    throw new Error(
      `The email to ${address} has the subject "${email.subject}", not the ${usageType} template's "${template.subject}".`
    );
  }
  if (!email.body.html?.includes(leadOf(template.content)) || !email.body.html.includes(code)) {
    throw new Error(`The email to ${address} does not have the ${usageType} template's body with the code.`);
  }
  context.log(`${usageType} email to ${address}: "${email.subject}"`);
  return { code, email };
};

const atHome = (setup: ExampleSetup) => (url: URL) =>
  url.origin === new URL(setup.baseUrl).origin && url.pathname === '/';

/** Types the six digits into Logto's code inputs (the page submits by itself after the last one). */
const enterCode = async (page: Page, code: string): Promise<void> => {
  await page.locator('input[name="passcode_0"]').waitFor();
  for (const [index, digit] of code.split('').entries()) {
    await page.fill(`input[name="passcode_${index}"]`, digit);
  }
};

/** Checks the example's home page greets a signed-in user with `address`, and returns the user's sub. */
const expectSignedIn = async (page: Page, setup: ExampleSetup, address: string): Promise<string> => {
  await page.waitForURL(atHome(setup), { waitUntil: 'load' });
  const heading = (await page.locator('h1').textContent()) ?? '';
  const email = await page.locator('#email').textContent();
  if (!heading.startsWith('Hello ') || email !== address) {
    throw new Error(`The example shows "${heading}" with email "${email ?? ''}", not the user ${address}.`);
  }
  return heading.slice('Hello '.length);
};

const expectSignedOut = async (page: Page, setup: ExampleSetup): Promise<void> => {
  await page.waitForURL(atHome(setup), { waitUntil: 'load' });
  if ((await page.locator('a#sign-in').count()) !== 1 || (await page.locator('#sign-out').count()) !== 0) {
    throw new Error('The example still shows a signed-in user after Sign Out.');
  }
};

/** From the example's home page to Logto's sign-in page, then the email address. */
const startSignIn = async (page: RealLogtoPage, address: string): Promise<void> => {
  const { context, setup } = page;
  await page.page.goto(setup.baseUrl);
  await page.page.click('a#sign-in');
  await page.page.waitForURL((url) => url.href.startsWith(`${context.coreUrl}/sign-in`));
  await page.page.fill('input[name="identifier"]', address);
  await context.screenshot(page.page, 'example-logto-sign-in');
  await page.page.click('button[type="submit"]');
  await page.page.waitForURL((url) => url.pathname.endsWith('/verification-code'));
};

type RealLogtoPage = { context: RealLogtoContext; setup: ExampleSetup; page: Page };

/**
 * Step 6: the example app signs a user up, out and in again, and a second user up through
 * Register, with codes read from the emulator. Each part is its own `context.step`.
 *
 * @param setup - what step 4 registered; read back from {@link exampleEnvFile} when absent, and
 *   made by running setup-logto here when step 4 did not use {@link setupLogtoForExample}
 */
export const runExampleJourney = async (context: RealLogtoContext, setup?: ExampleSetup): Promise<void> => {
  const known = setup ?? (await readSetup(context));
  if (known) {
    // Steps in between (the Console checks) may have pointed the connector elsewhere: set-up
    // again puts back what the example needs, and names what it had to change.
    await context.step('example: setup-logto puts back what the example needs', async () => {
      const { output } = await setupLogtoForExample(context, known);
      for (const line of output.trim().split('\n')) {
        context.log(line);
      }
    });
  }
  const ready =
    known ??
    (await context.step('example: setup-logto for the example app', async () => {
      const made = await setupLogtoForExample(context);
      context.log(made.output.trim().split('\n').join(' | '));
      return made;
    }));
  if (!known) {
    await context.step('example: setup-logto run again changes nothing', async () => {
      const { output } = await setupLogtoForExample(context, ready);
      if (!output.includes('Nothing changed:')) {
        throw new Error(`The second setup-logto run changed something:\n${output}`);
      }
      context.log(output.trim().split('\n').at(-1) ?? '');
    });
  }

  await context.step('example: build and start (NODE_ENV=production)', async () => {
    await runCommand(npm, ['run', '--silent', 'build'], {
      cwd: join(context.repoRoot, 'example'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeoutMs: 180_000,
    }).catch((error: unknown) => {
      throw new Error(
        `The example's build failed: ${error instanceof Error ? error.message : String(error)}`
      );
    });
    await startExample(context, ready);
  });

  const run = Date.now().toString(36);
  const firstAddress = `journey-${run}@example.com`;
  const secondAddress = `register-${run}@example.com`;
  let browserContext: BrowserContext | undefined;
  try {
    browserContext = await context.browser.newContext({ viewport: { width: 1280, height: 900 } });
    browserContext.setDefaultTimeout(20_000);
    const page: RealLogtoPage = { context, setup: ready, page: await browserContext.newPage() };

    const firstSub = await context.step(
      'example: Sign In with a new address creates the account',
      async () => {
        await page.page.goto(ready.baseUrl);
        await context.screenshot(page.page, 'example-home-signed-out');
        await startSignIn(page, firstAddress);
        const { code } = await nextCode(context, firstAddress, 0, 'SignIn');
        await enterCode(page.page, code);
        // A new address: Logto asks "No account found for … Create a new one?".
        await page.page.getByText(`No account found for ${firstAddress}`).waitFor();
        // The modal's button: the page behind it has a (busy) "Continue" button of its own.
        const confirm = page.page.getByRole('dialog').getByRole('button', { name: 'Continue', exact: true });
        await context.screenshot(page.page, 'example-logto-create-account');
        await confirm.click();
        const sub = await expectSignedIn(page.page, ready, firstAddress);
        await context.screenshot(page.page, 'example-signed-in');
        context.log(`signed in as ${sub} (${firstAddress})`);
        return sub;
      }
    );

    await context.step('example: Sign Out', async () => {
      await page.page.click('#sign-out');
      await expectSignedOut(page.page, ready);
      await context.screenshot(page.page, 'example-signed-out');
    });

    await context.step('example: Sign In again with the same address and a fresh code', async () => {
      await startSignIn(page, firstAddress);
      const { code } = await nextCode(context, firstAddress, 1, 'SignIn');
      await enterCode(page.page, code);
      const sub = await expectSignedIn(page.page, ready, firstAddress);
      if (sub !== firstSub) {
        throw new Error(`Signed in as ${sub}, not as the account made before (${firstSub}).`);
      }
      await context.screenshot(page.page, 'example-signed-in-again');
      await page.page.click('#sign-out');
      await expectSignedOut(page.page, ready);
    });

    await context.step('example: Register a new address (sign-up flow)', async () => {
      await page.page.goto(ready.baseUrl);
      await page.page.click('a#register');
      await page.page.waitForURL((url) => url.href.startsWith(`${context.coreUrl}/register`));
      await page.page.fill('input[name="identifier"]', secondAddress);
      await context.screenshot(page.page, 'example-logto-register');
      await page.page.getByRole('button', { name: /create account/i }).click();
      await page.page.waitForURL((url) => url.pathname.endsWith('/verification-code'));
      const { code } = await nextCode(context, secondAddress, 0, 'Register');
      await enterCode(page.page, code);
      const sub = await expectSignedIn(page.page, ready, secondAddress);
      if (sub === firstSub) {
        throw new Error('Register signed in to the first account instead of creating one.');
      }
      await context.screenshot(page.page, 'example-registered');
      context.log(`registered ${sub} (${secondAddress})`);
    });
  } finally {
    await browserContext?.close();
  }
};
