import { type LogtoContext } from '@logto/express';

import { html, page } from './html.js';
import { type Settings } from './settings.js';

/**
 * The guide's home page: "Sign In" and "Register" (the SDK's sign-up route, which opens Logto on
 * its create-account screen), or "Hello <sub>" with the email and "Sign Out".
 */
export const homePage = (settings: Settings, user: LogtoContext | undefined, csrfToken: string): string => {
  const playgroundLink =
    settings.playground &&
    html`<p>
      Try the Amazon SES connector without Logto in the <a href="/playground">connector playground</a>.
    </p>`;
  if (!settings.logto) {
    return page({
      title: 'Logto + Amazon SES example',
      playground: settings.playground,
      body: html`<h1>Logto + Amazon SES example</h1>
        <section class="not-configured" id="sign-in-not-configured">
          <h2>Sign-in is not configured</h2>
          <p>
            Set
            ${settings.missingLogtoVariables.map((name, index) => html`${index > 0 && ', '}<code>${name}</code>`)}
            in
            <code>example/.env</code> (copy <code>.env.example</code>) or in the environment, then restart the
            app.
          </p>
          <p><a href="/setup">The setup steps for a Logto instance</a> say where each value comes from.</p>
        </section>
        ${playgroundLink}`,
    });
  }
  const body = user?.isAuthenticated
    ? html`<h1>Hello ${user.claims?.sub}</h1>
        ${user.claims?.email && html`<p>Email: <span id="email">${user.claims.email}</span></p>`}
        <form method="post" action="/logto/sign-out">
          <input type="hidden" name="_csrf" value="${csrfToken}" />
          <button type="submit" id="sign-out">Sign Out</button>
        </form>`
    : html`<h1>Logto + Amazon SES example</h1>
        <p>
          <a href="/logto/sign-in" id="sign-in">Sign In</a> or
          <a href="/logto/sign-up" id="register">Register</a>
        </p>`;
  return page({
    title: 'Logto + Amazon SES example',
    playground: settings.playground,
    body: html`${body} ${playgroundLink}`,
  });
};

/** The steps to connect the app to a Logto instance, with this app's own URLs. */
export const setupPage = (settings: Settings): string =>
  page({
    title: 'Set up sign-in with Logto',
    playground: settings.playground,
    body: html`<h1>Set up sign-in with Logto</h1>
      <ol>
        <li>
          In the Logto Console, open <strong>Applications</strong> &gt;
          <strong>Create application</strong> and create a <strong>Traditional web</strong> application
          (Express).
        </li>
        <li>
          Under <strong>Redirect URIs</strong>, add
          <code id="redirect-uri">${settings.baseUrl}/logto/sign-in-callback</code>.
        </li>
        <li>
          Under <strong>Post sign-out redirect URIs</strong>, add
          <code id="post-sign-out-uri">${settings.baseUrl}</code>. Save.
        </li>
        <li>
          Copy the values into <code>example/.env</code> (start from <code>.env.example</code>):
          <pre>
LOGTO_ENDPOINT=https://your-tenant.logto.app   # the Logto endpoint, from the app's page
LOGTO_APP_ID=...                               # App ID
LOGTO_APP_SECRET=...                           # App secret
BASE_URL=${settings.baseUrl}
SESSION_SECRET=...                             # a long random string: openssl rand -hex 32</pre>
        </li>
        <li>
          Install this connector in that Logto (see the package README), then <strong>Connectors</strong> &gt;
          <strong>Email and SMS connectors</strong> &gt; <strong>Amazon SES</strong>: fill in the form and use
          <strong>Send test email</strong>.
        </li>
        <li>
          In <strong>Sign-in experience</strong> &gt; <strong>Sign-up and sign-in</strong>, use
          <strong>Email address</strong> with <strong>Verification code</strong>, so sign-in codes go through
          the connector. Save.
        </li>
        <li>Restart this app and click <strong>Sign In</strong> on the home page.</li>
      </ol>
      <p>
        Currently: sign-in is
        ${settings.logto ? html`<strong>configured</strong> for ${settings.logto.endpoint}` : html`<strong>not configured</strong>`}.
      </p>`,
  });

/**
 * The answer to a sign-out that is not a POST: a button that posts with the session's token when
 * the visitor is signed in (a link, which any site can put on its pages, signs no one out).
 */
export const signOutPage = (settings: Settings, csrfToken: string | undefined): string =>
  page({
    title: 'Sign out',
    playground: settings.playground,
    body:
      csrfToken === undefined
        ? html`<h1>Sign out</h1>
            <p>You are not signed in.</p>
            <p><a href="/">Home</a></p>`
        : html`<h1>Sign out?</h1>
            <p>
              Signing out takes this button: a link, which any site can put on its pages, does not sign you
              out.
            </p>
            <form method="post" action="/logto/sign-out">
              <input type="hidden" name="_csrf" value="${csrfToken}" />
              <button type="submit" id="sign-out">Sign Out</button>
            </form>
            <p><a href="/">Home</a></p>`,
  });

/** A short page for a refused or failed request. */
export const messagePage = (settings: Settings, title: string, message: string): string =>
  page({
    title,
    playground: settings.playground,
    body: html`<h1>${title}</h1>
      <p>${message}</p>
      <p><a href="/">Home</a></p>`,
  });
