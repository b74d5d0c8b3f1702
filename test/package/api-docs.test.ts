/**
 * docs/api.md lists exactly what the package exports: the values `lib/index.js` exports when
 * imported, and the types `lib/index.d.ts` adds (read by the TypeScript compiler). Run
 * `npm run build` first. Each export has a `###` heading naming it in backticks; a type is
 * marked `(type)` after its name, or the whole heading ends with `(types)`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

import { repoRoot } from '../support/repo.js';

const bundlePath = join(repoRoot, 'lib', 'index.js');
const declarationsPath = join(repoRoot, 'lib', 'index.d.ts');

/** The names docs/api.md's headings document, split into values and types. */
const documentedExports = () => {
  const headings = readFileSync(join(repoRoot, 'docs', 'api.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('### '));
  const values: string[] = [];
  const types: string[] = [];
  for (const heading of headings) {
    const allTypes = heading.trimEnd().endsWith('(types)');
    for (const [, name, after] of heading.matchAll(/`(\w+)[^`]*`( \(type\))?/g)) {
      (allTypes || after ? types : values).push(name!);
    }
  }
  return { values: values.sort(), types: types.sort() };
};

/** Every name lib/index.d.ts exports, values and types, as the compiler resolves them. */
const declaredExports = (): string[] => {
  const program = ts.createProgram([declarationsPath], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(declarationsPath)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name);
};

describe('docs/api.md', () => {
  let runtimeValues: string[];
  let declared: string[];

  beforeAll(async () => {
    if (!existsSync(bundlePath) || !existsSync(declarationsPath)) {
      throw new Error('lib/ is missing: run `npm run build` first.');
    }
    runtimeValues = Object.keys((await import(pathToFileURL(bundlePath).href)) as object).sort();
    declared = declaredExports();
  });

  it('documents every value lib/index.js exports, and no other', () => {
    expect(documentedExports().values).toEqual(runtimeValues);
  });

  it('documents every type lib/index.d.ts exports, and no other', () => {
    const types = declared.filter((name) => !runtimeValues.includes(name)).sort();
    expect(documentedExports().types).toEqual(types);
  });

  it('reads the exports it compares with: the declarations hold the values too', () => {
    expect(runtimeValues).toEqual(expect.arrayContaining(['default', 'parseConfig', 'runDoctor']));
    expect(declared).toEqual(expect.arrayContaining(runtimeValues));
  });
});
