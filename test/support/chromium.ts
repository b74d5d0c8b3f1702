/**
 * How the tests launch Debian's Chromium with playwright-core: the real-Logto suite
 * (test/real-logto/run.ts) and the example's browser tests (example/test/support/chromium.ts).
 */

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Launch options for `chromium.launch` or `chromium.launchPersistentContext`: headless, and kept
 * off the network (the flags stop its background services, updates, sync, safe browsing lists,
 * from calling out).
 */
export const chromiumLaunchOptions = {
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
