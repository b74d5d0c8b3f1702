/**
 * A step of the real-Logto suite's Console checks (console-checks.ts): "Send test email" with a
 * template stored in SES. The emulator would do (it renders stored templates), but the fake SES
 * also shows the request itself: `Content.Template` naming the template, the payload Logto's test
 * route sends as `TemplateData`, and one request. The form's SES stored templates field (a Json
 * item, Logto's code editor) is filled in like an operator types it, then put back to `{}`.
 */
import type { Page } from 'playwright-core';

import { startFakeSes } from '../support/fake-ses.js';

import type { RealLogtoContext } from './context.js';

const templateName = 'logto-real-logto-generic';

/** The textarea of the form item whose label is `label` (the nearest block holding one). */
const codeEditorOf = (page: Page, label: string) =>
  page.locator(`xpath=//*[normalize-space(text())='${label}']/ancestor::*[.//textarea][1]//textarea`).first();

export const checkStoredTemplateSend = async (
  { step, log, screenshot, onCleanup }: RealLogtoContext,
  { page, messageShown }: { page: Page; messageShown: (page: Page, text: string) => Promise<string> }
): Promise<void> => {
  await step(
    'Console: "Send" test email with SES stored templates sends the template stored in SES',
    async () => {
      const fake = await startFakeSes({
        templates: { [templateName]: { subject: 'Stored: {{code}}', text: 'Your code is {{code}}.' } },
      });
      onCleanup(fake.close);
      const editor = codeEditorOf(page, 'SES stored templates');
      await page.locator('input[name="formConfig.endpoint"]').fill(fake.endpoint);
      await editor.fill(JSON.stringify({ Generic: templateName }));
      await page.locator('input[placeholder="john.doe@example.com"]').fill('stored-template@example.test');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await messageShown(page, 'Test message sent');
      await screenshot(page, 'stored-template-sent');

      const sent = fake.accepted();
      if (sent.length !== 1 || fake.count !== 1) {
        throw new Error(
          `expected one request, accepted; the fake SES got ${fake.count}, accepted ${sent.length}`
        );
      }
      const template = (
        sent[0]?.body?.Content as { Template?: { TemplateName?: string; TemplateData?: string } }
      ).Template;
      if (
        template?.TemplateName !== templateName ||
        template.TemplateData !== JSON.stringify({ code: '000000' })
      ) {
        throw new Error(
          `the request does not name the stored template with Logto's data: ${JSON.stringify(template)}`
        );
      }
      const rendered = sent[0]?.rendered;
      if (!rendered || !('subject' in rendered) || rendered.subject !== 'Stored: 000000') {
        throw new Error(`the stored template did not render: ${JSON.stringify(rendered)}`);
      }
      log(`sent Content.Template ${templateName}, rendered "${rendered.subject}"`);
      await editor.fill('{}');
    }
  );
};
