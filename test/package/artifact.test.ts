/**
 * The package artifact: what lib/index.js imports (run `npm run build` first) and what `npm pack`
 * ships. Logto imports lib/index.js from a folder with no node_modules, so every bare import but
 * @logto/connector-kit and zod (core's own copies) would fail, and a bundled copy of either would
 * turn every connector error into HTTP 500.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  type BundleReport,
  analyzeBundle,
  hostProvidedModules,
  optionalNativeModules,
} from './bundle-imports.js';
import { repoRoot } from '../support/repo.js';

const run = promisify(execFile);
const bundlePath = join(repoRoot, 'lib', 'index.js');

const hostImports = "import { ConnectorError } from '@logto/connector-kit';\nimport { z } from 'zod';\n";
const judge = async (body: string) => analyzeBundle(hostImports + body);

describe('lib/index.js as Logto imports it', () => {
  let source: string;
  let report: BundleReport;

  beforeAll(async () => {
    if (!existsSync(bundlePath)) {
      throw new Error('lib/index.js is missing: run `npm run build` first.');
    }
    source = readFileSync(bundlePath, 'utf8');
    report = await analyzeBundle(source);
  });

  it('references only Node built-ins, @logto/connector-kit and zod', () => {
    expect(report.problems).toEqual([]);
    const packages = new Set(
      report.references
        .map(({ specifier }) => specifier ?? '(computed)')
        .filter((specifier) => !isBuiltin(specifier))
    );
    expect([...packages].sort()).toEqual([...hostProvidedModules].sort());
  });

  it('imports @logto/connector-kit and zod instead of bundling them: no ConnectorError or ZodError class inside', () => {
    const imported = report.references
      .filter(({ kind }) => kind === 'import')
      .map(({ specifier }) => specifier);
    expect(imported).toEqual(expect.arrayContaining(['@logto/connector-kit', 'zod']));
    expect(report.bundledHostClasses).toEqual([]);
  });

  it('has no require() that could reach a package, except optional CRT probes inside try/catch', () => {
    // Today there is none at all: the SDK's CRT signer is an opt-in container that only an
    // application importing @aws-sdk/signature-v4-crt itself fills.
    const unsafe = report.references.filter(
      ({ kind, specifier, insideTry }) =>
        kind === 'require' &&
        !(specifier && (isBuiltin(specifier) || (optionalNativeModules.includes(specifier) && insideTry)))
    );
    expect(unsafe).toEqual([]);
  });

  it('does not take package names in strings and comments for imports', () => {
    // The SDK's error messages and a JSDoc type mention these; neither is loaded.
    expect(source).toContain('@aws-sdk/signature-v4-crt');
    expect(source).toContain("import('selderee')");
    const specifiers = report.references.map(({ specifier }) => specifier);
    expect(specifiers).not.toContain('@aws-sdk/signature-v4-crt');
    expect(specifiers).not.toContain('selderee');
  });
});

describe('the other files of lib/ (the send-test command)', () => {
  it('import only Node built-ins, the host modules and lib/index.js, and bundle no host class', async () => {
    const others = readdirSync(join(repoRoot, 'lib')).filter(
      (file) => file.endsWith('.js') && file !== 'index.js'
    );
    for (const file of others) {
      const report = await analyzeBundle(readFileSync(join(repoRoot, 'lib', file), 'utf8'), {
        siblings: ['./index.js'],
        importsHostModules: false,
      });
      expect({ file, problems: report.problems }).toEqual({ file, problems: [] });
    }
  });
});

describe('the bundle judge', () => {
  it('accepts built-ins by either name, and the two host modules', async () => {
    const report = await judge(
      "import fs from 'fs';\nimport path from 'node:path';\nawait import('http');\n"
    );
    expect(report.problems).toEqual([]);
  });

  it('flags a bare import, a dynamic import of a package and a computed import', async () => {
    const report = await judge(
      "import { SESv2Client } from '@aws-sdk/client-sesv2';\nawait import('html-to-text');\nawait import(name);\n"
    );
    expect(report.problems).toEqual([
      "import on line 3: '@aws-sdk/client-sesv2' is not in Logto core's node_modules (bundle it)",
      "dynamic import on line 4: 'html-to-text' is not in Logto core's node_modules (bundle it)",
      'dynamic import on line 5: a computed specifier, which may name a package Logto does not have',
    ]);
  });

  it('flags a bundled copy of connector-kit or zod', async () => {
    const report = await analyzeBundle(
      "var ConnectorError = class extends Error {};\nclass ZodError extends Error {}\nvar ZodError2 = class ZodError2 extends Error {};\nimport 'zod';\n"
    );
    expect(report.bundledHostClasses).toEqual(['ConnectorError', 'ZodError', 'ZodError2']);
    expect(report.problems).toContain(
      "'@logto/connector-kit' is not imported: it was bundled or dropped, and must come from Logto"
    );
  });

  it('tolerates the optional CRT required inside try, and nothing else', async () => {
    const report = await judge(
      [
        "try { signer = require('@aws-sdk/signature-v4-crt'); } catch {}",
        "signer = require('@aws-sdk/signature-v4-crt');",
        "try { client = require('@aws-sdk/client-sesv2'); } catch {}",
        "try { load = () => require('aws-crt'); } catch {}",
        "const { z: other } = require('zod');",
        "const { request } = __require('http');",
      ].join('\n')
    );
    expect(report.problems).toEqual([
      "require on line 4: the optional '@aws-sdk/signature-v4-crt' is required outside try/catch, so its absence would crash the connector",
      "require on line 5: '@aws-sdk/client-sesv2' is not in Logto core's node_modules (bundle it)",
      "require on line 6: the optional 'aws-crt' is required outside try/catch, so its absence would crash the connector",
      "require on line 7: require('zod') would load a CommonJS copy, not Logto core's module",
    ]);
  });

  it('accepts a relative import only of a named sibling, and only where allowed', async () => {
    const source =
      "import createConnector from './index.js';\nimport { ConnectorError } from '@logto/connector-kit';\n";
    expect(
      (await analyzeBundle(source, { siblings: ['./index.js'], importsHostModules: false })).problems
    ).toEqual([]);
    expect((await analyzeBundle(source, { importsHostModules: false })).problems).toEqual([
      "import on line 1: './index.js' is a file next to the bundle, which must be self-contained",
    ]);
  });

  it('ignores package names in strings, templates and comments', async () => {
    const report = await judge(
      [
        'throw new Error(\'install require("@aws-sdk/signature-v4-crt") or import("aws-crt")\');',
        "const hint = `import x from 'left-pad'`;",
        "/** @param { import('selderee').Picker } picker */",
        "// require('lodash')",
      ].join('\n')
    );
    expect(report.problems).toEqual([]);
    expect(report.references.map(({ specifier }) => specifier)).toEqual(['@logto/connector-kit', 'zod']);
  });
});

