/**
 * The pure parts of `setup-logto`: its options (command line and environment), the .env merge,
 * the comparison that makes a second run a no-op, the sign-in experience it writes, and the
 * cookie handling it signs in to the Console with (over real HTTP on 127.0.0.1).
 */
import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { differences, withAdded } from '../../src/setup-logto/differences.js';
import { mergeEnvText, readEnvText } from '../../src/setup-logto/env-file.js';
import { SetupError } from '../../src/setup-logto/errors.js';
import { CookieClient, redirectTarget } from '../../src/setup-logto/http.js';
import {
  exampleRedirectUris,
  signInExperiencePatch,
  wantedConnectorConfig,
  wantedSignInExperience,
} from '../../src/setup-logto/logto-setup-steps.js';
import { defaultSesEndpoint, helpText, parseCommand } from '../../src/setup-logto/options.js';
import { resolveBaseUrl } from '../../src/setup-logto/setup.js';
import { freePort } from '../../../test/support/free-port.js';

const required = [
  '--logto',
  'http://127.0.0.1:3001',
  '--admin',
  'http://127.0.0.1:3002',
  '--username',
  'admin',
  '--password',
  'Correct-Horse-9',
];

const setupOptions = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const command = parseCommand(argv, env);
  if (command.kind !== 'setup') {
    throw new Error('expected a setup command');
  }
  return command.options;
};

