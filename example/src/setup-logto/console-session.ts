import { createHash, randomBytes } from 'node:crypto';

import { SetupError } from './errors.js';
import {
  type CookieClient,
  type HttpAnswer,
  logtoErrorCode,
  logtoErrorMessage,
  redirectTarget,
} from './http.js';

/** The resource of the default tenant's Management API, as Logto's Console asks for it. */
export const managementApiResource = 'https://default.logto.app/api';

/** The admin tenant's public client that the Console signs in with. */
const consoleClientId = 'admin-console';

/** How the admin account came about: registered now (fresh Logto) or signed in to. */
export type AdminOutcome = 'created' | 'signed-in';

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

const expectStatus = (answer: HttpAnswer, wanted: number[], doing: string): void => {
  if (!wanted.includes(answer.status)) {
    throw new SetupError(
      `Logto answered ${answer.status} when ${doing} (${logtoErrorCode(answer) ?? 'no code'}: ${logtoErrorMessage(answer)}); check that --admin is Logto's ADMIN_ENDPOINT.`
    );
  }
};

/**
 * Whether the admin tenant still lets the first Console admin register: a fresh Logto is seeded
 * with sign-in mode "Register", and registering the first admin turns it to "SignIn".
 */
const registrationOpen = async (client: CookieClient, adminUrl: string): Promise<boolean> => {
  const answer = await client.request(`${adminUrl}/api/.well-known/sign-in-exp`);
  expectStatus(answer, [200], "reading the admin tenant's sign-in settings");
  return (answer.json as { signInMode?: unknown } | undefined)?.signInMode === 'Register';
};

const passwordTrouble = (answer: HttpAnswer, username: string, adminUrl: string): SetupError => {
  const code = logtoErrorCode(answer) ?? '';
  if (code.startsWith('password.')) {
    return new SetupError(
      `Logto refused the password for the new admin "${username}" (${logtoErrorMessage(answer)}): choose another password (SETUP_LOGTO_PASSWORD, or at the prompt) with 8 or more characters, not sequential or repeated, not containing the username.`
    );
  }
  if (code === 'session.invalid_credentials' || code === 'user.user_not_exist' || answer.status === 422) {
    return new SetupError(
      `The Console at ${adminUrl} refused username "${username}" with that password: this Logto already has its first admin, so give that admin's username (--username) and password (SETUP_LOGTO_PASSWORD, or at the prompt); the password may be mistyped, or the admin made with another username.`
    );
  }
  if (code === 'user.username_already_in_use') {
    return new SetupError(
      `A Console admin "${username}" already exists at ${adminUrl} but registration is still open: run again to sign in with it.`
    );
  }
  return new SetupError(
    `Logto answered ${answer.status} (${code || 'no code'}: ${logtoErrorMessage(answer)}) to the admin's credentials: check --username and the password.`
  );
};

/**
 * Signs in to the Admin Console as a browser would, without one: creates the first admin on a
 * fresh Logto (or signs in with the given credentials), consents, and exchanges the code for an
 * access token to the default tenant's Management API (PKCE, the Console's own client).
 *
 * @returns the token and whether the admin was created now
 * @throws {SetupError} when Logto is unreachable or refuses the credentials
 */
export const consoleAccessToken = async (
  client: CookieClient,
  { adminUrl, username, password }: { adminUrl: string; username: string; password: string }
): Promise<{ accessToken: string; admin: AdminOutcome }> => {
  const register = await registrationOpen(client, adminUrl);
  const redirectUri = `${adminUrl}/console/callback`;
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const authorize = new URL(`${adminUrl}/oidc/auth`);
  authorize.search = new URLSearchParams({
    client_id: consoleClientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid offline_access profile all',
    resource: managementApiResource,
    prompt: 'login consent',
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();
  // Starts the interaction (cookies); the redirect to the sign-in page is not needed.
  const start = await client.request(authorize);
  if (!redirectTarget(start)) {
    throw new SetupError(
      `${adminUrl} did not start a Console sign-in (HTTP ${start.status} for /oidc/auth): check that --admin is Logto's ADMIN_ENDPOINT.`
    );
  }

  const event = register ? 'Register' : 'SignIn';
  expectStatus(
    await client.request(`${adminUrl}/api/experience`, { method: 'PUT', json: { interactionEvent: event } }),
    [204],
    'starting the Console sign-in'
  );
  const credentials = { identifier: { type: 'username', value: username }, password };
  const verification = await client.request(
    `${adminUrl}/api/experience/verification/${register ? 'new-password-identity' : 'password'}`,
    { json: credentials }
  );
  if (verification.status !== 200) {
    throw passwordTrouble(verification, username, adminUrl);
  }
  const { verificationId } = verification.json as { verificationId?: string };
  const identification = await client.request(`${adminUrl}/api/experience/identification`, {
    json: { verificationId },
  });
  if (identification.status !== 201 && identification.status !== 204) {
    throw passwordTrouble(identification, username, adminUrl);
  }
  const submit = await client.request(`${adminUrl}/api/experience/submit`, { method: 'POST' });
  expectStatus(submit, [200], 'finishing the Console sign-in');
  const { redirectTo } = submit.json as { redirectTo?: string };

  // Follow Logto's redirects (consent is automatic for the Console) until the callback.
  let next = new URL(redirectTo ?? '', adminUrl);
  let code: string | undefined;
  for (let hop = 0; hop < 10 && code === undefined; hop++) {
    if (next.href.startsWith(redirectUri)) {
      code = next.searchParams.get('code') ?? undefined;
      if (code === undefined || next.searchParams.get('state') !== state) {
        throw new SetupError(
          `The Console sign-in came back without a code (${next.searchParams.get('error_description') ?? next.searchParams.get('error') ?? 'no error given'}): check Logto's log.`
        );
      }
      break;
    }
    const hopAnswer = await client.request(next);
    const target = redirectTarget(hopAnswer);
    if (!target) {
      throw new SetupError(
        `The Console sign-in stopped at ${next.pathname} (HTTP ${hopAnswer.status}) instead of returning to the Console: check Logto's log.`
      );
    }
    next = target;
  }
  if (code === undefined) {
    throw new SetupError('The Console sign-in redirected more than 10 times: check Logto’s log.');
  }

  const token = await client.request(`${adminUrl}/oidc/token`, {
    form: {
      grant_type: 'authorization_code',
      client_id: consoleClientId,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      resource: managementApiResource,
    },
  });
  expectStatus(token, [200], 'exchanging the Console sign-in code for a token');
  const { access_token: accessToken } = token.json as { access_token?: string };
  if (!accessToken) {
    throw new SetupError('Logto gave the Console sign-in no access token: check Logto’s log.');
  }
  return { accessToken, admin: register ? 'created' : 'signed-in' };
};
