import { randomBytes } from 'node:crypto';

/** Where sign-in goes: a Logto tenant and the Traditional web app registered in it. */
export type LogtoSettings = {
  /** LOGTO_ENDPOINT: the tenant's origin, such as https://your-tenant.logto.app. */
  endpoint: string;
  /** LOGTO_APP_ID */
  appId: string;
  /** LOGTO_APP_SECRET */
  appSecret: string;
};

/** Everything the app reads from its environment, checked once at start-up. */
export type Settings = {
  /** NODE_ENV=production */
  production: boolean;
  /** HOST. @default '127.0.0.1' (loopback only) */
  host: string;
  /** PORT. @default 3000 */
  port: number;
  /** BASE_URL, without a trailing slash: where the browser reaches the app. @default http://localhost:<port> */
  baseUrl: string;
  /** SESSION_SECRET; a random one per process when unset outside production. */
  sessionSecret: string;
  /** The Logto settings, when all three LOGTO_* variables are set. */
  logto?: LogtoSettings;
  /** The LOGTO_* variables still to set (empty when sign-in is configured). */
  missingLogtoVariables: string[];
  /** PLAYGROUND=on|off. @default on, except when NODE_ENV=production */
  playground: boolean;
  /**
   * PLAYGROUND_SERVER_CREDENTIALS=on|off: whether the playground may send with this server's own
   * AWS credentials (the SDK's default chain: environment, shared files, an IAM role) when both
   * key fields are empty. @default off (the key fields are required)
   */
  playgroundServerCredentials: boolean;
  /** SES_EMULATOR_URL: a local SES emulator (aws-ses-v2-local) the playground sends to and reads. */
  sesEmulatorUrl?: string;
  /** Things an operator should know, printed at start-up. */
  warnings: string[];
};

/** A setting that stops the app from starting, with the sentence that says what to fix. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

const logtoVariables = ['LOGTO_ENDPOINT', 'LOGTO_APP_ID', 'LOGTO_APP_SECRET'] as const;

const present = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

const httpUrl = (name: string, value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(`${name} must be a URL such as http://localhost:3000, not "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`${name} must be an http:// or https:// URL, not "${value}".`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new SettingsError(`${name} must be a plain URL, without a query, fragment or credentials.`);
  }
  // The Logto SDK appends paths to it and sends it as the post sign-out redirect URI: no slash.
  return url.href.replace(/\/+$/, '');
};

const switchValue = (name: string, value: string | undefined): boolean | undefined => {
  const text = present(value)?.toLowerCase();
  if (text === undefined) {
    return undefined;
  }
  if (['on', 'true', '1', 'yes'].includes(text)) {
    return true;
  }
  if (['off', 'false', '0', 'no'].includes(text)) {
    return false;
  }
  throw new SettingsError(`${name} must be "on" or "off", not "${value ?? ''}".`);
};

/** The HOST values that keep the app to this machine. */
const loopbackHosts = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

const portValue = (value: string | undefined): number => {
  const text = present(value);
  if (text === undefined) {
    return 3000;
  }
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new SettingsError(`PORT must be a port number (0 to 65535), not "${text}".`);
  }
  return port;
};

/**
 * Reads the app's settings from environment variables, with safe defaults: loopback only, a
 * session secret required in production, and the connector playground off in production unless
 * PLAYGROUND=on.
 *
 * @throws {SettingsError} when a variable is invalid, or SESSION_SECRET is unset in production.
 */
export const readSettings = (env: NodeJS.ProcessEnv): Settings => {
  const production = env.NODE_ENV === 'production';
  const warnings: string[] = [];
  const port = portValue(env.PORT);
  const host = present(env.HOST) ?? '127.0.0.1';
  const baseUrl = httpUrl('BASE_URL', present(env.BASE_URL) ?? `http://localhost:${port || 3000}`);

  let sessionSecret = present(env.SESSION_SECRET);
  if (!sessionSecret) {
    if (production) {
      throw new SettingsError(
        'SESSION_SECRET must be set when NODE_ENV=production: a long random string, such as the output of `openssl rand -hex 32`. It signs the session cookie.'
      );
    }
    sessionSecret = randomBytes(32).toString('hex');
    warnings.push(
      'SESSION_SECRET is not set: using a random one for this process, so sessions end when it restarts. Set it in .env to keep them.'
    );
  }

  const [endpoint, appId, appSecret] = logtoVariables.map((name) => present(env[name]));
  const missingLogtoVariables = logtoVariables.filter((name) => !present(env[name]));
  const logto =
    endpoint && appId && appSecret
      ? { endpoint: httpUrl('LOGTO_ENDPOINT', endpoint), appId, appSecret }
      : undefined;
  if (!logto) {
    warnings.push(
      `Sign-in is off until ${missingLogtoVariables.join(', ')} ${missingLogtoVariables.length > 1 ? 'are' : 'is'} set (see .env.example).`
    );
  }

  const playground = switchValue('PLAYGROUND', env.PLAYGROUND) ?? !production;
  if (playground && production) {
    warnings.push(
      'PLAYGROUND=on with NODE_ENV=production: anyone who reaches /playground can send email with any configuration.'
    );
  }
  if (playground && !loopbackHosts.has(host.toLowerCase())) {
    warnings.push(
      `The app listens on ${host}:${port} (HOST=${host}) with the connector playground on: anyone who reaches that address can send email through /playground with any configuration and make this server call any endpoint. Keep HOST=127.0.0.1 (the default), or set PLAYGROUND=off.`
    );
  }
  const playgroundServerCredentials =
    switchValue('PLAYGROUND_SERVER_CREDENTIALS', env.PLAYGROUND_SERVER_CREDENTIALS) ?? false;
  const emulator = present(env.SES_EMULATOR_URL);

  return {
    production,
    host,
    port,
    baseUrl,
    sessionSecret,
    ...(logto && { logto }),
    missingLogtoVariables,
    playground,
    playgroundServerCredentials,
    ...(emulator && { sesEmulatorUrl: httpUrl('SES_EMULATOR_URL', emulator) }),
    warnings,
  };
};
