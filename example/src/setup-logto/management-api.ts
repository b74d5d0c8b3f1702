import { SetupError } from './errors.js';
import { type CookieClient, type HttpAnswer, logtoErrorCode, logtoErrorMessage } from './http.js';

/** Calls the default tenant's Management API (`<core>/api/...`) with a bearer token. */
export type ManagementApi = {
  get: <T>(path: string) => Promise<T>;
  post: <T>(path: string, body?: unknown) => Promise<T>;
  patch: <T>(path: string, body: unknown) => Promise<T>;
};

/** A Management API call that failed, as a sentence with Logto's own code and message. */
export const apiFailure = (method: string, path: string, answer: HttpAnswer): SetupError =>
  new SetupError(
    `The Management API answered ${answer.status} to ${method} ${path} (${logtoErrorCode(answer) ?? 'no code'}: ${logtoErrorMessage(answer)}); check Logto's log, then run again.`
  );

/** A Management API client for one core endpoint and token. */
export const managementApi = (client: CookieClient, logtoUrl: string, accessToken: string): ManagementApi => {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await client.request(`${logtoUrl}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}` },
      ...(body !== undefined && { json: body }),
    });
    if (answer.status === 401 || answer.status === 403) {
      throw new SetupError(
        `The Management API at ${logtoUrl} refused the token (HTTP ${answer.status} to ${method} /api${path}): check that --logto is the ENDPOINT of the Logto whose Console is at --admin.`
      );
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw apiFailure(method, `/api${path}`, answer);
    }
    return answer.json as T;
  };
  return {
    get: async (path) => call('GET', path),
    post: async (path, body) => call('POST', path, body ?? {}),
    patch: async (path, body) => call('PATCH', path, body),
  };
};

/**
 * A token for the Management API by `client_credentials` for a machine-to-machine app (Basic auth;
 * `scope=all` and the resource are both required by Logto).
 */
export const machineToken = async (
  client: CookieClient,
  {
    logtoUrl,
    appId,
    appSecret,
    resource,
  }: { logtoUrl: string; appId: string; appSecret: string; resource: string }
): Promise<string> => {
  const answer = await client.request(`${logtoUrl}/oidc/token`, {
    headers: { authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}` },
    form: { grant_type: 'client_credentials', resource, scope: 'all' },
  });
  const token = (answer.json as { access_token?: unknown } | undefined)?.access_token;
  if (answer.status !== 200 || typeof token !== 'string') {
    throw new SetupError(
      `Logto gave the setup app no Management API token (HTTP ${answer.status} from /oidc/token: ${logtoErrorMessage(answer)}); check that its role "Logto Management API access" is assigned.`
    );
  }
  return token;
};
