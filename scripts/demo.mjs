// `npm run demo`: the connector and the example app on a laptop, no AWS account and no Logto.
// Builds the connector, installs the example's dependencies if they are missing, builds the
// example, starts aws-ses-v2-local (a local SES) on 127.0.0.1 and the example app on
// http://localhost:3000, prints both URLs, and stops both on Ctrl-C.
//
// Environment: PORT (the app's, default 3000; when taken, the demo stops at once and suggests a
// port free at that moment), SES_PORT (the emulator's, default 8005, any free port when taken),
// DEMO_SKIP_BUILD=1 (reuse lib/ and example/dist/), and everything the example app reads
// (LOGTO_*, BASE_URL, SESSION_SECRET; see example/.env.example).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = fileURLToPath(new URL('../example/', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Why `host:port` cannot be listened on right now (the Node error), or undefined if it can. */
const listenError = async (port, host) =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', resolve);
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });

// Logto's default ENDPOINT and ADMIN_ENDPOINT ports: free now perhaps, taken once a local Logto runs.
const logtoPorts = [3001, 3002];

/**
 * A port to suggest instead of `taken`: the first after it that `host` can listen on right now (a
 * real listen, closed at once), skipping Logto's ports and the local SES's; else one the system
 * picks; undefined when `host` takes none.
 */
const portToSuggest = async (taken, host, avoid) => {
  for (let candidate = taken + 1; candidate <= Math.min(taken + 100, 65_535); candidate++) {
    if (!avoid.includes(candidate) && !(await listenError(candidate, host))) {
      return candidate;
    }
  }
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
};

const sesPort = Number(process.env.SES_PORT ?? 8005);

// The app's port first, before anything is built or started: a taken one stops the demo at once.
// (The app checks PORT itself; a value that is not a port number is left to its message.)
const port = process.env.PORT?.trim() || '3000';
const appHost = process.env.HOST?.trim() || '127.0.0.1';
if (/^\d+$/.test(port) && Number(port) > 0 && Number(port) < 65_536) {
  const error = await listenError(Number(port), appHost);
  if (error) {
    const next = await portToSuggest(Number(port), appHost, [...logtoPorts, sesPort]);
    const instead =
      next === undefined ? 'another port with PORT=<port>' : `PORT=${next} npm run demo (free right now)`;
    console.error(
      error.code === 'EADDRINUSE'
        ? `demo: port ${port} is taken on ${appHost} (another demo or dev server?): stop it, or start the demo on another port, such as ${instead}.`
        : `demo: the example app cannot listen on ${appHost}:${port} (${error.code ?? error.message}): choose another port, such as ${instead}.`
    );
    process.exit(1);
  }
}

const run = (what, args, cwd) => {
  console.log(`\n> ${what}`);
  const result = spawnSync(npm, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`demo: ${what} failed.`);
    process.exit(result.status ?? 1);
  }
};

if (process.env.DEMO_SKIP_BUILD !== '1') {
  run('build the connector (lib/)', ['run', 'build', '--silent'], root);
}
if (!existsSync(new URL('../example/node_modules/.package-lock.json', import.meta.url))) {
  run('install the example app (example/node_modules)', ['ci', '--no-audit', '--no-fund'], example);
}
if (process.env.DEMO_SKIP_BUILD !== '1' || !existsSync(new URL('../example/dist/main.js', import.meta.url))) {
  run('build the example app (example/dist/)', ['run', 'build', '--silent'], example);
}

const { default: emulator } = await import('aws-ses-v2-local');
/** aws-ses-v2-local listening on 127.0.0.1:`port`, or undefined when it could not. */
const startEmulator = async (port) => {
  // Its promise resolves when listen fails too (Express 5 calls the listen callback with the
  // error), with a server that is not listening: check rather than trust it.
  const server = await emulator.default({ host: '127.0.0.1', port });
  return server.listening ? server : undefined;
};
let sesServer = (await listenError(sesPort, '127.0.0.1')) ? undefined : await startEmulator(sesPort);
if (!sesServer) {
  console.log(`demo: port ${sesPort} is taken; the local SES takes a free one.`);
  sesServer = await startEmulator(0);
}
if (!sesServer) {
  console.error(
    'demo: the local SES (aws-ses-v2-local) could not listen on 127.0.0.1, not even on a free port.'
  );
  process.exit(1);
}
const sesUrl = `http://127.0.0.1:${sesServer.address().port}`;

const app = spawn(process.execPath, ['dist/main.js'], {
  cwd: example,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    // The SDK's notice that Node 20 support ends in 2027 is not news in a demo.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...process.env,
    PORT: port,
    SES_EMULATOR_URL: sesUrl,
  },
});

let stopping = false;
const stop = (code) => {
  if (stopping) {
    return;
  }
  stopping = true;
  sesServer.close();
  sesServer.closeAllConnections();
  if (app.exitCode === null && app.signalCode === null) {
    app.once('exit', () => process.exit(code));
    app.kill('SIGTERM');
  } else {
    process.exit(code);
  }
};

// The app prints "Example app: <url>" once it listens, never before: only then is the demo running.
let pending = '';
app.stdout.setEncoding('utf8');
app.stdout.on('data', (text) => {
  process.stdout.write(text);
  const lines = (pending + text).split('\n');
  pending = lines.pop() ?? '';
  const started = lines.find((line) => line.startsWith('Example app: '));
  if (started) {
    const appUrl = /Example app: (\S+)/.exec(started)?.[1] ?? `http://localhost:${port}`;
    console.log(
      [
        '',
        'The demo is running:',
        `  Example app and connector playground  ${appUrl}/playground`,
        `  Local SES (aws-ses-v2-local) web UI   ${sesUrl}`,
        'The playground is filled in to send through the local SES. Press Ctrl-C to stop both.',
        '',
      ].join('\n')
    );
  }
});
app.on('exit', (code, signal) => {
  if (!stopping) {
    if (code !== 0) {
      console.error(`demo: the example app stopped (${signal ?? `exit code ${code}`}).`);
    }
    stop(code ?? 0);
  }
});
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
