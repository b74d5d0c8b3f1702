import { Client, type Page } from './client.js';

/**
 * Signs `user` in to the app over plain HTTP, as a browser without JavaScript would: "Sign In",
 * then the provider's development login and consent forms (see oidc-provider.ts), then the
 * callback. `app` keeps the app's cookies; the provider's are kept in a client of their own.
 * Resolves with the app's answer to the callback (a redirect to BASE_URL).
 */
export const signInOverHttp = async (app: Client, providerEndpoint: string, user: string): Promise<Page> => {
  const provider = new Client(providerEndpoint);
  const appOrigin = new URL(app.origin).origin;
  let page = await app.get('/logto/sign-in');
  let base = app.origin;
  for (let step = 0; step < 20; step += 1) {
    const location = page.headers.get('location');
    if (page.status === 200 && page.document.querySelector('form')) {
      // A login or consent form of the provider: fill in the login, submit whatever else it has.
      const action = new URL(page.document.querySelector('form')?.getAttribute('action') ?? '', base);
      const fields = Client.formFields(page.document, 'form').map(([name, value]): [string, string] => [
        name,
        name === 'login' ? user : name === 'password' ? 'any password' : value,
      ]);
      base = action.href;
      page = await provider.post(action.href, fields);
    } else if (location !== null && page.status >= 300 && page.status < 400) {
      const next = new URL(location, base);
      if (next.origin === appOrigin) {
        return app.get(`${next.pathname}${next.search}`);
      }
      base = next.href;
      page = await provider.get(next.href);
    } else {
      throw new Error(`Sign-in stopped at ${base}: HTTP ${page.status} ${page.text.slice(0, 300)}`);
    }
  }
  throw new Error('Sign-in took more than 20 steps.');
};
