/**
 * Part of step 5 of the real-Logto suite: the send options of the connector's form (Email headers,
 * Open and click tracking) through the Admin Console's "Send" test email. Headers are checked in
 * the SES emulator, which stores them; tracking at a fake SES, because the emulator drops
 * `ConfigurationOverrides`. Runs on the connector's page that console-checks.ts opened.
 *
 * Labels, select titles and the form order come from the package as installed in Logto.
 */
import type { Page, Response } from 'playwright-core';

import { type FakeSes, startFakeSes } from '../support/fake-ses.js';

import type { RealLogtoContext } from './context.js';

/** A form item as the installed package describes it. */
export type InstalledFormItem = {
  key: string;
  label: string;
  type?: string;
  selectItems?: Array<{ value: string; title: string }>;
};

const operatorHeader = { name: 'X-Logto-Console', value: 'real-logto' };

const trackingDisabled = JSON.stringify({
  Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
});

/** Clicks the Console's "Send" and waits for Logto's answer to the test route: HTTP 204. */
const sendTestEmail = async (page: Page, recipient: string): Promise<void> => {
  await page.locator('input[placeholder="john.doe@example.com"]').fill(recipient);
  const answered = page.waitForResponse(
    (response: Response) =>
      response.request().method() === 'POST' && /\/api\/connectors\/[^/]+\/test$/.test(response.url())
  );
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const response = await answered;
  if (response.status() !== 204) {
    throw new Error(`Logto answered the test email with HTTP ${response.status()}: ${await response.text()}`);
  }
};

const selectTitle = (items: InstalledFormItem[], key: string, value: string): string => {
  const title = items
    .find((item) => item.key === key)
    ?.selectItems?.find((option) => option.value === value)?.title;
  if (!title) {
    throw new Error(`the installed form has no ${key} select with the value ${value}`);
  }
  return title;
};

export const runSendOptionsChecks = async (
  context: RealLogtoContext,
  { page, formItems }: { page: Page; formItems: InstalledFormItem[] }
): Promise<void> => {
  const { step, log, sesEmulator, screenshot } = context;
  const endpointField = page.locator('input[name="formConfig.endpoint"]');
  // The Console renders each Json item as a code editor around a textarea, in form order.
  const jsonItems = formItems.filter(({ type }) => type === 'Json');
  const headersEditor = page.locator('textarea').nth(jsonItems.findIndex(({ key }) => key === 'headers'));

  await step(
    'Console: "Send" with Email headers set: the emulator stores them and a fresh X-Entity-Ref-ID',
    async () => {
      await sesEmulator.clear();
      await endpointField.fill(sesEmulator.endpoint);
      await headersEditor.fill(JSON.stringify({ [operatorHeader.name]: operatorHeader.value }));
      const recipient = `console-headers-${Date.now()}@example.test`;
      await sendTestEmail(page, recipient);
      await screenshot(page, 'test-email-with-headers');
      const emails = await sesEmulator.emails();
      const arrived = emails.find((email) => email.destination.to.some((to) => to.includes(recipient)));
      const headers = arrived?.headers ?? [];
      log(`stored headers: ${headers.map(({ name, value }) => `${name}: ${value}`).join('; ')}`);
      if (
        !headers.some(({ name, value }) => name === operatorHeader.name && value === operatorHeader.value)
      ) {
        throw new Error(`the email to ${recipient} lacks ${operatorHeader.name}: ${JSON.stringify(headers)}`);
      }
      if (!headers.some(({ name, value }) => name === 'X-Entity-Ref-ID' && value.length > 0)) {
        throw new Error(`the email to ${recipient} has no X-Entity-Ref-ID: ${JSON.stringify(headers)}`);
      }
    }
  );

  let fake: FakeSes | undefined;
  await step(
    'Console: "Send" goes out with open and click tracking DISABLED (recorded at a fake SES)',
    async () => {
      fake = await startFakeSes();
      context.onCleanup(fake.close);
      await endpointField.fill(fake.endpoint);
      await sendTestEmail(page, 'tracking-off@example.test');
      const sent = fake.requests.filter(({ operation }) => operation === 'SendEmail');
      if (sent.length !== 1) {
        throw new Error(`the fake SES got ${sent.length} SendEmail requests, not 1`);
      }
      const overrides = JSON.stringify(sent[0]?.body?.ConfigurationOverrides);
      log(`ConfigurationOverrides: ${overrides}`);
      if (overrides !== trackingDisabled) {
        throw new Error(`expected ConfigurationOverrides ${trackingDisabled}, got ${overrides}`);
      }
    }
  );

  await step(
    'Console: with tracking "As the SES account and configuration set say" the email has no ConfigurationOverrides',
    async () => {
      if (!fake) {
        throw new Error('the previous step did not start the fake SES');
      }
      fake.reset();
      // A config saved before the field existed shows the select empty (it means "off"): open it
      // from its form field, found by the label.
      const label = formItems.find(({ key }) => key === 'tracking')?.label ?? 'tracking';
      await page
        .getByText(label, { exact: true })
        .locator('xpath=ancestor::div[.//div[@role="button"]][1]')
        .locator('div[role="button"]')
        .first()
        .click();
      await page.getByText(selectTitle(formItems, 'tracking', 'configuration-set'), { exact: true }).click();
      await screenshot(page, 'tracking-select');
      await sendTestEmail(page, 'tracking-configuration-set@example.test');
      const body = fake.requests.find(({ operation }) => operation === 'SendEmail')?.body;
      if (!body) {
        throw new Error('the fake SES got no SendEmail request');
      }
      if ('ConfigurationOverrides' in body) {
        throw new Error(
          `the email still carries ConfigurationOverrides ${JSON.stringify(body.ConfigurationOverrides)}`
        );
      }
      log(`headers still sent: ${(body.Content?.Simple?.Headers ?? []).map(({ Name }) => Name).join(', ')}`);
    }
  );
};
