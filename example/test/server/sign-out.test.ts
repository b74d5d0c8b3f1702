/**
 * Sign-out over real HTTP against a real OpenID Connect provider (oidc-provider, as Logto is
 * built on): only a POST with the session's token signs out; a GET — what a link or an image on
 * any other site sends — leaves the session as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningApp, startApp } from '../support/app.js';
import { Client } from '../support/client.js';
import { freePort } from '../support/free-port.js';
import { type OidcProvider, startOidcProvider } from '../support/oidc-provider.js';
import { signInOverHttp } from '../support/sign-in.js';

let provider: OidcProvider;
let app: RunningApp;

beforeAll(async () => {
  // The provider must know the app's redirect URIs, and the app the provider: the port first.
  const appPort = await freePort();
  provider = await startOidcProvider({ appBaseUrl: `http://localhost:${appPort}` });
  app = await startApp(
    {
      LOGTO_ENDPOINT: provider.endpoint,
      LOGTO_APP_ID: provider.clientId,
      LOGTO_APP_SECRET: provider.clientSecret,
      SESSION_SECRET: 'sign-out-test-secret',
    },
    { port: appPort }
  );
}, 30_000);

afterAll(async () => {
  await app.close();
  await provider.close();
});

const signedIn = async (user: string): Promise<Client> => {
  const client = new Client(app.baseUrl);
  const callback = await signInOverHttp(client, provider.endpoint, user);
  expect(callback.status).toBe(302);
  expect((await client.get('/')).document.querySelector('h1')?.textContent).toBe(`Hello ${user}`);
  return client;
};

const greeting = async (client: Client): Promise<string | undefined> =>
  (await client.get('/')).document.querySelector('h1')?.textContent;

describe('sign-out', () => {
  it.each(['/logto/sign-out', '/logto/sign%2Dout', '/logto/sign-out/', '/logto/sign-out/again'])(
    'keeps the session on GET %s, as a link on any page would send, and offers the button instead',
    async (path) => {
      const client = await signedIn('ada');

      const page = await client.get(path);

      expect(page.status).toBe(405);
      expect(page.headers.get('allow')).toBe('POST');
      expect(page.headers.get('location')).toBeNull();
      const form = page.document.querySelector('form[action="/logto/sign-out"]');
      expect(form?.getAttribute('method')).toBe('post');
      expect(form?.querySelector('input[name="_csrf"]')?.getAttribute('value')).toMatch(/.{16,}/);
      expect(form?.querySelector('button#sign-out')?.textContent).toBe('Sign Out');
      expect(await greeting(client)).toBe('Hello ada');
    }
  );

  it('keeps the session on HEAD too', async () => {
    const client = await signedIn('grace');

    const page = await client.request('/logto/sign-out', { method: 'HEAD' });

    expect(page.status).toBe(405);
    expect(await greeting(client)).toBe('Hello grace');
  });

  it('keeps the session on a POST without the token', async () => {
    const client = await signedIn('alan');

    const page = await client.post('/logto/sign-out', []);

    expect(page.status).toBe(403);
    expect(await greeting(client)).toBe('Hello alan');
  });

  it('signs out on a POST with the token, from the home page or the GET page, and goes to the provider', async () => {
    for (const from of ['/', '/logto/sign-out']) {
      const client = await signedIn('edsger');

      const page = await client.submit(from, 'form[action="/logto/sign-out"]');

      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toMatch(
        new RegExp(`^${provider.endpoint}/oidc/session/end\\?.*client_id=${provider.clientId}`)
      );
      expect((await client.get('/')).document.querySelector('a#sign-in')?.textContent).toBe('Sign In');
    }
  });

  it('tells a visitor who is not signed in so, without giving them a session', async () => {
    const client = new Client(app.baseUrl);

    const page = await client.get('/logto/sign-out');

    expect(page.status).toBe(405);
    expect(page.document.querySelector('form')).toBeNull();
    expect(page.document.querySelector('main')?.textContent).toContain('You are not signed in');
    expect(client.cookie('example.sid')).toBeUndefined();
  });
});
