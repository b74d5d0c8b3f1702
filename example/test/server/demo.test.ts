/**
 * `npm run demo` (scripts/demo.mjs) end to end: it starts the local SES and the app, prints both
 * URLs, the prefilled playground delivers on the first click, and Ctrl-C (SIGINT) stops both.
 * Uses the connector already built in lib/ (DEMO_SKIP_BUILD=1); builds example/dist if missing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

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

let demo: ChildProcess | undefined;

afterAll(() => {
  // After a failure, end the demo and the app it started: the demo runs in its own process group.
  if (demo?.pid !== undefined && demo.exitCode === null && demo.signalCode === null) {
    process.kill(-demo.pid, 'SIGKILL');
  }
});

describe('npm run demo', () => {
  it('starts the local SES and the app, delivers from the playground, and stops both on Ctrl-C', async () => {
    const [appPort, sesPort] = [await freePort(), await freePort()];
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
    demo = child;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ready = await Promise.race([
      expect
        .poll(() => output, { timeout: 90_000, interval: 200 })
        .toContain('Press Ctrl-C to stop both.')
        .then(() => 'running'),
      exited.then((code) => `stopped with exit code ${code}`),
    ]);
    expect(ready, output).toBe('running');
    expect(output).toContain(`http://localhost:${appPort}/playground`);
    expect(output).toContain(`http://127.0.0.1:${sesPort}`);

    const page = await new Client(`http://localhost:${appPort}`).submit('/playground', '#connector-form');
    expect(page.status).toBe(200);
    expect(page.document.querySelector('#result h2')?.textContent).toBe('Test email sent');
    const store = (await (await fetch(`http://127.0.0.1:${sesPort}/store`)).json()) as {
      emails: Array<{ subject: string }>;
    };
    expect(store.emails.map(({ subject }) => subject)).toEqual([expect.stringContaining('000000')]);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await refuses(appPort)).toBe(true);
    expect(await refuses(sesPort)).toBe(true);
  }, 120_000);
});
