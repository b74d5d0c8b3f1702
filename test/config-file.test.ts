/**
 * The config-file reader every CLI command uses (src/config-file.ts): JSON.parse decides what is
 * JSON, jsonc-parser says where a broken file stops being JSON; no message quotes the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { invalidJsonPosition, readConfigFile } from '../src/config-file.js';
import { secret } from './fixtures.js';

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('invalidJsonPosition', () => {
  it.each([
    ['{}', undefined],
    ['[1, -2.5e3, "a\\u00e9\\n", true, false, null, {"k": []}]', undefined],
    ['  "text"  ', undefined],
    ['{ "region": ', { line: 1, column: 13 }],
    ['{"a": wJalr}', { line: 1, column: 7 }],
    ['{"a": 1,}', { line: 1, column: 9 }],
    ['[1 2]', { line: 1, column: 4 }],
    ['{"a" 1}', { line: 1, column: 6 }],
    ['"tab\there"', { line: 1, column: 1 }],
    ['{} {}', { line: 1, column: 4 }],
    ['{"a": 1} // note', { line: 1, column: 10 }],
    ['{\n  "a": 1,\n  "b": x\n}', { line: 3, column: 8 }],
    ['', { line: 1, column: 1 }],
  ])('finds where %j stops being JSON', (text, position) => {
    expect(invalidJsonPosition(text)).toEqual(position);
  });

  it('gives a position for every text JSON.parse rejects, and none for a text it accepts, property-based', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().map((text) => text.slice(0, -1)),
      fc
        .tuple(fc.json(), fc.nat(), fc.constantFrom(',', '}', ']', ':', '"', 'x', ' ', '\\', '/', '0', '\t'))
        .map(
          ([text, at, char]) =>
            text.slice(0, at % (text.length + 1)) + char + text.slice(at % (text.length + 1))
        )
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        expect(invalidJsonPosition(text) === undefined).toBe(isJson(text));
      }),
      { numRuns: 2000 }
    );
  });

  it('finds the position in a nested text, and gives none (without throwing) where the nesting is too deep to walk', () => {
    expect(invalidJsonPosition(`${'['.repeat(1000)}${']'.repeat(1001)}`)).toEqual({ line: 1, column: 2001 });
    expect(invalidJsonPosition(`${'['.repeat(100_000)}${']'.repeat(100_001)}`)).toBeUndefined();
  });
});

describe('readConfigFile', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'config-file-test-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  const write = async (name: string, text: string) => {
    await writeFile(join(folder, name), text);
    return join(folder, name);
  };

  it('returns the parsed JSON of a valid file', async () => {
    const path = await write('ok.json', '{ "region": "eu-west-1", "templates": [] }');
    expect(await readConfigFile(path)).toEqual({ config: { region: 'eu-west-1', templates: [] } });
  });

  it('names a file it cannot read, with the system code', async () => {
    const path = join(folder, 'missing.json');
    expect(await readConfigFile(path)).toEqual({ problem: `Cannot read the config file ${path} (ENOENT).` });
  });

  it('reports an unquoted secret by line and column only, never any of its characters', async () => {
    const path = await write(
      'unquoted-secret.json',
      `{\n  "region": "us-east-1",\n  "accessKeySecret": ${secret},\n  "emailAddress": "a@example.com"\n}\n`
    );
    const read = await readConfigFile(path);
    expect(read).toEqual({ problem: `The config file ${path} is not valid JSON: line 3, column 22.` });
    expect(JSON.stringify(read)).not.toContain(secret.slice(0, 4));
  });

  it('says to check the syntax when no position can be given', async () => {
    const path = await write('deep.json', `${'['.repeat(100_000)}${']'.repeat(100_001)}`);
    const read = await readConfigFile(path);
    expect(read).toEqual({ problem: `The config file ${path} is not valid JSON: check its syntax.` });
  });
});
