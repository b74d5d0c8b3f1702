/**
 * The connector playground over real HTTP: the Console's form from the connector's formItems,
 * "Send test email" through the local SES emulator, Console-style errors, the inbox, CSRF.
 */
import createConnector, { defaultTemplates, formItems } from 'connector-aws-ses';
import { describe, expect, it } from 'vitest';

import { ConnectorError, hostKit } from '../../src/host-kit.js';
import { startApp } from '../support/app.js';
import { Client, textareaValue } from '../support/client.js';
import { usePlaygroundApp } from '../support/playground.js';

const playground = usePlaygroundApp();

const form = '#connector-form';

describe('the form', () => {
  it('has one field per formItem, in order, with the required marks and descriptions', async () => {
    const { status, document } = await new Client(playground.app.baseUrl).get('/playground');

    expect(status).toBe(200);
    const fields = document.querySelectorAll(`${form} .field[data-key]`);
    expect(fields.map((field) => field.getAttribute('data-key'))).toEqual(formItems.map(({ key }) => key));
    for (const item of formItems) {
      const field = document.querySelector(`.field[data-key="${item.key}"]`);
      expect(field?.querySelector('label')?.textContent).toContain(item.label);
      expect(Boolean(field?.querySelector('.required'))).toBe(item.required === true);
      expect(field?.querySelector('.help')?.textContent).toBe(item.description);
    }
  });

  it('masks the secret, uses number and JSON inputs, and fills in the defaults', async () => {
    const { document } = await new Client(playground.app.baseUrl).get('/playground');

    expect(document.querySelector('#field-accessKeySecret')?.getAttribute('type')).toBe('password');
    expect(document.querySelector('#field-accessKeyId')?.getAttribute('type')).toBe('text');
    expect(document.querySelector('#field-timeoutMs')?.getAttribute('type')).toBe('number');
    expect(document.querySelector('#field-timeoutMs')?.getAttribute('value')).toBe('10000');
    const templates = textareaValue(document.querySelector('textarea#field-templates')) ?? '';
    expect(JSON.parse(templates)).toEqual(defaultTemplates);
    expect(textareaValue(document.querySelector('textarea#field-tags'))).toBe('{}');
    expect(textareaValue(document.querySelector('textarea#field-sesTemplates'))).toBe('{}');
  });

  it('is filled in to send through the local emulator', async () => {
    const { document } = await new Client(playground.app.baseUrl).get('/playground');

    expect(document.querySelector('#field-endpoint')?.getAttribute('value')).toBe(playground.emulator.url);
    expect(document.querySelector('#field-region')?.getAttribute('value')).toBe('us-east-1');
    expect(document.querySelector('#field-to')?.getAttribute('value')).toBe('you@example.com');
  });
});

