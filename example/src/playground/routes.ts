import createConnector, { formItems } from 'connector-aws-ses';
import { type Request, type Response, Router } from 'express';

import { ConnectorError, ConnectorErrorCodes, hostKit } from '../host-kit.js';
import { type SafeHtml, html, page } from '../html.js';
import { type ConsoleError, toConsoleError } from './console-error.js';
import { serverCredentialsErrors, serverCredentialsNote } from './credentials.js';
import {
  type FormErrors,
  type FormValues,
  initialFormValues,
  isMasked,
  readFormValues,
  renderFields,
  toConfig,
} from './form.js';
import { type InboxEmail, clearInbox, readInbox } from './inbox.js';
import { type SetupCheck, checkSetup, renderSetupReport } from './doctor.js';
import { ensurePlaygroundTemplate, playgroundTemplateName, storedTemplateNames } from './ses-templates.js';

/** The code Logto's "Send test email" puts in the payload. */
export const testCode = '000000';

type SendResult =
  | { kind: 'sent'; to: string; messageId: string | undefined; config: Record<string, unknown> }
  | { kind: 'failed'; to: string; error: ConsoleError; config: Record<string, unknown> };

type PlaygroundState = {
  values: FormValues;
  errors: FormErrors;
  to: string;
  toError?: string;
  result?: SendResult;
  /** "Check setup" (./doctor.ts): the connector doctor's report. */
  setup?: SetupCheck['report'];
};

/** Values that send through the local emulator on the first click (it checks no credentials). */
const emulatorPrefill = (endpoint: string): Record<string, unknown> => ({
  region: 'us-east-1',
  emailAddress: 'Logto Demo <noreply@example.com>',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'the-local-emulator-accepts-any-secret',
  endpoint,
});

const masked = (config: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const item = formItems.find((candidate) => candidate.key === key);
      return [key, item && isMasked(item) ? '********' : value];
    })
  );

/**
 * Exactly what Logto's `POST /api/connectors/:id/test` does: a fresh connector whose
 * `getConfig` is unavailable, and `sendMessage` with the unsaved form config.
 */
const sendTestEmail = async (to: string, config: Record<string, unknown>): Promise<string | undefined> => {
  const connector = await createConnector({
    getConfig: () => Promise.reject(new ConnectorError(ConnectorErrorCodes.NotImplemented)),
  });
  const messageId: unknown = await connector.sendMessage(
    { to, type: hostKit.TemplateType.Generic, payload: { code: testCode } },
    config
  );
  return typeof messageId === 'string' ? messageId : undefined;
};

const renderResult = (result: SendResult | undefined): SafeHtml | undefined => {
  if (!result) {
    return undefined;
  }
  const sentConfig = html`<details>
    <summary>The config that was sent (secrets masked)</summary>
    <pre>${JSON.stringify(masked(result.config), null, 2)}</pre>
  </details>`;
  if (result.kind === 'sent') {
    return html`<section class="result ok" role="status" id="result">
      <h2>Test email sent</h2>
      <p>
        Logto would answer 204. SES message id: <code>${result.messageId ?? '(none)'}</code>, to ${result.to}.
      </p>
      ${sentConfig}
    </section>`;
  }
  const { status, message, details, connectorDescription } = result.error;
  return html`<section class="result failed" role="alert" id="result">
    <h2>The Console would show</h2>
    <p class="console-message">${message}</p>
    ${
      details.length > 0 &&
      html`<ul class="console-details">
        ${details.map((line) => html`<li>${line}</li>`)}
      </ul>`
    }
    <p class="meta">Logto answers HTTP ${status} to the Console's test request.</p>
    ${
      connectorDescription !== undefined &&
      html`<p class="meta">
        The connector's errorDescription (not shown by the Console): ${connectorDescription}
      </p>`
    }
    ${sentConfig}
  </section>`;
};

