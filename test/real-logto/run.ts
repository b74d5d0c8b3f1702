/**
 * `npm run test:logto`: the connector in a real Logto, built from source, end to end.
 *
 * 1. Logto from LOGTO_SOURCE, built once into the cache (logto-build.ts);
 * 2. PostgreSQL on 127.0.0.1, seeded; core on loopback, no AWS_ENDPOINT_URL* in its environment;
 * 3. this package packed and added with the Logto CLI's `connector add`, core restarted;
 * 4. `npm --prefix example run setup-logto` against it, twice (the second changes nothing;
 *    example-journey.ts runs it, with the example's .env in the run's private folder);
 * 5. the Admin Console in headless Chromium (console-checks.ts) and the Management API test route;
 * 6. the example app's sign-in journey (example-journey.ts);
 * 7. everything stopped, even on failure or Ctrl-C; screenshots in test-output/logto/.
 *
 * Each step prints PASS or FAIL with its time; the exit code is 1 if any failed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Browser, chromium } from 'playwright-core';

import { chromiumLaunchOptions } from '../support/chromium.js';
import { startEmulator } from '../support/emulator.js';

import type { RealLogtoContext } from './context.js';
import { runConsoleChecks } from './console-checks.js';
import { runExampleJourney, setupLogtoForExample } from './example-journey.js';
import { cachedConnectors } from './logto-core.js';
import { packAndAddConnector, startLogtoSession } from './logto-session.js';
import { createCleanups, createScreenshots, createStepRunner } from './steps.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const outputDir = join(repoRoot, 'test-output', 'logto');

const launchBrowser = async (): Promise<Browser> => chromium.launch(chromiumLaunchOptions);

const main = async (): Promise<number> => {
  const suiteStarted = performance.now();
  await rm(outputDir, { recursive: true, force: true });
  let browser: Browser | undefined;
  const screenshot = createScreenshots(outputDir);
  const { step, results, log } = createStepRunner({ browser: () => browser, screenshot });
  const cleanups = createCleanups();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      return;
    }
    interrupted = true;
    process.stdout.write(`\n${signal}: stopping everything the suite started\n`);
    void cleanups.runAll().finally(() => process.exit(130));
  };
  // `on`, not `once`: a Ctrl-C reaches this process twice (from the terminal, and relayed by tsx),
  // and a second signal without a listener would kill it before the cleanups finish.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const runDir = await mkdtemp(join(tmpdir(), 'real-logto-'));
  cleanups.onCleanup(async () => rm(runDir, { recursive: true, force: true }));
  const admin = { username: 'consoleadmin', password: `Rl-${Date.now().toString(36)}-Ses!Check` };
  let buildForCheck: Awaited<ReturnType<typeof startLogtoSession>>['build'] | undefined;
  try {
    const session = await startLogtoSession({
      repoRoot,
      runDir,
      logDir: join(outputDir, 'logs'),
      step,
      log,
      onCleanup: cleanups.onCleanup,
    });
    buildForCheck = session.build;
    await packAndAddConnector(session, { repoRoot, runDir, step, log });
    const emulator = await startEmulator();
    cleanups.onCleanup(emulator.close);
    const core = session.core();
    browser = await step('launch headless Chromium (playwright-core)', launchBrowser);
    const launched = browser;
    cleanups.onCleanup(async () => launched.close());
    const context: RealLogtoContext = {
      repoRoot,
      runDir,
      coreUrl: core.coreUrl,
      adminUrl: core.adminUrl,
      admin,
      sesEmulator: { endpoint: emulator.endpoint, emails: emulator.emails, clear: emulator.clear },
      browser: launched,
      screenshotDir: outputDir,
      screenshot,
      step,
      onCleanup: cleanups.onCleanup,
      log,
    };
    const example = await step(
      'setup-logto: configure the fresh Logto for the example (first run)',
      async () => {
        const made = await setupLogtoForExample(context);
        for (const line of made.output.trim().split('\n')) {
          log(line);
        }
        return made;
      }
    );
    await step('setup-logto again: nothing changed, and it says so', async () => {
      const { output } = await setupLogtoForExample(context, example);
      log(output.trim().split('\n').at(-1) ?? '');
      if (!output.includes('Nothing changed')) {
        throw new Error(`the second run does not say that nothing changed:\n${output}`);
      }
    });
    await runConsoleChecks(context, {
      connectorDir: join(session.instance.connectorsDir, 'connector-aws-ses'),
    });
    await runExampleJourney(context, example);
  } catch {
    // The failing step printed FAIL with its reason; the summary below counts it.
  } finally {
    await cleanups.runAll();
  }
  if (buildForCheck) {
    const build = buildForCheck;
    await step('the cached Logto build is unchanged (its connectors folder is still empty)', async () => {
      const left = await cachedConnectors(build);
      if (left.length > 0) {
        throw new Error(`the cache's packages/core/connectors holds ${left.join(', ')}`);
      }
    }).catch(() => undefined);
  }
  const failed = results.filter((result) => !result.ok);
  process.stdout.write(
    `\n${results.length - failed.length} passed, ${failed.length} failed, in ${Math.round((performance.now() - suiteStarted) / 1000)} s; screenshots and logs in ${outputDir}\n`
  );
  for (const result of results) {
    process.stdout.write(
      `  ${result.ok ? 'PASS' : 'FAIL'} ${result.seconds.toFixed(1).padStart(6)} s  ${result.name}\n`
    );
  }
  return failed.length > 0 || results.length === 0 ? 1 : 0;
};

process.exitCode = await main();
