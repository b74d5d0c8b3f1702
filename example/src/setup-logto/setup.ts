import { consoleAccessToken, managementApiResource } from './console-session.js';
import { mergeEnvText, newSessionSecret, readEnvFile, readEnvText, saveEnvFile } from './env-file.js';
import { SetupError } from './errors.js';
import { CookieClient } from './http.js';
import {
  type Outcome,
  ensureEmailConnector,
  ensureExampleApp,
  ensureSetupApp,
  ensureSignInExperience,
} from './logto-setup-steps.js';
import { machineToken, managementApi } from './management-api.js';
import { type SetupOptions } from './options.js';

/** What a run did: one outcome per step, the .env file written (or not), and the BASE_URL used. */
export type SetupReport = {
  admin: 'created' | 'signed-in';
  outcomes: Outcome[];
  baseUrl: string;
  envFile: string;
  appId: string;
  /** True when nothing in Logto or the .env file had to change. */
  unchanged: boolean;
};

/**
 * The BASE_URL the example app will use: the option, else BASE_URL from the environment or the
 * .env file, else http://localhost:<PORT or 3000> (the app's own rule).
 */
export const resolveBaseUrl = (
  given: string | undefined,
  envText: string,
  env: NodeJS.ProcessEnv
): string => {
  if (given) {
    return given;
  }
  const file = readEnvText(envText);
  const fromEnv = env.BASE_URL?.trim() || file.get('BASE_URL')?.trim();
  if (fromEnv) {
    return fromEnv.replace(/\/+$/, '');
  }
  const port = env.PORT?.trim() || file.get('PORT')?.trim() || '3000';
  return `http://localhost:${port === '0' ? '3000' : port}`;
};

/** Checks that `url` serves Logto's OpenID configuration under the issuer `url/oidc`. */
const checkIssuer = async (
  client: CookieClient,
  url: string,
  flag: string,
  variable: string
): Promise<void> => {
  const answer = await client.request(`${url}/oidc/.well-known/openid-configuration`);
  const issuer = (answer.json as { issuer?: unknown } | undefined)?.issuer;
  if (answer.status !== 200 || typeof issuer !== 'string') {
    throw new SetupError(
      `${url} does not answer like Logto (HTTP ${answer.status} for /oidc/.well-known/openid-configuration): pass Logto's ${variable} as ${flag}.`
    );
  }
  if (issuer !== `${url}/oidc`) {
    throw new SetupError(
      `The Logto at ${url} calls itself ${issuer.replace(/\/oidc$/, '')} (its ${variable}): pass exactly that as ${flag} (localhost and 127.0.0.1 differ for cookies and tokens).`
    );
  }
};

/**
 * Configures a Logto for the example app and writes its .env file; see `--help`. Idempotent: each
 * step compares Logto's current state with the wanted one and writes only the difference.
 *
 * @param log - receives one line per step as it finishes
 * @throws {SetupError} with a sentence saying what to do
 */
export const setupLogto = async (
  options: SetupOptions & { envFile: string },
  env: NodeJS.ProcessEnv,
  log: (line: string) => void
): Promise<SetupReport> => {
  const describe = (url: URL): string =>
    url.origin === new URL(options.adminUrl).origin ? "Logto's admin endpoint (--admin)" : 'Logto (--logto)';
  // First, so that a .env path setup-logto will not write (a symbolic link) stops it before Logto changes.
  const envFile = await readEnvFile(options.envFile);
  const envText = envFile.text;
  const browser = new CookieClient(describe);
  await checkIssuer(browser, options.logtoUrl, '--logto', 'ENDPOINT');
  await checkIssuer(browser, options.adminUrl, '--admin', 'ADMIN_ENDPOINT');

  const { accessToken, admin } = await consoleAccessToken(browser, options);
  log(`Console admin "${options.username}": ${admin === 'created' ? 'created' : 'signed in'}`);

  const api = new CookieClient(describe);
  const setupApp = await ensureSetupApp(managementApi(api, options.logtoUrl, accessToken));
  const outcomes: Outcome[] = [];
  const report = (outcome: Outcome): void => {
    outcomes.push(outcome);
    log(`${outcome.subject}: ${outcome.change}${outcome.changed ? ` (${outcome.changed.join(', ')})` : ''}`);
  };
  report(setupApp.outcome);
  const machine = managementApi(
    api,
    options.logtoUrl,
    await machineToken(api, {
      logtoUrl: options.logtoUrl,
      appId: setupApp.appId,
      appSecret: setupApp.appSecret,
      resource: managementApiResource,
    })
  );

  report(await ensureEmailConnector(machine, options));
  const baseUrl = resolveBaseUrl(options.baseUrl, envText, env);
  const exampleApp = await ensureExampleApp(machine, baseUrl);
  report(exampleApp.outcome);
  report(await ensureSignInExperience(machine));

  const merged = mergeEnvText(
    envText,
    {
      LOGTO_ENDPOINT: options.logtoUrl,
      LOGTO_APP_ID: exampleApp.appId,
      LOGTO_APP_SECRET: exampleApp.appSecret,
      ...(options.baseUrl !== undefined && { BASE_URL: options.baseUrl }),
    },
    newSessionSecret()
  );
  report({ subject: options.envFile, ...(await saveEnvFile(options.envFile, envFile, merged)) });

  return {
    admin,
    outcomes,
    baseUrl,
    envFile: options.envFile,
    appId: exampleApp.appId,
    unchanged: admin === 'signed-in' && outcomes.every(({ change }) => change === 'unchanged'),
  };
};
