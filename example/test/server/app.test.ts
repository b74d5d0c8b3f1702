/**
 * The guide app's routes and its safe defaults, over real HTTP on 127.0.0.1: the home page with
 * and without Logto settings, the setup steps, cookies and headers, and the production switches.
 */
import { describe, expect, it } from 'vitest';

import { SettingsError, readSettings } from '../../src/settings.js';
import { startAppsClosedAfterEach, unreachableLogtoEnv } from '../support/app.js';
import { Client } from '../support/client.js';

const logtoEnv = unreachableLogtoEnv;

const start = startAppsClosedAfterEach();

describe('without Logto settings', () => {
  it('says which variables to set and links the setup steps', async () => {
    const app = await start({ LOGTO_APP_ID: 'only-this-one' });
    const { status, document } = await new Client(app.baseUrl).get('/');

    expect(status).toBe(200);
    const notice = document.querySelector('#sign-in-not-configured');
    expect(notice?.querySelector('h2')?.textContent).toBe('Sign-in is not configured');
    expect(notice?.querySelectorAll('code').map(({ textContent }) => textContent)).toEqual([
      'LOGTO_ENDPOINT',
      'LOGTO_APP_SECRET',
      'example/.env',
      '.env.example',
    ]);
    expect(notice?.querySelector('a')?.getAttribute('href')).toBe('/setup');
    expect(document.querySelector('#sign-in')).toBeNull();
  });

  it('answers the sign-in routes with the same advice', async () => {
    const app = await start({});
    const page = await new Client(app.baseUrl).get('/logto/sign-in');

    expect(page.status).toBe(503);
    expect(page.text).toContain('Set LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET');
  });
});

describe('with Logto settings', () => {
  it('shows "Sign In" linking to the SDK\'s sign-in route', async () => {
    const app = await start(logtoEnv);
    const { status, document } = await new Client(app.baseUrl).get('/');

    expect(status).toBe(200);
    expect(document.querySelector('a#sign-in')?.textContent).toBe('Sign In');
    expect(document.querySelector('a#sign-in')?.getAttribute('href')).toBe('/logto/sign-in');
    expect(document.querySelector('#sign-in-not-configured')).toBeNull();
  });

  it('shows "Register" linking to the SDK\'s sign-up route (Logto opens on its create-account screen)', async () => {
    const app = await start(logtoEnv);
    const { document } = await new Client(app.baseUrl).get('/');
    expect(document.querySelector('a#register')?.textContent).toBe('Register');
    expect(document.querySelector('a#register')?.getAttribute('href')).toBe('/logto/sign-up');
  });

  it('lets sign-out forms go to Logto (CSP form-action) and nowhere else', async () => {
    const app = await start(logtoEnv);
    const { headers } = await new Client(app.baseUrl).get('/');

    expect(headers.get('content-security-policy')).toContain(
      "form-action 'self' https://tenant.logto.example;"
    );
    expect(headers.get('content-security-policy')).toContain("script-src 'none'");
  });

  it('refuses a sign-out post without the session token', async () => {
    const app = await start(logtoEnv);
    const client = new Client(app.baseUrl);
    await client.get('/');

    const page = await client.post('/logto/sign-out', []);

    expect(page.status).toBe(403);
  });
});

describe('the setup page', () => {
  it('gives the redirect URIs this app actually uses, from BASE_URL', async () => {
    const app = await start({ BASE_URL: 'https://app.example.com/' }, {});
    const { document } = await new Client(`http://127.0.0.1:${app.port}`).get('/setup');

    expect(document.querySelector('#redirect-uri')?.textContent).toBe(
      'https://app.example.com/logto/sign-in-callback'
    );
    expect(document.querySelector('#post-sign-out-uri')?.textContent).toBe('https://app.example.com');
    expect(document.querySelector('ol')?.textContent).toContain('Traditional web');
    expect(document.querySelector('ol')?.textContent).toContain('Sign-in experience');
  });
});

