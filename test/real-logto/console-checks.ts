/**
 * Step 5 of the real-Logto suite: the connector as an operator meets it in Logto's Admin Console
 * (headless Chromium), and Logto's Management API test route.
 *
 * What the page must show comes from the package as installed in Logto (its `formItems`, and the
 * first heading of the file its `metadata.readme` names), not from copies in this file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { BrowserContext, Page } from 'playwright-core';

import { respond, startFakeSes } from '../support/fake-ses.js';
import { freePort } from '../support/free-port.js';

import type { RealLogtoContext } from './context.js';
import { type InstalledFormItem, runSendOptionsChecks } from './send-options-checks.js';
import { checkStoredTemplateSend } from './stored-template-check.js';

/** Messages that would mean Logto hid the connector's own sentence. */
const genericMessages = ['Internal server error', "The connector's response is invalid"];

type FormItem = InstalledFormItem;
type InstalledPackage = { formItems: FormItem[]; connectorId: string; readmeHeading: string };

/** The first Markdown heading of `markdown` (ATX style), without its #s. */
export const firstHeading = (markdown: string): string | undefined =>
  /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(markdown)?.[1]?.trim();

/**
 * The form items, factory id and Console-guide heading of the package as `connector add` installed
 * it (its lib/ imported from Logto's connectors folder, so it resolves Logto's own connector-kit).
 */
const readInstalledPackage = async (connectorDir: string): Promise<InstalledPackage> => {
  const built = (await import(pathToFileURL(join(connectorDir, 'lib', 'index.js')).href)) as {
    formItems: FormItem[];
    connectorId: string;
    metadata: { readme: string };
  };
  const readme = await readFile(join(connectorDir, built.metadata.readme), 'utf8');
  const readmeHeading = firstHeading(readme);
  if (!readmeHeading) {
    throw new Error(`${built.metadata.readme} (metadata.readme) has no heading`);
  }
  return { formItems: built.formItems, connectorId: built.connectorId, readmeHeading };
};

/** The Management API token the Console itself uses, taken from its requests to core's /api. */
const captureManagementToken = (context: BrowserContext, coreUrl: string) => {
  let token: string | undefined;
  context.on('request', (request) => {
    const authorization = request.headers().authorization;
    if (request.url().startsWith(`${coreUrl}/api/`) && authorization?.startsWith('Bearer ')) {
      token = authorization.slice('Bearer '.length);
    }
  });
  return () => token;
};

/** A visible toast or alert whose text contains `text`; resolves with the whole message. */
export const messageShown = async (page: Page, text: string, timeout = 20_000): Promise<string> => {
  const message = page.getByText(text, { exact: false }).first();
  await message.waitFor({ state: 'visible', timeout });
  return (await message.innerText()).trim();
};

