import { fileURLToPath } from 'node:url';

import { runSetupCommand } from './command.js';

// `npm --prefix example run setup-logto -- …`: see `--help`, and docs/real-logto.md.
process.exitCode = await runSetupCommand(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  print: (line) => {
    console.log(line);
  },
  stderr: process.stderr,
  defaultEnvFile: fileURLToPath(new URL('../../.env', import.meta.url)),
  // npm runs scripts in the package folder; a relative --dotenv means where npm was started.
  startedIn: process.env.INIT_CWD ?? process.cwd(),
});
