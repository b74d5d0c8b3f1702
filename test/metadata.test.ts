import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import {
  type CreateConnector,
  type EmailConnector,
  ConnectorType,
  TemplateType,
  connectorMetadataGuard,
} from '@logto/connector-kit';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

import createConnector, { configGuard, defaultTemplates, metadata, parseConfig } from '../src/index.js';
import { allTemplateTypes } from './fixtures.js';
import { type HostRelease, cliDirOf, hostReleases } from './host/logto-instance.js';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  files: string[];
  dependencies: Record<string, string>;
};

/** The official connector, @logto/connector-aws-ses (it ships no type declarations). */
const officialPackage: string = '@logto/connector-aws-ses';
const { default: createOfficialConnector } = (await import(officialPackage)) as {
  default: CreateConnector<EmailConnector>;
};

describe('metadata', () => {
  it("passes Logto's own metadata guard", () => {
    expect(connectorMetadataGuard.safeParse(metadata).success).toBe(true);
  });

  it("does not reuse the official connector's id, which would stop Logto from starting", async () => {
    const official = await createOfficialConnector({ getConfig: async () => Promise.resolve({}) });
    expect(metadata.id).toBe('amazon-ses');
    expect(metadata.id).not.toBe(official.metadata.id);
    expect(metadata).toMatchObject({ target: 'aws-ses', platform: null, readme: './docs/console-guide.md' });
  });

  it('names and describes the connector in English and other languages', () => {
    expect(Object.keys(metadata.name)).toEqual(expect.arrayContaining(['en', 'de', 'fr', 'ja', 'zh-CN']));
    expect(Object.keys(metadata.description)).toEqual(Object.keys(metadata.name));
  });

  it('points at logo and readme files the package ships', () => {
    for (const path of [metadata.logo, metadata.logoDark, metadata.readme]) {
      const file = String(path).replace(/^\.\//, '');
      expect(packageJson.files).toContain(file);
      expect(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').length).toBeGreaterThan(100);
    }
  });
});

/** The connector-kit a release's core uses, as `npm ci --prefix test/host` installed it. */
const installedKitOf = (release: HostRelease): string | undefined => {
  const cliManifest = join(cliDirOf(release), 'package.json');
  if (!existsSync(cliManifest)) {
    return undefined;
  }
  const kitManifest = createRequire(cliManifest).resolve('@logto/connector-kit/package.json');
  return (JSON.parse(readFileSync(kitManifest, 'utf8')) as { version: string }).version;
};

describe('the package as Logto discovers it', () => {
  const kitRange = packageJson.dependencies['@logto/connector-kit']!;

  it('has a name starting with connector-', () => {
    expect(packageJson.name).toMatch(/^connector-/);
  });

  it.each(hostReleases)(
    'depends on a connector-kit range that the kit of Logto $cli ($kit, and the one installed for the host suite) satisfies',
    (release) => {
      expect(semver.satisfies(release.kit, kitRange)).toBe(true);
      const installed = installedKitOf(release);
      if (installed !== undefined) {
        expect(installed).toBe(release.kit);
        expect(semver.satisfies(installed, kitRange)).toBe(true);
      }
    }
  );

  it('does not claim kit majors no tested Logto release ships', () => {
    expect(semver.satisfies('3.9.9', kitRange)).toBe(false);
    expect(semver.satisfies('6.0.0', kitRange)).toBe(false);
  });

  it('creates an email connector without reading the config (Logto loads it with getConfig unavailable)', async () => {
    const connector = await createConnector({
      getConfig: async () => Promise.reject(new Error('not implemented')),
    });
    expect(connector.type).toBe(ConnectorType.Email);
    expect(connector.metadata).toBe(metadata);
    expect(connector.configGuard).toBe(configGuard);
  });
});

describe('the default templates', () => {
  it('cover all nine usage types, once each', () => {
    expect(defaultTemplates.map(({ usageType }) => usageType).sort()).toEqual([...allTemplateTypes].sort());
  });

  it('parse with the config guard', () => {
    expect(() =>
      parseConfig({ region: 'us-east-1', emailAddress: 'a@example.com', templates: defaultTemplates })
    ).not.toThrow();
  });

  it('use only placeholders Logto sends for their type', () => {
    for (const { usageType, subject, content } of defaultTemplates) {
      const placeholders = [...`${subject} ${content}`.matchAll(/{{\s*([\w.]+)\s*}}/g)].map(
        (match) => match[1]
      );
      const allowed =
        usageType === TemplateType.OrganizationInvitation ? ['organization.name', 'link'] : ['code'];
      expect(placeholders.every((name) => allowed.includes(name!))).toBe(true);
      expect(placeholders.length).toBeGreaterThan(0);
    }
  });
});