describe('Send test email', () => {
  it('sends the Generic template with the code 000000 on the first click, and lists it in the inbox', async () => {
    const page = await new Client(playground.app.baseUrl).submit('/playground', form);

    expect(page.status).toBe(200);
    expect(page.document.querySelector('#result h2')?.textContent).toBe('Test email sent');
    const [email, ...more] = await playground.emulator.emails();
    expect(more).toEqual([]);
    expect(email?.destination.to).toEqual(['you@example.com']);
    expect(email?.subject).toContain('000000');
    expect(email?.body.html).toContain('000000');
    expect(page.text).toContain(email?.messageId);

    const listed = page.document.querySelector(`#inbox .email[data-message-id="${email?.messageId ?? ''}"]`);
    expect(listed?.querySelector('h3')?.textContent).toBe(email?.subject);
    expect(listed?.querySelector('dd')?.textContent).toBe(email?.from);
    const frame = listed?.querySelector('iframe');
    expect(frame?.getAttribute('sandbox')).toBe('');
    expect(frame?.getAttribute('srcdoc')).toBe(email?.body.html);
    expect(listed?.querySelector('.text-part pre')?.textContent).toBe(email?.body.text);
  });

  it('sends what the Console sends: empty fields dropped, numbers and JSON parsed, secrets masked on the page', async () => {
    const page = await new Client(playground.app.baseUrl).submit('/playground', form, {
      'config.timeoutMs': '4000',
      'config.tags': '{"app": "playground"}',
      'config.configurationSetName': '',
    });

    expect(page.status).toBe(200);
    const sent = JSON.parse(page.document.querySelector('#result pre')?.textContent ?? '{}') as Record<
      string,
      unknown
    >;
    expect(sent).toMatchObject({ timeoutMs: 4000, tags: { app: 'playground' }, accessKeySecret: '********' });
    expect(sent).not.toHaveProperty('configurationSetName');
    expect(sent).not.toHaveProperty('replyTo');
    expect(page.document.querySelector('#result')?.textContent).not.toContain(
      'the-local-emulator-accepts-any-secret'
    );
  });

  it('sends with a template stored in the emulator when SES stored templates names it for Generic', async () => {
    // The emulator was just cleared (templates too): the page lists none until the playground stores its sample.
    const first = await new Client(playground.app.baseUrl).get('/playground');
    expect(first.document.querySelector('#ses-templates')?.textContent).toContain(
      'SES templates stored in the emulator: logto-playground-code.'
    );
    await playground.emulator.clear();

    const page = await new Client(playground.app.baseUrl).submit('/playground', form, {
      'config.sesTemplates': '{"Generic": "logto-playground-code"}',
    });

    expect(page.status).toBe(200);
    expect(page.document.querySelector('#result h2')?.textContent).toBe('Test email sent');
    const [email, ...more] = await playground.emulator.emails();
    expect(more).toEqual([]);
    // Rendered by the emulator from the stored template, not from the config's Generic template.
    expect(email?.subject).toBe('Your code from an SES template: 000000');
    expect(email?.body.html).toBe('<p>Your verification code is <b>000000</b>.</p>');
    expect(email?.body.text).toBe('Your verification code is 000000.');
  });

  it("shows an invalid config as the Console does: the invalid_config message and zod's issues", async () => {
    const page = await new Client(playground.app.baseUrl).submit('/playground', form, {
      'config.region': 'US East',
      'config.emailAddress': 'not an address',
    });

    expect(page.status).toBe(400);
    expect(page.document.querySelector('.console-message')?.textContent).toBe(
      "The connector's config is invalid."
    );
    const details = page.document
      .querySelectorAll('.console-details li')
      .map(({ textContent }) => textContent);
    expect(details).toEqual([
      expect.stringMatching(/^Error in key path "region": \(invalid_string\) Region must be a region code/),
      expect.stringMatching(
        /^Error in key path "emailAddress": \(custom\) emailAddress must be an email address/
      ),
    ]);
    expect(page.text).toContain('Logto answers HTTP 400');
    expect(await playground.emulator.emails()).toEqual([]);
  });

  it('shows a failed send as "Error occurred in connector: <errorDescription>"', async () => {
    const page = await new Client(playground.app.baseUrl).submit('/playground', form, {
      'config.endpoint': 'http://127.0.0.1:9',
      'config.timeoutMs': '2000',
    });

    expect(page.status).toBe(400);
    expect(page.document.querySelector('.console-message')?.textContent).toMatch(
      /^Error occurred in connector: The connection to 127\.0\.0\.1:9 was refused/
    );
  });

  it('stops at the form when a required field is empty or JSON is broken, like the Console', async () => {
    const page = await new Client(playground.app.baseUrl).submit('/playground', form, {
      'config.region': '',
      'config.templates': '[{',
      to: '',
    });

    expect(page.status).toBe(400);
    expect(page.document.querySelector('.field[data-key="region"] .error')?.textContent).toBe(
      'Region is required.'
    );
    expect(page.document.querySelector('.field[data-key="templates"] .error')?.textContent).toMatch(
      /^Templates: invalid JSON/
    );
    expect(page.document.querySelector('.field.test .error')?.textContent).toBe(
      'Enter the address to send the test email to.'
    );
    expect(page.document.querySelector('#result')).toBeNull();
    // What was typed stays in the form.
    expect(textareaValue(page.document.querySelector('textarea#field-templates'))).toBe('[{');
    expect(await playground.emulator.emails()).toEqual([]);
  });

  it('recognises the errors the connector throws as the host kit’s ConnectorError', async () => {
    const connector = await createConnector({ getConfig: async () => Promise.resolve({}) });
    const error: unknown = await connector
      .sendMessage({ to: 'a@example.com', type: hostKit.TemplateType.Generic, payload: {} }, {})
      .then(
        () => undefined,
        (thrown: unknown) => thrown
      );

    expect(error).toBeInstanceOf(ConnectorError);
  });
});

