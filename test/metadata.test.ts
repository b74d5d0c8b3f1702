import { readFileSync } from 'node:fs';

import {
  type CreateConnector,
  type EmailConnector,
  ConnectorType,
  TemplateType,
  connectorMetadataGuard,
} from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import createConnector, { configGuard, defaultTemplates, metadata, parseConfig } from '../src/index.js';
import { allTemplateTypes } from './fixtures.js';

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

describe('the package as Logto discovers it', () => {
  it('has a name starting with connector- and the kit in dependencies with a range Logto 1.37–1.43 satisfies', () => {
    expect(packageJson.name).toMatch(/^connector-/);
    expect(packageJson.dependencies['@logto/connector-kit']).toBe('^4.7.0 || ^5.0.0');
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
