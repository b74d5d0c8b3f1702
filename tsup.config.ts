import { join } from 'node:path';

import { type Options, defineConfig } from 'tsup';

import { thirdPartyNotices } from './scripts/third-party-notices.js';

/**
 * One self-contained ESM file at lib/index.js, the path Logto imports. Every runtime dependency
 * is bundled (Logto does not install a connector's dependencies) except the two whose classes
 * must be the host's own: @logto/connector-kit (ConnectorError) and zod (ZodError).
 */
export const hostProvided = ['@logto/connector-kit', 'zod'];

/**
 * lib/cli.js (the `connector-aws-ses` command) keeps `import … from './index.js'` as it is: it
 * loads lib/index.js at run time instead of bundling the connector a second time.
 */
const cliImportsTheConnector: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'cli-imports-the-connector',
  setup(build) {
    build.onResolve({ filter: /^\.\/index\.js$/ }, ({ importer }) =>
      importer.endsWith(join('src', 'cli.ts')) ? { path: './index.js', external: true } : undefined
    );
  },
};

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outDir: 'lib',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: false,
  splitting: false,
  treeshake: true,
  external: hostProvided,
  noExternal: [/^(?!@logto\/connector-kit$|zod$).*/],
  // lib/THIRD-PARTY-NOTICES.txt: the licences of every bundled package (the AWS SDK is Apache-2.0).
  esbuildPlugins: [thirdPartyNotices(), cliImportsTheConnector],
  esbuildOptions(options) {
    // Prefer the ESM builds of the AWS SDK and its dependencies.
    options.mainFields = ['module', 'main'];
    options.legalComments = 'eof';
  },
  // Bundled CommonJS modules call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __connectorCreateRequire } from 'node:module';\nconst require = __connectorCreateRequire(import.meta.url);",
  },
});