describe('options', () => {
  it('reads the four required options and fills in the defaults', () => {
    expect(setupOptions(required)).toEqual({
      logtoUrl: 'http://127.0.0.1:3001',
      adminUrl: 'http://127.0.0.1:3002',
      username: 'admin',
      password: 'Correct-Horse-9',
      sesEndpoint: defaultSesEndpoint,
      sender: 'Logto Demo <noreply@example.com>',
    });
  });

  it('takes every option from its SETUP_LOGTO_* variable when the command line lacks it', () => {
    const options = setupOptions([], {
      SETUP_LOGTO_URL: 'http://localhost:3001/',
      SETUP_LOGTO_ADMIN_URL: 'http://localhost:3002',
      SETUP_LOGTO_USERNAME: 'ops',
      SETUP_LOGTO_PASSWORD: ' spaces kept ',
      SETUP_LOGTO_SES_ENDPOINT: 'http://127.0.0.1:9005',
      SETUP_LOGTO_SENDER: 'noreply@example.org',
      SETUP_LOGTO_BASE_URL: 'http://localhost:4000/',
      SETUP_LOGTO_ENV_FILE: '/tmp/x.env',
      LOGTO_ENDPOINT: 'http://ignored.example',
    });
    expect(options).toEqual({
      logtoUrl: 'http://localhost:3001',
      adminUrl: 'http://localhost:3002',
      username: 'ops',
      password: ' spaces kept ',
      sesEndpoint: 'http://127.0.0.1:9005',
      sender: 'noreply@example.org',
      baseUrl: 'http://localhost:4000',
      envFile: '/tmp/x.env',
    });
  });

  it('says whether the password came from the command line, where others can see it', () => {
    const fromLine = parseCommand(required, { SETUP_LOGTO_PASSWORD: 'env-one' });
    const fromEnv = parseCommand(required.slice(0, -2), { SETUP_LOGTO_PASSWORD: 'env-one' });
    const none = parseCommand(required.slice(0, -2), {});
    expect(fromLine).toMatchObject({ passwordOnCommandLine: true, options: { password: 'Correct-Horse-9' } });
    expect(fromEnv).toMatchObject({ passwordOnCommandLine: false, options: { password: 'env-one' } });
    expect(none).toMatchObject({ kind: 'setup', passwordOnCommandLine: false });
    expect(none.kind === 'setup' && 'password' in none.options).toBe(false);
  });

  it('prefers the command line over the environment, in both --name value and --name=value forms', () => {
    const options = setupOptions([...required, '--base-url=http://localhost:5000'], {
      SETUP_LOGTO_USERNAME: 'other',
      SETUP_LOGTO_BASE_URL: 'http://localhost:4000',
    });
    expect(options.username).toBe('admin');
    expect(options.baseUrl).toBe('http://localhost:5000');
  });

  it('answers --help with a text naming every option and its variable', () => {
    expect(parseCommand([...required, '--help'], {})).toEqual({ kind: 'help' });
    const text = helpText();
    for (const name of [
      '--logto',
      '--admin',
      '--username',
      '--password',
      '--ses-endpoint',
      '--sender',
      '--base-url',
      '--dotenv',
    ]) {
      expect(text).toContain(name);
    }
    for (const variable of [
      'SETUP_LOGTO_URL',
      'SETUP_LOGTO_ADMIN_URL',
      'SETUP_LOGTO_USERNAME',
      'SETUP_LOGTO_PASSWORD',
      'SETUP_LOGTO_SES_ENDPOINT',
      'SETUP_LOGTO_SENDER',
      'SETUP_LOGTO_BASE_URL',
      'SETUP_LOGTO_ENV_FILE',
    ]) {
      expect(text).toContain(variable);
    }
  });

  it('names every missing required option in one sentence (the password is left to the prompt)', () => {
    expect(() => parseCommand(['--logto', 'http://127.0.0.1:3001'], {})).toThrow(
      new SetupError(
        'Missing --admin (or SETUP_LOGTO_ADMIN_URL), --username (or SETUP_LOGTO_USERNAME): see --help.'
      )
    );
  });

  it('refuses a username Logto would refuse (letters, digits and underscores only)', () => {
    expect(() => parseCommand([...required, '--username', 'console-admin'], {})).toThrow(
      new SetupError(
        '--username "console-admin" is not a Logto username: use letters, digits and underscores, starting with a letter or an underscore (such as console_admin).'
      )
    );
    expect(() => parseCommand([...required, '--username', '9lives'], {})).toThrow(/not a Logto username/);
    expect(setupOptions([...required, '--username', '_ops_2']).username).toBe('_ops_2');
  });

  it('refuses an unknown option, a flag without its value, and URLs that are not plain origins', () => {
    expect(() => parseCommand([...required, '--verbose'], {})).toThrow(/Unknown option "--verbose"/);
    expect(() => parseCommand(['--logto', '--admin', 'http://x'], {})).toThrow('--logto needs a value');
    expect(() => parseCommand([...required, '--logto', 'localhost:3001'], {})).toThrow(/--logto must be/);
    expect(() => parseCommand([...required, '--logto', 'ftp://localhost'], {})).toThrow(
      /http:\/\/ or https:\/\//
    );
    expect(() => parseCommand([...required, '--admin', 'http://127.0.0.1:3002/console'], {})).toThrow(
      /without a path/
    );
    expect(() => parseCommand([...required, '--logto', 'http://u:p@127.0.0.1:3001'], {})).toThrow(
      /credentials/
    );
    expect(() => parseCommand([...required, '--admin', 'http://127.0.0.1:3001'], {})).toThrow(/must differ/);
  });
});

