/**
 * What every step of the real-Logto suite (`npm run test:logto`) receives: a Logto built from
 * source and running on loopback, with this package added by `connector add`, the SES emulator,
 * a headless Chromium and the suite's step runner. The suite (run.ts) builds it once; steps
 * (this folder's modules, e.g. `runExampleJourney(context)` in example-journey.ts) only use it.
 */
import type { Browser, Page } from 'playwright-core';

import type { StoredEmail } from '../support/emulator.js';

export type { StoredEmail } from '../support/emulator.js';

/** The aws-ses-v2-local emulator the suite started on 127.0.0.1. */
export type RealLogtoEmulator = {
  /** Its base URL, e.g. `http://127.0.0.1:41234`: what the connector's `endpoint` field takes. */
  endpoint: string;
  /** Everything it stored so far, oldest first. */
  emails: () => Promise<StoredEmail[]>;
  /** Empties its store. */
  clear: () => Promise<void>;
};

export type RealLogtoContext = {
  /** The repository's root folder (absolute). */
  repoRoot: string;
  /**
   * This run's private folder (mkdtemp: mode 700, a name no one can guess), removed at the end:
   * files holding secrets, such as the example's .env, go here, never at a fixed name in the
   * shared temporary folder.
   */
  runDir: string;
  /** Logto core's `ENDPOINT`, e.g. `http://127.0.0.1:41000` (no trailing slash). */
  coreUrl: string;
  /** Logto's `ADMIN_ENDPOINT`; the Console is at `${adminUrl}/console` (no trailing slash). */
  adminUrl: string;
  /** The first Console admin, as the setup command was given it (it exists once step 4 passed). */
  admin: { username: string; password: string };
  sesEmulator: RealLogtoEmulator;
  /**
   * Headless Debian Chromium (playwright-core), launched once per run. Steps open their own
   * `browser.newContext()` (one per user: cookies do not mix) and close it when done; the suite
   * closes the browser at the end.
   */
  browser: Browser;
  /** `<repo>/test-output/logto/`, emptied at the start of each run. */
  screenshotDir: string;
  /**
   * Saves a full-page screenshot of `page` as `<screenshotDir>/<NN>-<name>.png` (numbered in the
   * order taken) and returns its path.
   */
  screenshot: (page: Page, name: string) => Promise<string>;
  /**
   * Runs one step: prints `PASS <name> (<seconds> s)` or `FAIL <name> (<seconds> s): <reason>`,
   * screenshots every page still open in the browser on failure, and records the result (the
   * suite exits 1 if any step failed). Returns what `run` returns; rethrows its error, so later
   * steps that need this one do not run.
   */
  step: <T>(name: string, run: () => Promise<T>) => Promise<T>;
  /** Registers a stop function; the suite calls them in reverse order at the end, even on failure or Ctrl-C. */
  onCleanup: (stop: () => Promise<void> | void) => void;
  /** Prints one indented line of detail under the current step. */
  log: (line: string) => void;
};
