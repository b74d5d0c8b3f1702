/**
 * The playground's "Check setup" button: the connector's own doctor (`runDoctor`, the code
 * behind `connector-aws-ses doctor`) run on the form's unsaved config, and its report as HTML.
 * Only SES reads are made; the test email stays with "Send test email".
 */
import { type DoctorReport, formItems, runDoctor, statusSymbols } from 'connector-aws-ses';

import { type SafeHtml, html } from '../html.js';
import { serverCredentialsErrors } from './credentials.js';
import { type FormErrors, type FormValues, readFormValues, toConfig } from './form.js';

/** What "Check setup" found: the form as posted, its errors, and the report when it could run. */
export type SetupCheck = {
  values: FormValues;
  errors: FormErrors;
  to: string;
  report?: DoctorReport;
};

/**
 * Reads the posted form the way "Send test email" does and runs the doctor on its config (with
 * the recipient, when one is given). Form errors stop it, as they stop a send — including empty
 * key fields unless `allowServerCredentials`: the doctor's reads are signed like a send, so this
 * server's own credentials must not sign them for an endpoint the form chose.
 */
export const checkSetup = async (
  body: Record<string, unknown>,
  { allowServerCredentials }: { allowServerCredentials: boolean }
): Promise<SetupCheck> => {
  const values = readFormValues(formItems, body);
  const to = typeof body.to === 'string' ? body.to.trim() : '';
  const { config, errors: formErrors } = toConfig(formItems, values);
  const errors = { ...serverCredentialsErrors(config, allowServerCredentials), ...formErrors };
  if (Object.keys(errors).length > 0) {
    return { values, errors, to };
  }
  return { values, errors, to, report: await runDoctor(config, { to: to || undefined }) };
};

/** The doctor's report: one row per check, the fix under every one that has it. */
export const renderSetupReport = (report: DoctorReport | undefined): SafeHtml | undefined => {
  if (!report) {
    return undefined;
  }
  return html`<section class="result doctor ${report.ok ? 'ok' : 'failed'}" role="status" id="doctor">
    <h2>Setup check${report.region ? html` <small>(SES region ${report.region})</small>` : ''}</h2>
    <p>${report.ok ? 'No check failed.' : 'Some checks failed: see the fixes below.'}</p>
    <ul class="checks">
      ${report.checks.map(
        ({ id, status, summary, fix }) =>
          html`<li class="check ${status}" data-check="${id}" data-status="${status}">
            <span class="symbol" aria-label="${status}">${statusSymbols[status]}</span>
            <strong>${id}</strong> ${summary} ${fix !== undefined && html`<p class="fix">→ ${fix}</p>`}
          </li>`
      )}
    </ul>
    <p class="meta">
      The same report as <code>npx connector-aws-ses doctor --config &lt;file.json&gt;</code>.
    </p>
  </section>`;
};
