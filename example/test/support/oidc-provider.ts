import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo } from 'node:net';

import express, { type RequestHandler } from 'express';
import Provider, { type JWK } from 'oidc-provider';

import { closeServer } from './app.js';

/** An OpenID Connect provider standing in for Logto: oidc-provider, which Logto is built on. */
export type OidcProvider = {
  /** What LOGTO_ENDPOINT would be: the origin; discovery is at <origin>/oidc/.well-known/openid-configuration. */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  close: () => Promise<void>;
};

/**
 * Starts oidc-provider on 127.0.0.1 at a free port, mounted at /oidc (issuer <origin>/oidc) as
 * Logto serves it, with one Traditional web app for `appBaseUrl`. ID tokens are ES384-signed,
 * as Logto's are. Its built-in development login pages accept any user name, which becomes the
 * account id (`sub`); the email claim is `<sub>@example.com`.
 */
export const startOidcProvider = async ({ appBaseUrl }: { appBaseUrl: string }): Promise<OidcProvider> => {
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const signingKey = {
    ...privateKey.export({ format: 'jwk' }),
    alg: 'ES384',
    use: 'sig',
    kid: 'test-es384',
  } as JWK;
  // URL-safe: the SDK sends them as HTTP Basic credentials without encoding them.
  const clientId = `app${randomUUID().replaceAll('-', '')}`;
  const clientSecret = `secret${randomUUID().replaceAll('-', '')}`;

  const provider = new Provider(`${endpoint}/oidc`, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${appBaseUrl}/logto/sign-in-callback`],
        // The SDK sends the base URL without a trailing slash; the provider matches exactly.
        post_logout_redirect_uris: [appBaseUrl, `${appBaseUrl}/`],
        id_token_signed_response_alg: 'ES384',
      },
    ],
    jwks: { keys: [signingKey] },
    enabledJWA: { idTokenSigningAlgValues: ['ES384'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { profile: ['name', 'username'], email: ['email', 'email_verified'] },
    // Profile claims in the ID token, as Logto puts them.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      // The SDK revokes its refresh token on sign-out.
      revocation: {
        enabled: true,
        allowedPolicy: (_context, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        // The default page loads a web font from the internet; this one loads nothing.
        logoutSource: (context, form) => {
          context.body = `<!doctype html><title>Sign out</title>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`;
        },
      },
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, RefreshToken: 3600 },
    cookies: { keys: [randomUUID()] },
    findAccount: (_context, id) => ({
      accountId: id,
      claims: () => ({ sub: id, name: id, username: id, email: `${id}@example.com`, email_verified: true }),
    }),
  });
  // Typed for plain Node requests; @logto/express's `session` declaration hides that an Express
  // request is one (see nodeMiddleware in src/app.ts).
  app.use('/oidc', provider.callback() as unknown as RequestHandler);

  return { endpoint, clientId, clientSecret, close: async () => closeServer(server) };
};
