// A template stored in the local SES emulator, so the playground can send with `sesTemplates`.
// aws-ses-v2-local implements SES's template API (CreateEmailTemplate, and SendEmail with
// Content.Template rendered by Handlebars); its `POST /clear-store` ("Clear inbox") empties the
// templates too, so the playground stores the sample again before it is needed.

/** The name of the sample template the playground keeps in the emulator. */
export const playgroundTemplateName = 'logto-playground-code';

/** The sample template: the code, and the application name when Logto sends one. */
export const playgroundTemplate = {
  Subject: 'Your code from an SES template: {{code}}',
  Html: '<p>Your verification code is <b>{{code}}</b>.</p>{{#if application}}<p>For {{application.name}}.</p>{{/if}}',
  Text: 'Your verification code is {{code}}.',
};

/** Template names the emulator stores now, from its `GET /store`. */
export const storedTemplateNames = async (emulatorUrl: string): Promise<string[]> => {
  const response = await fetch(`${emulatorUrl}/store`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) {
    return [];
  }
  const { templates } = (await response.json()) as { templates?: Record<string, unknown> };
  return Object.keys(templates ?? {});
};

/**
 * Stores the sample template in the emulator unless it is there (SES's CreateEmailTemplate;
 * the emulator only checks that a request carries an AWS-style Authorization header).
 */
export const ensurePlaygroundTemplate = async (emulatorUrl: string): Promise<void> => {
  if ((await storedTemplateNames(emulatorUrl)).includes(playgroundTemplateName)) {
    return;
  }
  const response = await fetch(`${emulatorUrl}/v2/email/templates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 playground' },
    body: JSON.stringify({ TemplateName: playgroundTemplateName, TemplateContent: playgroundTemplate }),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok && response.status !== 400) {
    throw new Error(
      `The SES emulator at ${emulatorUrl} answered ${response.status} when asked to store the sample template.`
    );
  }
};
