import { SetupError } from './errors.js';

/** Everything `setup-logto` needs, after parsing the command line and the environment. */
export type SetupOptions = {
  /** `--logto` / SETUP_LOGTO_URL: Logto's core endpoint (its ENDPOINT), where apps sign in. */
  logtoUrl: string;
  /** `--admin` / SETUP_LOGTO_ADMIN_URL: Logto's admin endpoint (its ADMIN_ENDPOINT), where the Console lives. */
  adminUrl: string;
  /** `--username` / SETUP_LOGTO_USERNAME: the Console admin's username. */
  username: string;
  /**
   * SETUP_LOGTO_PASSWORD, else typed at the prompt (or piped on standard input): the Console
   * admin's password. `--password` still works, with a warning: it shows the password to others.
   */
  password: string;
  /** `--ses-endpoint` / SETUP_LOGTO_SES_ENDPOINT: the SES URL the connector sends to. @default http://127.0.0.1:8005 */
  sesEndpoint: string;
  /** `--sender` / SETUP_LOGTO_SENDER: the connector's From address. @default Logto Demo <noreply@example.com> */
  sender: string;
  /**
   * `--base-url` / SETUP_LOGTO_BASE_URL: where the browser reaches the example app; the redirect
   * URIs are registered for it. `undefined` means the app's own default (BASE_URL in .env, else
   * http://localhost:<PORT or 3000>), worked out where the .env file is read.
   */
  baseUrl?: string;
  /** `--dotenv` / SETUP_LOGTO_ENV_FILE: the file to write. @default example/.env */
  envFile?: string;
};

/** The options as the command line and the environment give them: the password may be left to the prompt. */
export type CommandOptions = Omit<SetupOptions, 'password'> & { password?: string };

/**
 * What the command line asks for: the help text, or a setup; `passwordOnCommandLine` when the
 * password came from `--password` (where others can see it).
 */
export type ParsedCommand =
  { kind: 'help' } | { kind: 'setup'; options: CommandOptions; passwordOnCommandLine: boolean };

/** The variable that holds the admin's password: the documented way to pass it without a prompt. */
export const passwordVariable = 'SETUP_LOGTO_PASSWORD';

type OptionSpec = {
  flag: string;
  env: string;
  key: keyof SetupOptions;
  value: string;
  help: string;
  defaultValue?: string;
  required?: boolean;
  url?: boolean;
};

/** The default SES endpoint: the port `npm run demo` starts its local SES emulator on. */
export const defaultSesEndpoint = 'http://127.0.0.1:8005';

/** The default From address of the connector (the emulator accepts any). */
export const defaultSender = 'Logto Demo <noreply@example.com>';

const specs: OptionSpec[] = [
  {
    flag: '--logto',
    env: 'SETUP_LOGTO_URL',
    key: 'logtoUrl',
    value: '<url>',
    help: "Logto's core endpoint (its ENDPOINT), such as http://127.0.0.1:3001",
    required: true,
    url: true,
  },
  {
    flag: '--admin',
    env: 'SETUP_LOGTO_ADMIN_URL',
    key: 'adminUrl',
    value: '<url>',
    help: "Logto's admin endpoint (its ADMIN_ENDPOINT), such as http://127.0.0.1:3002",
    required: true,
    url: true,
  },
  {
    flag: '--username',
    env: 'SETUP_LOGTO_USERNAME',
    key: 'username',
    value: '<name>',
    help: 'the Console admin (letters, digits and underscores): created with these credentials on a fresh Logto, signed in with otherwise',
    required: true,
  },
  {
    flag: '--password',
    env: passwordVariable,
    key: 'password',
    value: '<password>',
    help: "that admin's password (a new one: 8 or more characters, not sequential, not containing the username). Set the variable, or leave both out to type it at a prompt (hidden; a pipe on standard input works too): --password shows it to others (npm's banner, logs, ps) and prints a warning",
  },
  {
    flag: '--ses-endpoint',
    env: 'SETUP_LOGTO_SES_ENDPOINT',
    key: 'sesEndpoint',
    value: '<url>',
    help: 'where the Amazon SES connector sends (the local SES emulator of `npm run demo`)',
    defaultValue: defaultSesEndpoint,
    url: true,
  },
  {
    flag: '--sender',
    env: 'SETUP_LOGTO_SENDER',
    key: 'sender',
    value: '<mailbox>',
    help: "the connector's From address",
    defaultValue: defaultSender,
  },
  {
    flag: '--base-url',
    env: 'SETUP_LOGTO_BASE_URL',
    key: 'baseUrl',
    value: '<url>',
    help: "where the browser reaches the example app (default: BASE_URL in the .env file, else http://localhost:<PORT or 3000>, like the app's)",
    url: true,
  },
  {
    flag: '--dotenv',
    env: 'SETUP_LOGTO_ENV_FILE',
    key: 'envFile',
    value: '<path>',
    // Not --env-file: Node 20 takes that one for itself, wherever it appears on the command line.
    help: 'the .env file to write (a relative path is taken from where npm was run); default example/.env',
  },
];