describe('cookies and headers', () => {
  it('sets an httpOnly, SameSite=Lax session cookie, not Secure over http', async () => {
    const app = await start({});
    const { headers } = await new Client(app.baseUrl).get('/playground');

    const [cookie, ...more] = headers.getSetCookie();
    expect(more).toEqual([]);
    expect(cookie).toMatch(/^example\.sid=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
  });

  it('marks the cookie Secure when BASE_URL is https (behind a local TLS proxy)', async () => {
    const app = await start({ BASE_URL: 'https://app.example.com' });
    const page = await new Client(`http://127.0.0.1:${app.port}`).request('/playground', {
      headers: { 'x-forwarded-proto': 'https' },
    });

    expect(page.headers.getSetCookie()[0]).toMatch(/; Secure/);
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('sends no scripts, and no framing by other sites', async () => {
    const app = await start({});
    const { headers } = await new Client(app.baseUrl).get('/');

    expect(headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-powered-by')).toBeNull();
    expect(headers.get('strict-transport-security')).toBeNull();
  });
});

describe('production switches', () => {
  it('refuses to start in production without SESSION_SECRET', () => {
    expect(() => readSettings({ NODE_ENV: 'production' })).toThrow(SettingsError);
    expect(() => readSettings({ NODE_ENV: 'production' })).toThrow(
      /^SESSION_SECRET must be set when NODE_ENV=production/
    );
  });

  it('uses a random secret per process otherwise, with a warning', () => {
    const first = readSettings({});
    const second = readSettings({});

    expect(first.sessionSecret).toMatch(/^[\da-f]{64}$/);
    expect(second.sessionSecret).not.toBe(first.sessionSecret);
    expect(first.warnings).toContainEqual(expect.stringContaining('SESSION_SECRET is not set'));
    expect(readSettings({ SESSION_SECRET: 'kept' }).sessionSecret).toBe('kept');
  });

  it('listens on loopback only unless HOST says otherwise', () => {
    expect(readSettings({}).host).toBe('127.0.0.1');
    expect(readSettings({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(readSettings({}).port).toBe(3000);
    expect(readSettings({}).baseUrl).toBe('http://localhost:3000');
  });

  it('turns the playground off in production', async () => {
    const app = await start({ NODE_ENV: 'production', SESSION_SECRET: 'production-secret' });
    const client = new Client(app.baseUrl);

    const page = await client.get('/playground');
    expect(page.status).toBe(404);
    expect(page.document.querySelector('h1')?.textContent).toBe('The connector playground is off');
    expect((await client.post('/playground/send', [])).status).toBe(403);
    expect((await client.get('/')).document.querySelector('a[href="/playground"]')).toBeNull();
  });

  it('turns it on in production only with PLAYGROUND=on, and warns', async () => {
    const env = { NODE_ENV: 'production', SESSION_SECRET: 'production-secret', PLAYGROUND: 'on' };
    const app = await start(env);

    expect((await new Client(app.baseUrl).get('/playground')).status).toBe(200);
    expect(readSettings(env).warnings).toContainEqual(
      expect.stringContaining('PLAYGROUND=on with NODE_ENV=production')
    );
  });

  it('lets PLAYGROUND=off turn it off in development', () => {
    expect(readSettings({ PLAYGROUND: 'off' }).playground).toBe(false);
    expect(readSettings({}).playground).toBe(true);
  });

  it('hides error details in production', async () => {
    const app = await start({
      NODE_ENV: 'production',
      SESSION_SECRET: 'production-secret',
      PLAYGROUND: 'on',
    });
    const client = new Client(app.baseUrl);
    const page = await client.get('/playground');
    const token = page.document.querySelector('input[name="_csrf"]')?.getAttribute('value') ?? '';

    // A body the urlencoded parser refuses (over its size limit): a 413 with no details.
    const tooBig = await client.post('/playground/send', [
      ['_csrf', token],
      ['to', 'x'.repeat(300_000)],
    ]);

    expect(tooBig.status).toBe(413);
    expect(tooBig.document.querySelector('p')?.textContent).toBe('The request could not be completed.');
  });
});

describe('settings errors', () => {
  it.each([
    [{ BASE_URL: 'localhost:3000' }, 'BASE_URL must be an http:// or https:// URL'],
    [{ BASE_URL: 'not a url' }, 'BASE_URL must be a URL such as http://localhost:3000'],
    [{ BASE_URL: 'http://localhost:3000/?a=b' }, 'BASE_URL must be a plain URL'],
    [{ PORT: '70000' }, 'PORT must be a port number'],
    [{ PLAYGROUND: 'maybe' }, 'PLAYGROUND must be "on" or "off"'],
    [
      { ...logtoEnv, LOGTO_ENDPOINT: 'ftp://logto.example' },
      'LOGTO_ENDPOINT must be an http:// or https:// URL',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readSettings(env)).toThrow(message);
  });

  it('trims the trailing slash the SDK would double', () => {
    const settings = readSettings({ ...logtoEnv, BASE_URL: 'http://localhost:4000/' });
    expect(settings.baseUrl).toBe('http://localhost:4000');
    expect(settings.logto?.endpoint).toBe('https://tenant.logto.example');
    expect(settings.missingLogtoVariables).toEqual([]);
  });
});
