import { defineConfig } from 'vitest/config';

/**
 * Four projects, by what a suite needs:
 * - unit: nothing but this package's dependencies (the SES emulator and the fake SES run in process);
 * - wire: the connector and the SDK over real HTTP on loopback (emulator, fake SES, DNS guard);
 * - package: the built lib/ (`npm run build` first) and what `npm pack` ships;
 * - host: the packed connector in stock Logto releases (`npm ci --prefix test/host` first).
 * `npm test` runs unit and wire with coverage; `npm run test:package` and `npm run test:host`
 * run the other two.
 */
export default defineConfig({
  test: {
    // The SDK warns once per process that Node 20 support ends in 2027; keep test output readable.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // The package's own src/ only: a test of the real-Logto suite also loads example/src/.
      exclude: ['example/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 95, branches: 95, functions: 95, statements: 95 },
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/*.test.ts'] } },
      { extends: true, test: { name: 'wire', include: ['test/wire/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'host',
          include: ['test/host/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Each scenario is a child process; two cores.
          maxConcurrency: 3,
        },
      },
    ],
  },
});