/** The text of `--help`: every option with its environment variable and default. */
export const helpText = (): string => {
  const lines = [
    'Usage: npm --prefix example run setup-logto -- --logto <url> --admin <url> --username <name> [options]',
    "       (the admin's password: SETUP_LOGTO_PASSWORD, else asked for with hidden input)",
    '',
    'Wires a Logto to the example app: creates the first Console admin on a fresh Logto (or signs in),',
    'then, through the Management API, a machine-to-machine app for this command, the Amazon SES',
    'connector (factory amazon-ses, installed beforehand with `logto connector add`) as the email',
    'connector, a Traditional web app for the example, and passwordless email sign-in with a',
    'verification code; writes LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET and SESSION_SECRET',
    'to the .env file. Running it again changes nothing that is already right.',
    '',
    'Options (each can also come from the environment variable shown; the option wins):',
  ];
  for (const spec of specs) {
    lines.push(
      `  ${`${spec.flag} ${spec.value}`.padEnd(26)} ${spec.env}${spec.required ? ' (required)' : ''}`
    );
    lines.push(`  ${''.padEnd(26)} ${spec.help}${spec.defaultValue ? `; default ${spec.defaultValue}` : ''}`);
  }
  lines.push(`  ${'--help'.padEnd(26)} this text`);
  return lines.join('\n');
};

const normaliseUrl = (spec: OptionSpec, text: string): string => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SetupError(`${spec.flag} must be a URL such as http://127.0.0.1:3001, not "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SetupError(`${spec.flag} must be an http:// or https:// URL, not "${text}".`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new SetupError(`${spec.flag} must be a plain URL, without a query, fragment or credentials.`);
  }
  if (url.pathname !== '/' && spec.key !== 'sesEndpoint' && spec.key !== 'baseUrl') {
    throw new SetupError(`${spec.flag} must be an origin such as http://127.0.0.1:3001, without a path.`);
  }
  return url.href.replace(/\/+$/, '');
};

/**
 * Reads the options from the command line (`--name value` or `--name=value`) and, for those not
 * given there, from the SETUP_LOGTO_* environment variables.
 *
 * @throws {SetupError} for an unknown option, a missing value, a missing required option or an invalid URL.
 */
export const parseCommand = (argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommand => {
  const given = new Map<keyof SetupOptions, string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument === '--help' || argument === '-h') {
      return { kind: 'help' };
    }
    const [flag = '', inlineValue] = argument.split(/=(.*)/s, 2);
    const spec = specs.find((candidate) => candidate.flag === flag);
    if (!spec) {
      throw new SetupError(`Unknown option "${argument}": see --help for the options.`);
    }
    const value = inlineValue ?? argv[++index];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
      throw new SetupError(`${spec.flag} needs a value: ${spec.flag} ${spec.value}.`);
    }
    given.set(spec.key, value);
  }

  const options: Partial<Record<keyof SetupOptions, string>> = {};
  const missing: string[] = [];
  for (const spec of specs) {
    const raw = given.get(spec.key) ?? env[spec.env] ?? spec.defaultValue;
    const text = raw?.trim() ? (spec.key === 'password' ? raw : raw.trim()) : undefined;
    if (text === undefined) {
      if (spec.required) {
        missing.push(`${spec.flag} (or ${spec.env})`);
      }
      continue;
    }
    options[spec.key] = spec.url ? normaliseUrl(spec, text) : text;
  }
  if (missing.length > 0) {
    throw new SetupError(`Missing ${missing.join(', ')}: see --help.`);
  }
  const { logtoUrl, adminUrl, username, password, sesEndpoint, sender, baseUrl, envFile } = options;
  if (!logtoUrl || !adminUrl || !username || !sesEndpoint || !sender) {
    throw new SetupError('Missing a required option: see --help.');
  }
  // Logto's own rule for usernames (@logto/core-kit usernameRegEx): it answers anything else
  // with a bare "The request body is invalid."
  if (!/^[A-Z_a-z]\w*$/.test(username)) {
    throw new SetupError(
      `--username "${username}" is not a Logto username: use letters, digits and underscores, starting with a letter or an underscore (such as console_admin).`
    );
  }
  if (logtoUrl === adminUrl) {
    throw new SetupError(
      '--logto and --admin must differ: Logto serves apps on ENDPOINT and the Console on ADMIN_ENDPOINT, two ports.'
    );
  }
  return {
    kind: 'setup',
    options: {
      logtoUrl,
      adminUrl,
      username,
      ...(password !== undefined && { password }),
      sesEndpoint,
      sender,
      ...(baseUrl !== undefined && { baseUrl }),
      ...(envFile !== undefined && { envFile }),
    },
    passwordOnCommandLine: given.has('password'),
  };
};
