import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

import { createApp } from './app.js';
import { SettingsError, readSettings } from './settings.js';

// example/.env, if present; variables already set in the environment win.
const envFile = fileURLToPath(new URL('../.env', import.meta.url));
if (existsSync(envFile)) {
  process.loadEnvFile(envFile);
}

let settings;
try {
  settings = readSettings(process.env);
} catch (error: unknown) {
  if (error instanceof SettingsError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
for (const warning of settings.warnings) {
  console.warn(`Warning: ${warning}`);
}

const reasonOf = (error: NodeJS.ErrnoException): string => {
  switch (error.code) {
    case 'EADDRINUSE': {
      return `port ${settings.port} is taken (another app is listening there): stop it, or set PORT= to another port.`;
    }
    case 'EACCES': {
      return `this user may not listen on port ${settings.port}: set PORT= to 1024 or above.`;
    }
    case 'EADDRNOTAVAIL': {
      return `${settings.host} is not an address of this machine: check HOST.`;
    }
    default: {
      return error.message;
    }
  }
};

// Not app.listen(port, host, callback): Express 5 calls that callback when listening fails too.
const server = createServer(createApp(settings));
server.once('listening', () => {
  console.log(`Example app: ${settings.baseUrl} (listening on ${settings.host}:${settings.port})`);
  if (settings.playground) {
    console.log(`Connector playground: ${settings.baseUrl}/playground`);
  }
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(`Cannot listen on ${settings.host}:${settings.port}: ${reasonOf(error)}`);
  process.exit(1);
});
server.listen(settings.port, settings.host);

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
