import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SetupError } from './errors.js';
import { helpText, parseCommand } from './options.js';
import { setupLogto } from './setup.js';

// `npm --prefix example run setup-logto -- …`: see `--help`, and docs/real-logto.md.
const defaultEnvFile = fileURLToPath(new URL('../../.env', import.meta.url));
// npm runs scripts in the package folder; a relative --dotenv means where npm was started.
const startedIn = process.env.INIT_CWD ?? process.cwd();

try {
  const command = parseCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    console.log(helpText());
    process.exit(0);
  }
  const { envFile } = command.options;
  const started = performance.now();
  const report = await setupLogto(
    {
      ...command.options,
      envFile:
        envFile === undefined ? defaultEnvFile : isAbsolute(envFile) ? envFile : resolve(startedIn, envFile),
    },
    process.env,
    (line) => {
      console.log(line);
    }
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    report.unchanged
      ? `Nothing changed: this Logto and ${report.envFile} were already set up for ${report.baseUrl} (${seconds} s).`
      : `Done in ${seconds} s: sign-in for ${report.baseUrl} goes through ${command.options.logtoUrl}. Start the example (npm run demo) and click Sign In.`
  );
} catch (error: unknown) {
  if (error instanceof SetupError) {
    console.error(`setup-logto: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