describe('the packed tarball', () => {
  it('ships lib/ (the connector and the send-test command), the logos, README, the Console guide, CHANGELOG, LICENSE and package.json, nothing else', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    expect(packed?.filename).toMatch(/^connector-aws-ses-\d+\.\d+\.\d+(?:-[\w.]+)?\.tgz$/);
    expect(packed?.files.map(({ path }) => path).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'docs/console-guide.md',
      'lib/THIRD-PARTY-NOTICES.txt',
      'lib/cli.js',
      'lib/index.d.ts',
      'lib/index.js',
      'logo-dark.svg',
      'logo.svg',
      'package.json',
    ]);
  });

  it('declares connector-kit as a dependency (Logto reads its range) and zod as a peer', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    // Logto rejects a connector whose connector-kit is only a peer dependency; nothing else may
    // be a runtime dependency, since Logto installs none.
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['@logto/connector-kit']);
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(['zod']);
  });

  it('keeps the licences of the bundled packages in lib/THIRD-PARTY-NOTICES.txt', () => {
    const notices = readFileSync(join(repoRoot, 'lib', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    const sdkVersion = (
      JSON.parse(
        readFileSync(join(repoRoot, 'node_modules', '@aws-sdk', 'client-sesv2', 'package.json'), 'utf8')
      ) as {
        version: string;
      }
    ).version;
    expect(notices).toContain(`@aws-sdk/client-sesv2@${sdkVersion}`);
    expect(notices).toContain('Apache License');
    expect(notices).toMatch(/^ {2}html-to-text +\S+ +MIT$/m);
    expect(notices).not.toMatch(/^ {2}(?:zod|@logto\/connector-kit) /m);
  });
});