const renderEmail = (email: InboxEmail): SafeHtml =>
  html`<article class="email" data-message-id="${email.messageId}">
    <h3>${email.subject}</h3>
    <dl>
      <dt>From</dt>
      <dd>${email.from}</dd>
      <dt>To</dt>
      <dd>${email.destination.to.join(', ')}</dd>
      ${
        email.replyTo.length > 0 &&
        html`<dt>Reply-To</dt>
          <dd>${email.replyTo.join(', ')}</dd>`
      }
      ${
        (email.headers ?? []).length > 0 &&
        html`<dt>Headers</dt>
          <dd class="headers">
            ${(email.headers ?? []).map(({ name, value }) => html`<code>${name}: ${value}</code><br />`)}
          </dd>`
      }
      <dt>Received</dt>
      <dd>${new Date(email.at * 1000).toISOString()}</dd>
    </dl>
    ${
      email.body.html !== undefined &&
      html`<iframe
        class="html-part"
        title="HTML part: ${email.subject}"
        sandbox=""
        srcdoc="${email.body.html}"
      ></iframe>`
    }
    ${
      email.body.text !== undefined &&
      html`<details class="text-part" open>
        <summary>Text part</summary>
        <pre>${email.body.text}</pre>
      </details>`
    }
  </article>`;

const renderInbox = async (emulatorUrl: string | undefined, csrfToken: string): Promise<SafeHtml> => {
  if (!emulatorUrl) {
    return html`<section id="inbox">
      <h2>Inbox</h2>
      <p>
        No local SES emulator is set: emails go where the config's endpoint says. Set SES_EMULATOR_URL (as
        <code>npm run demo</code> does) to list here what a local aws-ses-v2-local received.
      </p>
    </section>`;
  }
  let emails: InboxEmail[];
  try {
    emails = await readInbox(emulatorUrl);
  } catch (error: unknown) {
    return html`<section id="inbox">
      <h2>Inbox</h2>
      <p class="error">
        Could not read the SES emulator at ${emulatorUrl}:
        ${error instanceof Error ? error.message : String(error)}
      </p>
    </section>`;
  }
  const templates = await storedTemplateNames(emulatorUrl).catch(() => []);
  return html`<section id="inbox">
    <h2>Inbox <small>(the local SES emulator at ${emulatorUrl})</small></h2>
    <p class="meta" id="ses-templates">
      SES templates stored in the emulator: ${templates.length > 0 ? templates.join(', ') : 'none'}. To send
      with one, set SES stored templates to <code>{"Generic": "${playgroundTemplateName}"}</code> (the
      playground stores it again before each send, after Clear inbox empties it).
    </p>
    <form method="post" action="/playground/clear">
      <input type="hidden" name="_csrf" value="${csrfToken}" />
      <button type="submit">Clear inbox</button>
    </form>
    ${emails.length === 0 ? html`<p class="empty">No email yet.</p>` : emails.map(renderEmail)}
  </section>`;
};

const renderPlayground = async (
  request: Request,
  state: PlaygroundState,
  emulatorUrl: string | undefined,
  allowServerCredentials: boolean
): Promise<string> => {
  const csrfToken = request.csrfToken?.() ?? '';
  return page({
    title: 'Connector playground',
    playground: true,
    wide: true,
    body: html`<h1>Amazon SES connector playground</h1>
      <p>
        The Admin Console's form for this connector, built from its <code>metadata.formItems</code>. "Send
        test email" does what the Console's button does: it sends a Generic email with the code ${testCode},
        with the config below (not saved anywhere).
      </p>
      ${serverCredentialsNote(allowServerCredentials)}
      <div class="columns">
        <div class="column">
          <form method="post" action="/playground/send#result" id="connector-form" novalidate>
            <input type="hidden" name="_csrf" value="${csrfToken}" />
            ${renderFields(formItems, state.values, state.errors)}
            <div class="field test${state.toError !== undefined ? ' invalid' : ''}">
              <label for="field-to"
                >Send a test email to<span class="required" aria-label="required">*</span></label
              >
              <input type="email" id="field-to" name="to" value="${state.to}" />
              ${state.toError !== undefined && html`<p class="error" role="alert">${state.toError}</p>`}
            </div>
            <button type="submit" id="send">Send test email</button>
            <button type="submit" id="check-setup" formaction="/playground/doctor#doctor">Check setup</button>
          </form>
        </div>
        <div class="column">
          ${renderSetupReport(state.setup)} ${renderResult(state.result)}
          ${await renderInbox(emulatorUrl, csrfToken)}
        </div>
      </div>`,
  });
};