export const runConsoleChecks = async (
  context: RealLogtoContext,
  { connectorDir }: { connectorDir: string }
): Promise<void> => {
  const { step, log, adminUrl, coreUrl, admin, sesEmulator, screenshot } = context;
  const installed = await readInstalledPackage(connectorDir);
  const browserContext = await context.browser.newContext({ viewport: { width: 1440, height: 1000 } });
  context.onCleanup(async () => browserContext.close());
  browserContext.setDefaultTimeout(20_000);
  const managementToken = captureManagementToken(browserContext, coreUrl);
  const page = await browserContext.newPage();

  await step('Console: sign in as the admin', async () => {
    await page.goto(`${adminUrl}/console`);
    await page.locator('input[name="identifier"]').fill(admin.username);
    await page.locator('input[name="password"]').fill(admin.password);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(
      (url) => url.pathname.startsWith('/console') && !url.pathname.includes('callback'),
      {
        timeout: 30_000,
      }
    );
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'console-signed-in');
  });

  await step("Console: the Amazon SES connector's page shows every form item's label", async () => {
    await page.goto(`${adminUrl}/console/connectors/passwordless`);
    await page.getByText('Amazon SES', { exact: false }).first().click();
    await page.waitForURL(/\/console\/connectors\/passwordless\/[^/]+$/);
    await page.getByRole('button', { name: 'Check README' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('input[name="formConfig.region"]').waitFor({ state: 'visible', timeout: 30_000 });
    const missing: string[] = [];
    for (const { label } of installed.formItems) {
      const shown = page.getByText(label, { exact: true });
      if ((await shown.count()) === 0 || !(await shown.first().isVisible())) {
        missing.push(label);
      }
    }
    await screenshot(page, 'connector-form');
    if (missing.length > 0) {
      throw new Error(`the form does not show: ${missing.join(', ')}`);
    }
    log(
      `${installed.formItems.length} labels shown: ${installed.formItems.map(({ label }) => label).join(', ')}`
    );
  });

  await step('Console: "Check README" opens the Console guide', async () => {
    await page.getByRole('button', { name: 'Check README' }).click();
    const drawer = page.locator('[role="drawer"]');
    await drawer
      .getByRole('heading', { name: installed.readmeHeading, exact: true })
      .waitFor({ state: 'visible' });
    await screenshot(page, 'check-readme-drawer');
    log(`drawer heading: ${installed.readmeHeading}`);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  const testAddress = page.locator('input[placeholder="john.doe@example.com"]');
  const sendButton = page.getByRole('button', { name: 'Send', exact: true });

  await step(
    'Console: "Send" test email shows "Test message sent" and the email arrives in the SES emulator',
    async () => {
      await sesEmulator.clear();
      const recipient = `console-test-${Date.now()}@example.test`;
      await testAddress.fill(recipient);
      await sendButton.click();
      await messageShown(page, 'Test message sent');
      await screenshot(page, 'test-email-sent');
      const deadline = Date.now() + 10_000;
      for (;;) {
        const emails = await sesEmulator.emails();
        const arrived = emails.find((email) => email.destination.to.some((to) => to.includes(recipient)));
        if (arrived) {
          log(`arrived: "${arrived.subject}" to ${recipient}`);
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(`no email to ${recipient} in the emulator (it holds ${emails.length})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  );

  await step("Console: SES answering MessageRejected shows the connector's sentence", async () => {
    const reason = `Email address is not verified. The following identities failed the check in region US-EAST-1: realogto-${Date.now()}@example.test`;
    const fake = await startFakeSes({ defaultAction: respond.sesError('MessageRejected', 400, reason) });
    context.onCleanup(fake.close);
    const endpointField = page.locator('input[name="formConfig.endpoint"]');
    await endpointField.fill(fake.endpoint);
    await testAddress.fill('rejected@example.test');
    const answered = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && /\/api\/connectors\/[^/]+\/test$/.test(response.url())
    );
    await sendButton.click();
    const response = await answered;
    const shown = await messageShown(page, reason.slice(0, 40), 10_000).catch(async () => {
      // Say what Logto answered instead (the Console shows that message).
      await screenshot(page, 'message-rejected-not-shown');
      throw new Error(
        `the Console does not show the connector's sentence: Logto answered HTTP ${response.status()} ${(await response.text()).slice(0, 300)}`
      );
    });
    await screenshot(page, 'message-rejected');
    if (fake.count === 0) {
      throw new Error('the fake SES got no request: the Console test did not use the endpoint field');
    }
    for (const generic of genericMessages) {
      if (shown.includes(generic)) {
        throw new Error(`the Console shows "${generic}": ${shown}`);
      }
    }
    log(`shown: ${shown}`);
  });

  await checkStoredTemplateSend(context, { page, messageShown });

  await step(
    "Management API: POST /api/connectors/<id>/test with an unreachable endpoint answers 4xx with the connector's sentence",
    async () => {
      const token = managementToken();
      if (!token) {
        throw new Error("no Management API token seen in the Console's requests");
      }
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const connectors = (await (await fetch(`${coreUrl}/api/connectors`, { headers })).json()) as Array<{
        connectorId: string;
        config: Record<string, unknown>;
      }>;
      const ours = connectors.find(({ connectorId }) => connectorId === installed.connectorId);
      if (!ours) {
        throw new Error(`no ${installed.connectorId} connector in GET /api/connectors`);
      }
      const closedPort = await freePort();
      const response = await fetch(`${coreUrl}/api/connectors/${installed.connectorId}/test`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          email: 'unreachable@example.test',
          config: { ...ours.config, endpoint: `http://127.0.0.1:${closedPort}` },
        }),
      });
      const body = await response.text();
      log(`HTTP ${response.status}: ${body.slice(0, 400)}`);
      if (response.status < 400 || response.status >= 500) {
        throw new Error(`expected a 4xx, got ${response.status}: ${body}`);
      }
      const { message } = JSON.parse(body) as { message?: string };
      if (!message?.includes(`127.0.0.1:${closedPort}`)) {
        throw new Error(`the message does not name the endpoint 127.0.0.1:${closedPort}: ${body}`);
      }
      for (const generic of genericMessages) {
        if (message.includes(generic)) {
          throw new Error(`the message is Logto's generic "${generic}"`);
        }
      }
    }
  );

  await runSendOptionsChecks(context, { page, formItems: installed.formItems });
};
