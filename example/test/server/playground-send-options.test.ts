/**
 * The playground with the send options of the connector's form: tracking and the X-Entity-Ref-ID
 * select, the headers JSON, the tenant; what the local SES emulator stores and the inbox lists.
 */
import { describe, expect, it } from 'vitest';

import { Client } from '../support/client.js';
import { usePlaygroundApp } from '../support/playground.js';

const playground = usePlaygroundApp();

const form = '#connector-form';

const sentConfig = (page: Awaited<ReturnType<Client['submit']>>) =>
  JSON.parse(page.document.querySelector('#result pre')?.textContent ?? '{}') as Record<string, unknown>;

describe('the send options in the playground', () => {
  it('offers the tracking and X-Entity-Ref-ID selects at their defaults, and an empty headers object', async () => {
    const { document } = await new Client(playground.app.baseUrl).get('/playground');

    const selected = (key: string) =>
      document.querySelector(`#field-${key} option[selected]`)?.getAttribute('value');
    expect(selected('tracking')).toBe('off');
    expect(selected('entityRefId')).toBe('on');
    expect(document.querySelector('textarea#field-headers')?.textContent.trim()).toBe('{}');
    expect(document.querySelector('#field-tenantName')?.getAttribute('value') ?? '').toBe('');
  });

  it('sends the operator headers and a fresh X-Entity-Ref-ID, and lists both in the inbox', async () => {
    const client = new Client(playground.app.baseUrl);
    const fields = { 'config.headers': '{"X-Logto-Tenant": "acme"}', 'config.tenantName': 'acme' };
    await client.submit('/playground', form, fields);
    const page = await client.submit('/playground', form, fields);

    expect(page.document.querySelector('#result h2')?.textContent).toBe('Test email sent');
    expect(sentConfig(page)).toMatchObject({
      tracking: 'off',
      entityRefId: 'on',
      headers: { 'X-Logto-Tenant': 'acme' },
      tenantName: 'acme',
    });
    const emails = await playground.emulator.emails();
    expect(emails).toHaveLength(2);
    const refIds = emails.map(({ headers }) => {
      expect(headers?.[0]).toEqual({ name: 'X-Logto-Tenant', value: 'acme' });
      return headers?.find(({ name }) => name === 'X-Entity-Ref-ID')?.value ?? '';
    });
    expect(refIds[0]).not.toBe('');
    expect(refIds[0]).not.toBe(refIds[1]);
    const listed = page.document.querySelector(
      `#inbox .email[data-message-id="${emails[1]?.messageId ?? ''}"]`
    );
    expect(listed?.querySelector('.headers')?.textContent).toContain('X-Logto-Tenant: acme');
    expect(listed?.querySelector('.headers')?.textContent).toContain(`X-Entity-Ref-ID: ${refIds[1] ?? ''}`);
  });

  it('sends no header with X-Entity-Ref-ID off and tracking left to the configuration set', async () => {
    const page = await new Client(playground.app.baseUrl).submit('/playground', form, {
      'config.entityRefId': 'off',
      'config.tracking': 'configuration-set',
    });

    expect(sentConfig(page)).toMatchObject({ entityRefId: 'off', tracking: 'configuration-set' });
    const [email] = await playground.emulator.emails();
    expect(email?.headers ?? []).toEqual([]);
  });

  it('shows a refused header as the Console does, and sends nothing', async () => {
    const page = await new Client(playground.app.baseUrl).submit('/playground', form, {
      'config.headers': '{"Bcc": "someone@example.com"}',
    });

    expect(page.document.querySelector('#result')?.textContent).toContain(
      "The connector's config is invalid."
    );
    expect(page.document.querySelector('#result')?.textContent).toContain('Header "Bcc"');
    expect(await playground.emulator.emails()).toEqual([]);
  });
});
