/**
 * What keeps the connector playground from being a relay for whoever reaches it, over real HTTP
 * on 127.0.0.1: requests under a host name the app does not own (DNS rebinding) are refused, the
 * server's own AWS credentials are never used unless PLAYGROUND_SERVER_CREDENTIALS=on, and the
 * app warns at start-up when it listens beyond loopback with the playground on.
 */
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import { parse } from 'node-html-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { readSettings } from '../../src/settings.js';
import { closeServer, startAppsClosedAfterEach } from '../support/app.js';
import { Client } from '../support/client.js';
import { type Emulator, startEmulator } from '../support/emulator.js';
import { requestWithHost } from '../support/raw-http.js';

const form = '#connector-form';
let emulator: Emulator;
const start = startAppsClosedAfterEach();

beforeAll(async () => {
  emulator = await startEmulator();
});

beforeEach(async () => {
  await emulator.clear();
});

afterAll(async () => {
  await emulator.close();
});

/** An element's text with its runs of white space made single spaces, as a browser shows it. */
const shownText = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ');

/** The session cookie a response set, as a `cookie` request header. */
const cookieOf = (headers: IncomingHttpHeaders): string =>
  (headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]).join('; ');

describe('requests under a host name the app does not own (DNS rebinding)', () => {
  it('refuses the playground under another host name, with a page that says which names it answers', async () => {
    const app = await start({ SES_EMULATOR_URL: emulator.url });

    const page = await requestWithHost(app.port, '/playground', {
      host: `rebound.attacker.example:${app.port}`,
    });

    expect(page.status).toBe(403);
    const document = parse(page.text);
    expect(document.querySelector('h1')?.textContent).toBe('Unknown host name');
    expect(document.querySelector('main')?.textContent).toContain('rebound.attacker.example');
    expect(document.querySelector('main')?.textContent).toContain('BASE_URL');
    expect(document.querySelector(form)).toBeNull();
  });

  it('sends nothing for a page that a rebound name loaded, token and cookie included', async () => {
    const app = await start({ SES_EMULATOR_URL: emulator.url });
    const host = `rebound.attacker.example:${app.port}`;

    // What a page on the attacker's name can do once the name points at 127.0.0.1: it is the
    // same origin as far as the browser knows, so it reads the form and posts it back.
    const first = await requestWithHost(app.port, '/playground', { host });
    const fields = first.status === 200 ? Client.formFields(parse(first.text), form) : [];
    const sent = await requestWithHost(app.port, '/playground/send', {
      host,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(first.headers) },
      body: new URLSearchParams(fields).toString(),
    });

    expect(sent.status).toBe(403);
    expect(await emulator.emails()).toEqual([]);
  });

  it.each([
    'localhost.attacker.example',
    '127.0.0.1.attacker.example',
    'localhost@attacker.example',
    'attacker.example/localhost',
    '',
  ])('refuses the look-alike host name %j', async (name) => {
    const app = await start({});

    const page = await requestWithHost(app.port, '/', { host: name });

    expect(page.status).toBe(403);
  });

  it("serves BASE_URL's host name and every loopback name, with any port", async () => {
    const app = await start({ BASE_URL: 'https://app.example.com' });

    for (const host of [
      'app.example.com',
      'APP.example.com:8443',
      `localhost:${app.port}`,
      'localhost',
      `127.0.0.1:${app.port}`,
      `[::1]:${app.port}`,
    ]) {
      const page = await requestWithHost(app.port, '/playground', { host });
      expect(page.status, host).toBe(200);
    }
  });
});

/** A stand-in for SES that records who signed each request: where a forged endpoint points. */
type Capture = { url: string; requests: IncomingHttpHeaders[]; close: () => Promise<void> };

const startCapture = async (): Promise<Capture> => {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.headers);
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"MessageId":"captured-0001"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: async () => closeServer(server) };
};

