/**
 * `npm run demo` (scripts/demo.mjs) end to end: it starts the local SES and the app, prints both
 * URLs, the prefilled playground delivers on the first click, and Ctrl-C (SIGINT) stops both.
 * With its ports taken: a taken SES port falls back to a free one (and the playground sends
 * there); a taken app port stops the demo at once with a sentence naming it and PORT=, before
 * anything claims to run, and suggests a port that is free at that moment (never Logto's 3001
 * or 3002). Uses the connector already built in lib/ (DEMO_SKIP_BUILD=1); builds
 * example/dist if missing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Server, connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { Client } from '../support/client.js';
import { freePort } from '../../../test/support/free-port.js';

const demoScript = fileURLToPath(new URL('../../../scripts/demo.mjs', import.meta.url));

const refuses = async (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(true);
    });
  });

/** Whether 127.0.0.1:`port` can be listened on right now (a real listen, closed at once). */
const listenable = async (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen(port, '127.0.0.1', () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });

/** Makes sure 127.0.0.1:`port` is taken: by this test, or already by something else. */
const keepTaken = async (port: number): Promise<void> => {
  if (await listenable(port)) {
    occupied.push(await occupy(port));
  }
};

/** The port in the demo's "such as PORT=<port> npm run demo". */
const suggestedPort = (output: string): number | undefined => {
  const port = /such as PORT=(\d+) npm run demo/.exec(output)?.[1];
  return port === undefined ? undefined : Number(port);
};

