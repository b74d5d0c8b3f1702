/**
 * Writes lib/THIRD-PARTY-NOTICES.txt at build time: every npm package whose code ended up in the
 * bundle (from esbuild's metafile: inputs with bytes in the output), its version and licence, and
 * the licence and NOTICE texts those packages ship, each distinct text once with the packages it
 * covers. The AWS SDK is Apache-2.0, which asks that its licence travel with the code.
 *
 * Used by tsup.config.ts as an esbuild plugin; the build fails if a bundled package has no
 * licence text at all (neither its own file nor another package's text for the same licence).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];
type Metafile = { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };

/** The notices file, next to lib/index.js. */
export const noticesFileName = 'THIRD-PARTY-NOTICES.txt';

/** One bundled package and the licence texts found in its folder. */
export type BundledPackage = {
  name: string;
  version: string;
  license: string;
  /** File name → text: LICENSE*, LICENCE*, COPYING*, NOTICE*. */
  texts: Array<{ file: string; text: string }>;
};

const textFilePattern = /^(?:licen[cs]e|copying|notice)(?:[.-].*)?$/i;

const packageFolderOf = (input: string): string | undefined => {
  const marker = 'node_modules/';
  const at = input.lastIndexOf(marker);
  if (at < 0) {
    return undefined;
  }
  const [first = '', second = ''] = input.slice(at + marker.length).split('/');
  return input.slice(0, at + marker.length) + (first.startsWith('@') ? `${first}/${second}` : first);
};

const licenseOf = (manifest: { license?: unknown; licenses?: unknown }): string => {
  if (typeof manifest.license === 'string') {
    return manifest.license;
  }
  if (manifest.license && typeof manifest.license === 'object' && 'type' in manifest.license) {
    return String(manifest.license.type);
  }
  return 'UNKNOWN';
};

/** The packages with code in the bundle, sorted by name and version. */
export const bundledPackages = (metafile: Metafile, workingDir: string): BundledPackage[] => {
  const folders = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const folder = packageFolderOf(input);
      if (folder && bytesInOutput > 0) {
        folders.add(folder);
      }
    }
  }
  return [...folders]
    .map((folder): BundledPackage => {
      const absolute = resolve(workingDir, folder);
      const manifest = JSON.parse(readFileSync(join(absolute, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: unknown;
      };
      const texts = readdirSync(absolute)
        .filter((file) => textFilePattern.test(file))
        .sort()
        .map((file) => ({ file, text: readFileSync(join(absolute, file), 'utf8').trim() }));
      return { name: manifest.name, version: manifest.version, license: licenseOf(manifest), texts };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
};

const rule = (character: string) => character.repeat(78);
const sameText = (text: string) => text.replaceAll(/\s+/g, ' ');
const label = ({ name, version }: BundledPackage) => `${name}@${version}`;

/** The notices text: a table of the packages, then each distinct licence or notice text once. */
export const renderNotices = (packages: readonly BundledPackage[], product: string): string => {
  const groups = new Map<string, { text: string; license: string; covers: string[] }>();
  for (const bundled of packages) {
    for (const { text } of bundled.texts) {
      const key = sameText(text);
      const group = groups.get(key) ?? { text, license: bundled.license, covers: [] };
      group.covers.push(label(bundled));
      groups.set(key, group);
    }
  }
  // Packages that ship no text of their own are covered by the text of their licence.
  for (const bundled of packages.filter(({ texts }) => texts.length === 0)) {
    const group = [...groups.values()].find(({ license }) => license === bundled.license);
    if (!group) {
      throw new Error(
        `${label(bundled)} (${bundled.license}) is bundled but no ${bundled.license} licence text was found for it.`
      );
    }
    group.covers.push(`${label(bundled)} (ships no licence file; under the same ${bundled.license} licence)`);
  }
  const width = Math.max(...packages.map((bundled) => bundled.name.length)) + 2;
  const table = packages.map(
    ({ name, version, license }) => `  ${name.padEnd(width)}${version.padEnd(14)}${license}`
  );
  return [
    `Third-party notices for ${product}`,
    '',
    'lib/index.js bundles the following open-source packages (the AWS SDK for JavaScript v3 and the',
    'libraries the connector uses), so that Logto can load the connector without installing',
    'anything. Their licence and notice texts follow, each distinct text once, with the packages it',
    'covers. @logto/connector-kit and zod are not bundled: Logto provides them.',
    '',
    ...table,
    ...[...groups.values()].flatMap(({ text, license, covers }) => [
      '',
      rule('='),
      `${license}, for:`,
      ...covers.map((covered) => `  ${covered}`),
      rule('-'),
      text,
    ]),
    '',
  ].join('\n');
};

/** The esbuild plugin: writes the notices into the build's output folder when the build succeeds. */
export const thirdPartyNotices = (): EsbuildPlugin => ({
  name: 'third-party-notices',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length > 0 || !result.metafile) {
        return;
      }
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      const outDir = resolve(workingDir, build.initialOptions.outdir ?? 'lib');
      const manifest = JSON.parse(readFileSync(join(workingDir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      const text = renderNotices(
        bundledPackages(result.metafile, workingDir),
        `${manifest.name} ${manifest.version}`
      );
      if (!existsSync(outDir)) {
        await mkdir(outDir, { recursive: true });
      }
      await writeFile(join(outDir, noticesFileName), text);
    });
  },
});
