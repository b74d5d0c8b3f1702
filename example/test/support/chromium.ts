import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type BrowserContext, type Page, chromium } from 'playwright-core';

import { chromiumLaunchOptions } from '../../../test/support/chromium.js';

export { chromiumPath } from '../../../test/support/chromium.js';

/** Screenshots for the CI artifact: <repo>/test-output/example/. */
export const screenshotDir = fileURLToPath(new URL('../../../test-output/example/', import.meta.url));

export type Browser = { context: BrowserContext; page: Page; close: () => Promise<void> };

/**
 * Headless Chromium with a fresh profile folder, kept off the network: the flags stop its
 * background services (updates, sync, safe browsing lists) from calling out.
 */
export const launchChromium = async (): Promise<Browser> => {
  const profile = await mkdtemp(join(tmpdir(), 'example-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...chromiumLaunchOptions,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
};

/** Saves a full-page screenshot as test-output/example/<name>.png and returns its path. */
export const screenshot = async (page: Page, name: string): Promise<string> => {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
};