const bodyOf = (request: Request): Record<string, unknown> =>
  typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};

/**
 * The connector playground: GET /playground, POST /playground/send, POST /playground/clear.
 * With both key fields empty it refuses to send unless `allowServerCredentials`.
 */
export const playgroundRouter = ({
  sesEmulatorUrl,
  allowServerCredentials = false,
}: {
  sesEmulatorUrl?: string | undefined;
  allowServerCredentials?: boolean;
}): Router => {
  const router = Router();
  const firstState = (): PlaygroundState => ({
    values: initialFormValues(formItems, sesEmulatorUrl ? emulatorPrefill(sesEmulatorUrl) : {}),
    errors: {},
    to: 'you@example.com',
  });

  router.get('/playground', async (request: Request, response: Response) => {
    if (sesEmulatorUrl) {
      await ensurePlaygroundTemplate(sesEmulatorUrl).catch(() => undefined);
    }
    response
      .type('html')
      .send(await renderPlayground(request, firstState(), sesEmulatorUrl, allowServerCredentials));
  });

  router.post('/playground/send', async (request: Request, response: Response) => {
    const body = bodyOf(request);
    const values = readFormValues(formItems, body);
    const to = typeof body.to === 'string' ? body.to.trim() : '';
    const { config, errors: formErrors } = toConfig(formItems, values);
    const errors = { ...serverCredentialsErrors(config, allowServerCredentials), ...formErrors };
    const state: PlaygroundState = { values, errors, to };
    if (to === '') {
      state.toError = 'Enter the address to send the test email to.';
    }
    if (state.toError !== undefined || Object.keys(errors).length > 0) {
      response
        .status(400)
        .type('html')
        .send(await renderPlayground(request, state, sesEmulatorUrl, allowServerCredentials));
      return;
    }
    try {
      if (sesEmulatorUrl) {
        // An emulator that is down shows in the send's own error.
        await ensurePlaygroundTemplate(sesEmulatorUrl).catch(() => undefined);
      }
      const messageId = await sendTestEmail(to, config);
      state.result = { kind: 'sent', to, messageId, config };
    } catch (error: unknown) {
      state.result = { kind: 'failed', to, error: toConsoleError(error), config };
      if (state.result.error.status === 500) {
        console.error('Send test email failed with an error Logto would not recognise:', error);
      }
    }
    response
      .status(state.result.kind === 'sent' ? 200 : state.result.error.status)
      .type('html')
      .send(await renderPlayground(request, state, sesEmulatorUrl, allowServerCredentials));
  });

  // "Check setup": the connector's doctor on the form's config (./doctor.ts).
  router.post('/playground/doctor', async (request: Request, response: Response) => {
    const { values, errors, to, report } = await checkSetup(bodyOf(request), { allowServerCredentials });
    const state: PlaygroundState = { values, errors, to, ...(report && { setup: report }) };
    response
      .status(report ? 200 : 400)
      .type('html')
      .send(await renderPlayground(request, state, sesEmulatorUrl, allowServerCredentials));
  });

  router.post('/playground/clear', async (_request: Request, response: Response) => {
    if (sesEmulatorUrl) {
      await clearInbox(sesEmulatorUrl);
    }
    response.redirect(303, '/playground#inbox');
  });

  return router;
};
