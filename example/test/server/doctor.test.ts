/**
 * The playground's "Check setup" button over real HTTP: the connector's own doctor (runDoctor
 * from 'connector-aws-ses', the code behind `connector-aws-ses doctor`) on the form's unsaved
 * config, rendered next to "Send test email". The local emulator (the demo's own SES) implements
 * sending only: the report skips each read it does not implement, says why, and fails nothing.
 */
import { type DoctorReport, doctorCheckIds, runDoctor } from 'connector-aws-ses';
import { describe, expect, it } from 'vitest';

import { Client } from '../support/client.js';
import { usePlaygroundApp } from '../support/playground.js';

const playground = usePlaygroundApp();

const form = '#connector-form';
const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLAYGROUND';

/** Loads the playground and posts its form to "Check setup", with some fields replaced. */
const checkSetup = async (changes: Record<string, string> = {}) => {
  const client = new Client(playground.app.baseUrl);
  const page = await client.get('/playground');
  const fields = Client.formFields(page.document, form).map(([name, value]): [string, string] => [
    name,
    changes[name] ?? value,
  ]);
  return { fields, page: await client.post('/playground/doctor', fields) };
};

const reportOf = (page: Awaited<ReturnType<typeof checkSetup>>['page']): Array<[string, string]> =>
  page.document
    .querySelectorAll('#doctor li[data-check]')
    .map((item): [string, string] => [
      item.getAttribute('data-check') ?? '',
      item.getAttribute('data-status') ?? '',
    ]);

describe('Check setup', () => {
  it('is a button of the connector form, next to "Send test email", posting to /playground/doctor', async () => {
    const { document } = await new Client(playground.app.baseUrl).get('/playground');
    const button = document.querySelector(`${form} button#check-setup`);
    expect(button?.textContent).toBe('Check setup');
    expect(button?.getAttribute('formaction')).toBe('/playground/doctor#doctor');
    expect(document.querySelector(`${form} button#send`)?.nextElementSibling?.id).toBe('check-setup');
  });

  it("shows the doctor's report for the form's config, the same report runDoctor gives, and sends nothing", async () => {
    const { page } = await checkSetup({ 'config.accessKeySecret': secret });

    expect(page.status).toBe(200);
    const shown = reportOf(page);
    expect(shown.map(([id]) => id)).toEqual([...doctorCheckIds]);
    // The emulator answers SES reads with a bare 400: each read's check is skipped, saying why.
    expect(Object.fromEntries(shown)).toEqual({
      config: 'pass',
      credentials: 'pass',
      account: 'skip',
      sandbox: 'skip',
      quota: 'skip',
      'sender-identity': 'skip',
      dkim: 'skip',
      'mail-from': 'skip',
      'other-regions': 'skip',
      'multi-region-endpoint': 'skip',
      'configuration-set': 'skip',
      'ses-templates': 'skip',
      tenant: 'skip',
      recipient: 'skip',
      'test-send': 'skip',
    });
    const account = page.document.querySelector('#doctor li[data-check="account"]')?.textContent ?? '';
    const host = new URL(playground.emulator.url).host;
    expect(account).toContain(
      `Not checked: this endpoint (${host}) does not implement GetAccount; checked on Amazon SES only.`
    );
    expect(
      page.document.querySelector('#doctor li[data-check="sender-identity"]')?.textContent ?? ''
    ).toContain(`this endpoint (${host}) does not implement GetEmailIdentity`);
    expect(page.document.querySelector('#doctor p')?.textContent).toBe('No check failed.');
    expect(page.document.querySelector('#doctor')?.toString()).not.toContain(secret);
    expect(await playground.emulator.emails()).toEqual([]);

    const direct: DoctorReport = await runDoctor({
      region: 'us-east-1',
      emailAddress: 'Logto Demo <noreply@example.com>',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      accessKeySecret: secret,
      endpoint: playground.emulator.url,
      templates: [{ usageType: 'Generic', subject: 'Code {{code}}', content: '{{code}}' }],
    });
    expect(direct.checks.map(({ id, status }) => [id, status])).toEqual(shown);
  });

  it('reports an invalid config as the config check, with the reason, and asks SES nothing', async () => {
    const { page } = await checkSetup({ 'config.region': 'Frankfurt' });

    expect(page.status).toBe(200);
    const shown = Object.fromEntries(reportOf(page));
    expect(shown.config).toBe('fail');
    expect(Object.entries(shown).filter(([, status]) => status !== 'skip')).toEqual([['config', 'fail']]);
    expect(page.document.querySelector('#doctor li[data-check="config"] .fix')?.textContent).toContain(
      'region: Region must be a region code'
    );
  });

  it('stops at form errors the way a send does: 400, no report', async () => {
    const { page } = await checkSetup({ 'config.region': '' });
    expect(page.status).toBe(400);
    expect(page.document.querySelector('#doctor')).toBeNull();
    expect(page.document.querySelector('.field[data-key="region"] .error')?.textContent).toContain(
      'required'
    );
  });

  it("will not sign the doctor's reads with this server's own credentials: empty key fields are form errors", async () => {
    const { page } = await checkSetup({ 'config.accessKeyId': '', 'config.accessKeySecret': '' });
    expect(page.status).toBe(400);
    expect(page.document.querySelector('#doctor')).toBeNull();
    expect(page.document.querySelector('.field[data-key="accessKeyId"] .error')?.textContent).toContain(
      'PLAYGROUND_SERVER_CREDENTIALS=on'
    );
  });

  it('refuses a post without the CSRF token', async () => {
    const client = new Client(playground.app.baseUrl);
    const page = await client.get('/playground');
    const fields = Client.formFields(page.document, form).filter(([name]) => name !== '_csrf');
    expect((await client.post('/playground/doctor', fields)).status).toBe(403);
  });
});
