/**
 * Sign-in end to end in headless Chromium, against a real OpenID Connect provider (oidc-provider,
 * which Logto is built on) served the way @logto/express expects Logto: click Sign In, log in and
 * consent on the provider's pages, land back on "Hello <sub>" with the email, click Sign Out,
 * confirm on the provider, land back signed out.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningApp, startApp } from '../support/app.js';
import { type Browser, launchChromium, screenshot } from '../support/chromium.js';
import { type OidcProvider, startOidcProvider } from '../support/oidc-provider.js';
import { freePort } from '../../../test/support/free-port.js';

let provider: OidcProvider;
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  // The provider must know the app's redirect URIs, and the app the provider's endpoint: pick
  // the app's port first. The browser uses the very host of BASE_URL (localhost).
  const appPort = await freePort();
  const baseUrl = `http://localhost:${appPort}`;
  provider = await startOidcProvider({ appBaseUrl: baseUrl });
  app = await startApp(
    {
      LOGTO_ENDPOINT: provider.endpoint,
      LOGTO_APP_ID: provider.clientId,
      LOGTO_APP_SECRET: provider.clientSecret,
      SESSION_SECRET: 'sign-in-test-secret',
    },
    { port: appPort }
  );
  expect(app.baseUrl).toBe(baseUrl);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser.close();
  await app.close();
  await provider.close();
});

describe('sign-in through the provider', () => {
  it('signs in, greets the user by sub with the email, and signs out', async () => {
    const { page } = browser;
    await page.goto(app.baseUrl);
    expect(await page.locator('a#sign-in').textContent()).toBe('Sign In');
    await screenshot(page, 'home-signed-out');

    await page.click('a#sign-in');
    // The provider's development login page: any user name is an account.
    await page.waitForURL(`${provider.endpoint}/oidc/interaction/**`, { waitUntil: 'commit' });
    await page.fill('input[name="login"]', 'ada');
    await page.fill('input[name="password"]', 'any password');
    await screenshot(page, 'provider-login');
    await page.click('button[type="submit"]');
    await page.click('button:has-text("Continue")');

    await page.waitForURL(app.baseUrl, { waitUntil: 'commit' });
    expect(await page.locator('h1').textContent()).toBe('Hello ada');
    expect(await page.locator('#email').textContent()).toBe('ada@example.com');
    await screenshot(page, 'home-signed-in');

    await page.click('#sign-out');
    await page.waitForURL(`${provider.endpoint}/oidc/session/end**`, { waitUntil: 'commit' });
    await page.click('button:has-text("Yes, sign me out")');

    await page.waitForURL(app.baseUrl, { waitUntil: 'commit' });
    expect(await page.locator('a#sign-in').textContent()).toBe('Sign In');
    expect(await page.locator('h1').textContent()).not.toContain('Hello');
    await screenshot(page, 'home-after-sign-out');
  });
});