describe('the .env file', () => {
  const values = {
    LOGTO_ENDPOINT: 'http://127.0.0.1:3001',
    LOGTO_APP_ID: 'app1',
    LOGTO_APP_SECRET: 'secret1',
  };

  it('writes the three Logto variables and a session secret into a new file', () => {
    expect(mergeEnvText('', values, 'f'.repeat(64))).toBe(
      `# Written by \`npm --prefix example run setup-logto\`.\nLOGTO_ENDPOINT=http://127.0.0.1:3001\nLOGTO_APP_ID=app1\nLOGTO_APP_SECRET=secret1\nSESSION_SECRET=${'f'.repeat(64)}\n`
    );
  });

  it('rewrites existing assignments in place and keeps comments, other variables and the session secret', () => {
    const existing = [
      '# my settings',
      'PLAYGROUND=on',
      'LOGTO_ENDPOINT=https://old.logto.app',
      'LOGTO_APP_ID=',
      'SESSION_SECRET=keep-me',
      'LOGTO_APP_ID=duplicate',
      '',
    ].join('\n');
    const merged = mergeEnvText(existing, values, 'new-secret');
    expect(merged).toBe(
      [
        '# my settings',
        'PLAYGROUND=on',
        'LOGTO_ENDPOINT=http://127.0.0.1:3001',
        'LOGTO_APP_ID=app1',
        'SESSION_SECRET=keep-me',
        '',
        '# Written by `npm --prefix example run setup-logto`.',
        'LOGTO_APP_SECRET=secret1',
        '',
      ].join('\n')
    );
    expect(readEnvText(merged).get('SESSION_SECRET')).toBe('keep-me');
  });

  it('fills an empty SESSION_SECRET and gives the same text back on a second merge', () => {
    const once = mergeEnvText('SESSION_SECRET=\n', values, 'generated');
    expect(readEnvText(once).get('SESSION_SECRET')).toBe('generated');
    expect(mergeEnvText(once, values, 'another')).toBe(once);
  });

  it('keeps a line that already holds the value even when it is quoted or commented', () => {
    const existing =
      'LOGTO_ENDPOINT="http://127.0.0.1:3001" # mine\nLOGTO_APP_ID=app1\nLOGTO_APP_SECRET=secret1\nSESSION_SECRET=s\n';
    expect(mergeEnvText(existing, values, 'x')).toBe(existing);
  });

  it('writes BASE_URL only when it is given, quoting values with spaces and refusing line breaks', () => {
    expect(
      readEnvText(mergeEnvText('', { ...values, BASE_URL: 'http://localhost:4000' }, 's')).get('BASE_URL')
    ).toBe('http://localhost:4000');
    expect(mergeEnvText('', values, 's')).not.toContain('BASE_URL');
    expect(mergeEnvText('', { ...values, LOGTO_APP_SECRET: 'a b' }, 's')).toContain('LOGTO_APP_SECRET="a b"');
    expect(() => mergeEnvText('', { ...values, LOGTO_APP_SECRET: 'a\nEVIL=1' }, 's')).toThrow(/line breaks/);
  });
});

describe('BASE_URL', () => {
  it('comes from the option, else the environment, else the .env file, else localhost and PORT', () => {
    expect(resolveBaseUrl('http://localhost:9', 'BASE_URL=http://a', { BASE_URL: 'http://b' })).toBe(
      'http://localhost:9'
    );
    expect(resolveBaseUrl(undefined, 'BASE_URL=http://a/', { BASE_URL: 'http://b/' })).toBe('http://b');
    expect(resolveBaseUrl(undefined, 'BASE_URL=http://a/', {})).toBe('http://a');
    expect(resolveBaseUrl(undefined, 'PORT=4000', {})).toBe('http://localhost:4000');
    expect(resolveBaseUrl(undefined, '', {})).toBe('http://localhost:3000');
  });

  it('gives the redirect URIs the example app uses', () => {
    expect(exampleRedirectUris('http://localhost:3000')).toEqual({
      redirectUri: 'http://localhost:3000/logto/sign-in-callback',
      postSignOutUri: 'http://localhost:3000',
    });
  });
});

