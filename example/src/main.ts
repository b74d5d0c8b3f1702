import { existsSync } from 'node:fs';
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

const app = createApp(settings);
const server = app.listen(settings.port, settings.host, () => {
  console.log(`Example app: ${settings.baseUrl} (listening on ${settings.host}:${settings.port})`);
  if (settings.playground) {
    console.log(`Connector playground: ${settings.baseUrl}/playground`);
  }
});
server.on('error', (error) => {
  console.error(`Cannot listen on ${settings.host}:${settings.port}: ${error.message}`);
  process.exit(1);
});

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
