// `npm run demo`: the connector and the example app on a laptop, no AWS account and no Logto.
// Builds the connector, installs the example's dependencies if they are missing, builds the
// example, starts aws-ses-v2-local (a local SES) on 127.0.0.1 and the example app on
// http://localhost:3000, prints both URLs, and stops both on Ctrl-C.
//
// Environment: PORT (the app's, default 3000), SES_PORT (the emulator's, default 8005, any free
// port when taken), DEMO_SKIP_BUILD=1 (reuse lib/ and example/dist/), and everything the example
// app reads (LOGTO_*, BASE_URL, SESSION_SECRET; see example/.env.example).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = fileURLToPath(new URL('../example/', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

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
const startEmulator = async (port) => {
  try {
    return await emulator.default({ host: '127.0.0.1', port });
  } catch (error) {
    if (error?.code !== 'EADDRINUSE' || port === 0) {
      throw error;
    }
    console.log(`demo: port ${port} is taken; the local SES takes a free one.`);
    return emulator.default({ host: '127.0.0.1', port: 0 });
  }
};
const sesServer = await startEmulator(Number(process.env.SES_PORT ?? 8005));
const sesUrl = `http://127.0.0.1:${sesServer.address().port}`;

const port = process.env.PORT ?? '3000';
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

app.stdout.setEncoding('utf8');
app.stdout.on('data', (text) => {
  process.stdout.write(text);
  if (text.includes('Example app:')) {
    const appUrl = /Example app: (\S+)/.exec(text)?.[1] ?? `http://localhost:${port}`;
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