describe("the server's own AWS credentials", () => {
  // The credentials the AWS SDK's default chain finds first: this process's environment.
  const serverCredentials = {
    AWS_ACCESS_KEY_ID: 'AKIASERVERSOWNKEY001',
    AWS_SECRET_ACCESS_KEY: 'server-own-secret-never-to-leave',
    AWS_SESSION_TOKEN: 'server-own-session-token',
  };
  let capture: Capture;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    capture = await startCapture();
    for (const [name, value] of Object.entries(serverCredentials)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
    await capture.close();
  });

  beforeEach(() => {
    capture.requests.length = 0;
  });

  const withoutKeys = (endpoint: string): Record<string, string> => ({
    'config.accessKeyId': '',
    'config.accessKeySecret': '',
    'config.endpoint': endpoint,
  });

  it('does not sign with them when both key fields are empty: the fields are required, and say why', async () => {
    const app = await start({ SES_EMULATOR_URL: emulator.url });

    const page = await new Client(app.baseUrl).submit('/playground', form, withoutKeys(capture.url));

    expect(capture.requests).toEqual([]);
    expect(page.status).toBe(400);
    for (const key of ['accessKeyId', 'accessKeySecret']) {
      const error = page.document.querySelector(`.field[data-key="${key}"] .error`)?.textContent;
      expect(error).toMatch(/is required in the playground/);
      expect(error).toContain('PLAYGROUND_SERVER_CREDENTIALS=on');
    }
    expect(shownText(page.document.querySelector('#server-credentials')?.textContent)).toContain(
      "does not use this server's own AWS credentials"
    );
    expect(page.text).not.toContain(serverCredentials.AWS_ACCESS_KEY_ID);
  });

  it('still sends with keys typed into the form', async () => {
    const app = await start({ SES_EMULATOR_URL: emulator.url });

    const page = await new Client(app.baseUrl).submit('/playground', form, {
      'config.endpoint': capture.url,
    });

    expect(page.status).toBe(200);
    expect(capture.requests).toHaveLength(1);
    expect(capture.requests[0]?.authorization).toContain('Credential=AKIAIOSFODNN7EXAMPLE/');
  });

  it('uses them when PLAYGROUND_SERVER_CREDENTIALS=on, and says so on the page', async () => {
    const app = await start({ SES_EMULATOR_URL: emulator.url, PLAYGROUND_SERVER_CREDENTIALS: 'on' });
    const client = new Client(app.baseUrl);

    const note = (await client.get('/playground')).document.querySelector('#server-credentials');
    expect(shownText(note?.textContent)).toContain("uses this server's own AWS credentials");
    const page = await client.submit('/playground', form, withoutKeys(capture.url));

    expect(page.status).toBe(200);
    expect(capture.requests).toHaveLength(1);
    expect(capture.requests[0]?.authorization).toContain(
      `Credential=${serverCredentials.AWS_ACCESS_KEY_ID}/`
    );
  });

  it('reads PLAYGROUND_SERVER_CREDENTIALS as on or off, off by default', () => {
    expect(readSettings({}).playgroundServerCredentials).toBe(false);
    expect(readSettings({ PLAYGROUND_SERVER_CREDENTIALS: 'on' }).playgroundServerCredentials).toBe(true);
    expect(() => readSettings({ PLAYGROUND_SERVER_CREDENTIALS: 'maybe' })).toThrow(
      'PLAYGROUND_SERVER_CREDENTIALS must be "on" or "off"'
    );
  });
});

describe('the start-up warning', () => {
  const beyondLoopback = /listens on (.+) with the connector playground on/;

  it.each(['0.0.0.0', '::', '192.168.1.20', 'example-host.lan'])(
    'warns when the playground is on and HOST=%s reaches beyond loopback',
    (host) => {
      const warnings = readSettings({ HOST: host }).warnings.filter((warning) =>
        beyondLoopback.test(warning)
      );

      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`HOST=${host}`);
      expect(warnings[0]).toContain('PLAYGROUND=off');
    }
  );

  it.each(['127.0.0.1', '::1', 'localhost', undefined])('stays quiet for HOST=%s (loopback)', (host) => {
    const env = host === undefined ? {} : { HOST: host };
    expect(readSettings(env).warnings.filter((warning) => beyondLoopback.test(warning))).toEqual([]);
  });

  it('stays quiet beyond loopback when the playground is off', () => {
    const warnings = readSettings({ HOST: '0.0.0.0', PLAYGROUND: 'off' }).warnings;
    expect(warnings.filter((warning) => beyondLoopback.test(warning))).toEqual([]);
  });
});