describe('comparing Logto with what set-up wants', () => {
  it('finds nothing when every wanted value is there, whatever else Logto holds', () => {
    const current = {
      signInMode: 'SignInAndRegister',
      signUp: { identifiers: ['email'], password: false, verify: true, secondaryIdentifiers: [] },
      signIn: {
        methods: [{ identifier: 'email', verificationCode: true, password: false, isPasswordPrimary: false }],
      },
      passwordPolicy: { length: { min: 8 }, rejects: { pwned: false, repetitionAndSequence: true } },
      color: { primaryColor: '#000' },
    };
    expect(differences(current, wantedSignInExperience)).toEqual([]);
  });

  it('names each differing path of a seeded sign-in experience', () => {
    const seeded = {
      signInMode: 'SignInAndRegister',
      signUp: { identifiers: ['username'], password: true, verify: false },
      signIn: {
        methods: [
          { identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true },
        ],
      },
      passwordPolicy: { rejects: { pwned: true } },
    };
    expect(differences(seeded, wantedSignInExperience).map(({ path }) => path)).toEqual([
      'signUp.identifiers',
      'signUp.password',
      'signUp.verify',
      'signIn.methods',
      'passwordPolicy.rejects.pwned',
    ]);
  });

  it('counts extra array items and missing keys as differences', () => {
    expect(differences({ list: ['a', 'b'] }, { list: ['a'] })).toHaveLength(1);
    expect(differences({}, { region: 'us-east-1' })).toEqual([
      { path: 'region', current: undefined, wanted: 'us-east-1' },
    ]);
    expect(differences({ config: 'text' }, { config: { a: 1 } })).toHaveLength(1);
  });

  it('compares the connector config field by field, ignoring the templates it does not set', () => {
    const wanted = wantedConnectorConfig({
      sesEndpoint: 'http://127.0.0.1:8005',
      sender: 'noreply@example.com',
    });
    expect(differences({ ...wanted, templates: [{ usageType: 'Generic' }] }, wanted)).toEqual([]);
    expect(
      differences({ ...wanted, endpoint: 'http://127.0.0.1:9999' }, wanted).map(({ path }) => path)
    ).toEqual(['endpoint']);
  });

  it('adds URIs without dropping or repeating existing ones', () => {
    expect(withAdded(['http://a/cb'], ['http://b/cb', 'http://a/cb'])).toEqual([
      'http://a/cb',
      'http://b/cb',
    ]);
    expect(withAdded(undefined, ['http://b/cb'])).toEqual(['http://b/cb']);
  });

  it('patches the sign-in experience to the wanted one and keeps the other password rules', () => {
    const current = {
      signUp: { identifiers: ['username'], password: true, verify: false, secondaryIdentifiers: [] },
      passwordPolicy: { length: { min: 8, max: 256 }, rejects: { pwned: true, words: [] } },
    };
    const patch = signInExperiencePatch(current);
    expect(differences({ ...current, ...patch }, wantedSignInExperience)).toEqual([]);
    expect(patch).toMatchObject({
      signUp: { secondaryIdentifiers: [] },
      passwordPolicy: { length: { min: 8, max: 256 }, rejects: { pwned: false, words: [] } },
    });
  });
});

describe('the cookie client', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const open = server;
    if (open) {
      await new Promise((resolve) => open.close(resolve));
    }
    server = undefined;
  });

  it('sends back the cookies set for the path and host, drops expired ones, and never follows redirects', async () => {
    const seen: (string | undefined)[] = [];
    server = createServer((request, response) => {
      seen.push(request.headers.cookie);
      if (request.url === '/start') {
        response.setHeader('set-cookie', ['a=1; Path=/; HttpOnly', 'b=2; path=/oidc/auth/x', 'c=3; Path=/']);
        response.writeHead(303, { location: '/next' }).end();
      } else if (request.url === '/next') {
        response.setHeader('set-cookie', 'c=; Max-Age=0; Path=/');
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } else {
        response.writeHead(204).end();
      }
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new CookieClient(() => 'the test server');

    const start = await client.request(`${origin}/start`);
    expect(start.status).toBe(303);
    expect(redirectTarget(start)?.href).toBe(`${origin}/next`);
    expect((await client.request(`${origin}/next`)).json).toEqual({ ok: true });
    await client.request(`${origin}/oidc/auth/x/resume`);
    await client.request(`${origin}/other`);
    expect(seen).toEqual([undefined, 'a=1; c=3', 'a=1; b=2', 'a=1']);
  });

  it('turns a closed port into a sentence that says to start Logto', async () => {
    const port = await freePort();
    const client = new CookieClient(() => 'Logto (--logto)');
    await expect(client.request(`http://127.0.0.1:${port}/oidc`)).rejects.toThrow(
      new SetupError(
        `Cannot reach Logto (--logto) at http://127.0.0.1:${port} (connection refused): start Logto, or pass the URL it listens on.`
      )
    );
  });
});