/** Something else already listening on 127.0.0.1:`port`, as a second demo or dev server would. */
const occupy = async (port: number): Promise<Server & { connections: number }> => {
  const server = Object.assign(createServer(), { connections: 0 });
  server.on('connection', (socket) => {
    server.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
};

const occupied: Server[] = [];
const demos: ChildProcess[] = [];

afterEach(async () => {
  // After a failure, end the demo and the app it started: the demo runs in its own process group.
  for (const demo of demos.splice(0)) {
    if (demo.pid !== undefined && demo.exitCode === null && demo.signalCode === null) {
      process.kill(-demo.pid, 'SIGKILL');
    }
  }
  await Promise.all(
    occupied.splice(0).map(async (server) => new Promise((resolve) => server.close(resolve)))
  );
});

type Demo = {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output: () => string;
  exited: Promise<number | null>;
  /** 'running' once it says so, or how it stopped first. */
  outcome: Promise<string>;
};

const runDemo = (appPort: number, sesPort: number): Demo => {
  const child = spawn(process.execPath, [demoScript], {
    env: {
      ...process.env,
      // Vitest sets BASE_URL=/ for Vite; the app needs a real one.
      BASE_URL: `http://localhost:${appPort}`,
      PORT: String(appPort),
      SES_PORT: String(sesPort),
      DEMO_SKIP_BUILD: '1',
      LOGTO_ENDPOINT: '',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  demos.push(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const outcome = Promise.race([
    expect
      .poll(() => output, { timeout: 90_000, interval: 200 })
      .toContain('Press Ctrl-C to stop both.')
      .then(() => 'running'),
    exited.then((code) => `stopped with exit code ${code}`),
  ]);
  return { child, output: () => output, exited, outcome };
};

/** The URL printed after `label` under "The demo is running:". */
const printed = (output: string, label: string): string | undefined =>
  new RegExp(`${label}\\s+(http\\S+)`).exec(output)?.[1];

const sentSubjects = async (sesUrl: string): Promise<string[]> => {
  const store = (await (await fetch(`${sesUrl}/store`)).json()) as { emails: Array<{ subject: string }> };
  return store.emails.map(({ subject }) => subject);
};

/** Says "running" only after both listened, and for nothing that is not. */
const expectNothingClaimed = (output: string): void => {
  expect(output).not.toContain('The demo is running');
  expect(output).not.toContain('Example app:');
  expect(output).not.toMatch(/listening on/i);
};

describe('npm run demo', () => {
  it('starts the local SES and the app, delivers from the playground, and stops both on Ctrl-C', async () => {
    const [appPort, sesPort] = [await freePort(), await freePort()];
    const demo = runDemo(appPort, sesPort);

    expect(await demo.outcome, demo.output()).toBe('running');
    expect(printed(demo.output(), 'connector playground')).toBe(`http://localhost:${appPort}/playground`);
    expect(printed(demo.output(), 'web UI')).toBe(`http://127.0.0.1:${sesPort}`);

    const page = await new Client(`http://localhost:${appPort}`).submit('/playground', '#connector-form');
    expect(page.status).toBe(200);
    expect(page.document.querySelector('#result h2')?.textContent).toBe('Test email sent');
    expect(await sentSubjects(`http://127.0.0.1:${sesPort}`)).toEqual([expect.stringContaining('000000')]);

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(await refuses(appPort)).toBe(true);
    expect(await refuses(sesPort)).toBe(true);
  }, 120_000);

  it('moves the local SES to a free port when its port is taken, and fills the playground in with that one', async () => {
    const [appPort, sesPort] = [await freePort(), await freePort()];
    const squatter = await occupy(sesPort);
    occupied.push(squatter);
    const demo = runDemo(appPort, sesPort);

    expect(await demo.outcome, demo.output()).toBe('running');
    expect(demo.output()).toContain(`demo: port ${sesPort} is taken; the local SES takes a free one.`);
    const ses = printed(demo.output(), 'web UI');
    expect(printed(demo.output(), 'connector playground')).toBe(`http://localhost:${appPort}/playground`);
    expect(ses).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ses).not.toBe(`http://127.0.0.1:${sesPort}`);
    // Both printed URLs answer; the playground sends to the SES it printed.
    expect((await fetch(ses ?? '')).status).toBe(200);
    const client = new Client(`http://localhost:${appPort}`);
    const form = await client.get('/playground');
    expect(form.document.querySelector('#field-endpoint')?.getAttribute('value')).toBe(ses);
    const page = await client.submit('/playground', '#connector-form');
    expect(page.document.querySelector('#result h2')?.textContent).toBe('Test email sent');
    expect(await sentSubjects(ses ?? '')).toEqual([expect.stringContaining('000000')]);
    const connectionsBefore = squatter.connections;

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(await refuses(appPort)).toBe(true);
    expect(squatter.connections).toBe(connectionsBefore);
  }, 120_000);

  it.each([
    ['the app port is taken', { app: true, ses: false }],
    ['both ports are taken', { app: true, ses: true }],
  ])(
    'stops at once with one sentence naming the port and PORT= when %s, and leaves nothing running',
    async (_case, taken) => {
      const [appPort, sesPort] = [await freePort(), await freePort()];
      if (taken.app) {
        occupied.push(await occupy(appPort));
      }
      if (taken.ses) {
        occupied.push(await occupy(sesPort));
      }
      const demo = runDemo(appPort, sesPort);

      expect(await demo.outcome, demo.output()).toBe('stopped with exit code 1');
      const output = demo.output();
      const errors = output.split('\n').filter((line) => line.startsWith('demo:'));
      expect(errors).toEqual([expect.stringContaining(`port ${appPort}`)]);
      expect(errors[0]).toContain('PORT=');
      expectNothingClaimed(output);
      expect(output).not.toContain('TypeError');
      if (!taken.ses) {
        expect(await refuses(sesPort)).toBe(true);
      }
    },
    120_000
  );

  it('suggests a port that is free when it says so, past a taken neighbour', async () => {
    const appPort = await freePort();
    await keepTaken(appPort);
    await keepTaken(appPort + 1);
    const demo = runDemo(appPort, await freePort());

    expect(await demo.outcome, demo.output()).toBe('stopped with exit code 1');
    const suggested = suggestedPort(demo.output());
    expect(suggested, demo.output()).toBeDefined();
    expect(suggested).not.toBe(appPort);
    expect(suggested).not.toBe(appPort + 1);
    expect(await listenable(suggested ?? 0)).toBe(true);
  }, 120_000);

  it("never suggests Logto's default ports (3001, 3002) when 3000 is taken", async () => {
    await keepTaken(3000);
    const demo = runDemo(3000, await freePort());

    expect(await demo.outcome, demo.output()).toBe('stopped with exit code 1');
    const suggested = suggestedPort(demo.output());
    expect(suggested, demo.output()).toBeDefined();
    expect([3000, 3001, 3002]).not.toContain(suggested);
    expect(await listenable(suggested ?? 0)).toBe(true);
  }, 120_000);
});
