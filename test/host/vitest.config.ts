import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

/**
 * The package-artifact and Logto host suites: they test the built, packed package (run
 * `npm run build` first), so they are not part of `npm test`. The host suite also needs
 * `npm ci --prefix test/logto-host`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/logto-host/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each scenario is a child process; two cores.
    maxConcurrency: 3,
  },
});