describe('the inbox', () => {
  it('lists the newest email first and can be cleared', async () => {
    const client = new Client(playground.app.baseUrl);
    await client.submit('/playground', form, { to: 'first@example.com' });
    const page = await client.submit('/playground', form, { to: 'second@example.com' });

    const recipients = page.document
      .querySelectorAll('#inbox .email dd:nth-of-type(2)')
      .map((dd) => dd.textContent);
    expect(recipients).toEqual(['second@example.com', 'first@example.com']);

    const cleared = await client.submit('/playground', '#inbox form');
    expect(cleared.status).toBe(303);
    expect(cleared.headers.get('location')).toBe('/playground#inbox');
    expect(await playground.emulator.emails()).toEqual([]);
    expect((await client.get('/playground')).document.querySelector('#inbox .empty')?.textContent).toBe(
      'No email yet.'
    );
  });

  it('says so when the emulator cannot be read', async () => {
    const orphan = await startApp({ SES_EMULATOR_URL: 'http://127.0.0.1:9' });
    try {
      const { status, document } = await new Client(orphan.baseUrl).get('/playground');
      expect(status).toBe(200);
      expect(document.querySelector('#inbox .error')?.textContent).toContain(
        'Could not read the SES emulator at http://127.0.0.1:9'
      );
    } finally {
      await orphan.close();
    }
  });

  it('explains how to get one when no emulator is set', async () => {
    const plain = await startApp({});
    try {
      const { document } = await new Client(plain.baseUrl).get('/playground');
      expect(document.querySelector('#inbox')?.textContent).toContain('SES_EMULATOR_URL');
      expect(document.querySelector('#field-endpoint')?.getAttribute('value')).toBe('');
    } finally {
      await plain.close();
    }
  });
});

describe('cross-site request protection (a per-session synchronizer token)', () => {
  it('refuses a post without the token, and sends nothing', async () => {
    const client = new Client(playground.app.baseUrl);
    const page = await client.get('/playground');
    const fields = Client.formFields(page.document, form).filter(([name]) => name !== '_csrf');

    const refused = await client.post('/playground/send', fields);

    expect(refused.status).toBe(403);
    expect(refused.document.querySelector('h1')?.textContent).toBe('Form refused');
    expect(await playground.emulator.emails()).toEqual([]);
  });

  it("refuses another session's token, as a forged cross-site form would carry", async () => {
    const victim = new Client(playground.app.baseUrl);
    const attacker = new Client(playground.app.baseUrl);
    await victim.get('/playground');
    const attackerPage = await attacker.get('/playground');
    const forged = Client.formFields(attackerPage.document, form);

    const refused = await victim.post('/playground/send', forged);

    expect(refused.status).toBe(403);
    expect(await playground.emulator.emails()).toEqual([]);
  });

  it('refuses a post from a browser with no session at all', async () => {
    const page = await new Client(playground.app.baseUrl).get('/playground');
    const fields = Client.formFields(page.document, form);

    const refused = await new Client(playground.app.baseUrl).post('/playground/send', fields);

    expect(refused.status).toBe(403);
    expect(await playground.emulator.emails()).toEqual([]);
  });

  it('protects clearing the inbox too', async () => {
    await new Client(playground.app.baseUrl).submit('/playground', form);

    const refused = await new Client(playground.app.baseUrl).post('/playground/clear', []);

    expect(refused.status).toBe(403);
    expect(await playground.emulator.emails()).toHaveLength(1);
  });
});
