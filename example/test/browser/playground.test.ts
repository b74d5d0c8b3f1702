/**
 * The connector playground in headless Chromium: fill the form, send, read the email in the
 * inbox (its HTML in the sandboxed frame); provoke a config error and a refused connection and
 * see what the Console would show. Screenshots go to test-output/example/.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type RunningApp, startApp } from '../support/app.js';
import { type Browser, launchChromium, screenshot } from '../support/chromium.js';
import { type Emulator, startEmulator } from '../support/emulator.js';

let emulator: Emulator;
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  emulator = await startEmulator();
  app = await startApp({ SES_EMULATOR_URL: emulator.url, SESSION_SECRET: 'browser-test-secret' });
  browser = await launchChromium();
});

beforeEach(async () => {
  await emulator.clear();
});

afterAll(async () => {
  await browser.close();
  await app.close();
  await emulator.close();
});

describe('the playground in a browser', () => {
  it('sends a test email and shows it, code 000000, in the inbox', async () => {
    const { page } = browser;
    await page.goto(`${app.baseUrl}/playground`);
    await page.fill('#field-to', 'browser@example.com');
    await page.click('#send');

    expect(await page.locator('#result h2').textContent()).toBe('Test email sent');
    const email = page.locator('#inbox .email').first();
    expect(await email.locator('h3').textContent()).toContain('000000');
    expect(await email.locator('dd').nth(1).textContent()).toBe('browser@example.com');
    // The HTML part, rendered in its sandboxed frame.
    const htmlPart = page.locator('#inbox .email iframe.html-part').first().contentFrame();
    await htmlPart.locator('text=000000').waitFor();
    expect(await email.locator('iframe.html-part').getAttribute('sandbox')).toBe('');
    expect(await email.locator('.text-part pre').textContent()).toContain('000000');

    const [stored] = await emulator.emails();
    expect(stored?.destination.to).toEqual(['browser@example.com']);
    await screenshot(page, 'playground-sent');
  });

  it('shows an invalid config the way the Console does', async () => {
    const { page } = browser;
    await page.goto(`${app.baseUrl}/playground`);
    await page.fill('#field-region', 'US East');
    await page.click('#send');

    expect(await page.locator('.console-message').textContent()).toBe("The connector's config is invalid.");
    expect(await page.locator('.console-details li').first().textContent()).toMatch(
      /^Error in key path "region": \(invalid_string\) Region must be a region code such as us-east-1/
    );
    // What was typed is still there to fix.
    expect(await page.inputValue('#field-region')).toBe('US East');
    expect(await emulator.emails()).toEqual([]);
    await screenshot(page, 'playground-config-error');
  });

  it('shows a refused connection as "Error occurred in connector: …"', async () => {
    const { page } = browser;
    await page.goto(`${app.baseUrl}/playground`);
    await page.fill('#field-endpoint', 'http://127.0.0.1:9');
    await page.fill('#field-timeoutMs', '2000');
    await page.click('#send');

    expect(await page.locator('.console-message').textContent()).toMatch(
      /^Error occurred in connector: The connection to 127\.0\.0\.1:9 was refused/
    );
    await screenshot(page, 'playground-connection-error');
  });

  it('keeps a message’s scripts out of the page', async () => {
    const { page } = browser;
    const hostile = JSON.stringify([
      {
        usageType: 'Generic',
        subject: 'Code {{code}}',
        content: '<p id="code">{{code}}</p><script>parent.document.title = "pwned"</script>',
      },
    ]);
    await page.goto(`${app.baseUrl}/playground`);
    await page.fill('#field-templates', hostile);
    await page.click('#send');

    await page.locator('#inbox .email iframe.html-part').first().contentFrame().locator('#code').waitFor();
    expect(await page.title()).toBe('Connector playground');
  });

  it("shows what to set without Logto settings, and the setup steps with this app's URLs", async () => {
    const { page } = browser;
    await page.goto(app.baseUrl);
    expect(await page.locator('#sign-in-not-configured h2').textContent()).toBe('Sign-in is not configured');
    await screenshot(page, 'home-not-configured');

    await page.click('a[href="/setup"] >> nth=-1');
    await page.waitForURL(`${app.baseUrl}/setup`);
    expect(await page.locator('#redirect-uri').textContent()).toBe(`${app.baseUrl}/logto/sign-in-callback`);
    expect(await page.locator('#post-sign-out-uri').textContent()).toBe(app.baseUrl);
    await screenshot(page, 'setup');
  });
});
