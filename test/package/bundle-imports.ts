/**
 * What the built lib/index.js asks the module system for, read from the code itself: import
 * statements and import() expressions with es-module-lexer, require() calls with TypeScript's
 * parser. Strings and comments that merely mention a package (the SDK's error messages name
 * '@aws-sdk/signature-v4-crt'; a JSDoc type names 'selderee') are not module references.
 *
 * Inside Logto, a bare specifier resolves only against packages/core/node_modules, which has
 * @logto/connector-kit and zod (and must provide them: their classes must be core's own), and
 * nothing the connector bundles. So the bundle may reference Node's built-ins and those two.
 *
 * require() gets one exception: an optional native helper the AWS SDK may probe for inside
 * try/catch (the CRT). Logto has none, the require throws, the catch falls back to the
 * JavaScript implementation. Anything else required is a package Logto does not have.
 */
import { isBuiltin } from 'node:module';

import { init, parse } from 'es-module-lexer';
import ts from 'typescript';

/** Provided by Logto core; must be imported (never bundled, never required). */
export const hostProvidedModules: readonly string[] = ['@logto/connector-kit', 'zod'];

/** Optional AWS CRT packages the SDK may probe for with require() inside try/catch. */
export const optionalNativeModules: readonly string[] = ['@aws-sdk/signature-v4-crt', 'aws-crt'];

/** Classes that must be the host's: a definition in the bundle means a private copy. */
const hostClassPattern = /^_?(?:ConnectorError|ZodError)\d*$/;

export type ModuleReference = {
  kind: 'import' | 'dynamic import' | 'require';
  /** `undefined` for a computed specifier, e.g. `import(name)`. */
  specifier: string | undefined;
  /** 1-based line in the bundle. */
  line: number;
  /** For require(): whether the call sits in the `try` block of a try statement. */
  insideTry: boolean;
};

export type BundleReport = {
  references: ModuleReference[];
  /** Names of host-owned classes defined in the bundle (should be none). */
  bundledHostClasses: string[];
  /** One sentence per reference or definition that would break inside Logto. */
  problems: string[];
};

const lineAt = (source: string, offset: number) => source.slice(0, offset).split('\n').length;

const importsOf = async (source: string): Promise<ModuleReference[]> => {
  await init();
  const [imports] = parse(source);
  return imports
    .filter((reference) => reference.type !== 'import-meta')
    .map((reference) => ({
      kind: reference.type === 'dynamic' ? 'dynamic import' : 'import',
      specifier: reference.specifier ?? undefined,
      line: lineAt(source, reference.start),
      insideTry: false,
    }));
};

/** require(…) and esbuild's __require(…) calls, and host-owned class definitions. */
const walk = (source: string) => {
  const file = ts.createSourceFile('index.js', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const requires: ModuleReference[] = [];
  const classes: string[] = [];
  const visit = (node: ts.Node, insideTry: boolean): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      (node.expression.text === 'require' || node.expression.text === '__require')
    ) {
      const [argument] = node.arguments;
      requires.push({
        kind: 'require',
        specifier: argument && ts.isStringLiteralLike(argument) ? argument.text : undefined,
        line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1,
        insideTry,
      });
    }
    if (ts.isClassDeclaration(node) && node.name && hostClassPattern.test(node.name.text)) {
      classes.push(node.name.text);
    }
    // esbuild's usual form: `var ConnectorError = class extends Error {…}` (or `class _ZodError`).
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      hostClassPattern.test(node.name.text) &&
      node.initializer &&
      ts.isClassExpression(node.initializer)
    ) {
      classes.push(node.name.text);
    }
    if (ts.isTryStatement(node)) {
      visit(node.tryBlock, true);
      if (node.catchClause) {
        visit(node.catchClause, insideTry);
      }
      if (node.finallyBlock) {
        visit(node.finallyBlock, insideTry);
      }
      return;
    }
    // A function body is not "inside" the try that merely defines the function.
    const functionLike = ts.isFunctionLike(node);
    ts.forEachChild(node, (child) => {
      visit(child, functionLike ? false : insideTry);
    });
  };
  visit(file, false);
  return { requires, classes };
};

const problemOf = (reference: ModuleReference, siblings: readonly string[]): string | undefined => {
  const { kind, specifier, line } = reference;
  const where = `${kind} on line ${line}`;
  if (specifier === undefined) {
    return `${where}: a computed specifier, which may name a package Logto does not have`;
  }
  if (isBuiltin(specifier)) {
    return undefined;
  }
  if (hostProvidedModules.includes(specifier)) {
    return kind === 'require'
      ? `${where}: require('${specifier}') would load a CommonJS copy, not Logto core's module`
      : undefined;
  }
  if (kind === 'require' && optionalNativeModules.includes(specifier)) {
    return reference.insideTry
      ? undefined
      : `${where}: the optional '${specifier}' is required outside try/catch, so its absence would crash the connector`;
  }
  if (kind !== 'require' && siblings.includes(specifier)) {
    return undefined;
  }
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
    return `${where}: '${specifier}' is a file next to the bundle, which must be self-contained`;
  }
  return `${where}: '${specifier}' is not in Logto core's node_modules (bundle it)`;
};

/** How strictly to judge a file. */
export type JudgeOptions = {
  /**
   * Files of the package the code may import relatively (lib/cli.js imports './index.js').
   * @default [] (lib/index.js, which Logto imports, must be self-contained)
   */
  siblings?: readonly string[];
  /**
   * Whether the file must import both host modules (true for lib/index.js, which uses both).
   * @default true
   */
  importsHostModules?: boolean;
};

/** Reads a bundle's module references and judges each as Logto would meet it. */
export const analyzeBundle = async (
  source: string,
  { siblings = [], importsHostModules = true }: JudgeOptions = {}
): Promise<BundleReport> => {
  const { requires, classes } = walk(source);
  const references = [...(await importsOf(source)), ...requires].sort((a, b) => a.line - b.line);
  const problems = [
    ...references
      .map((reference) => problemOf(reference, siblings))
      .filter((problem): problem is string => problem !== undefined),
    ...classes.map(
      (name) => `class ${name} is defined in the bundle: a private copy of a class that must be Logto's`
    ),
  ];
  const imported = new Set(
    references.filter(({ kind }) => kind === 'import').map(({ specifier }) => specifier)
  );
  for (const name of importsHostModules ? hostProvidedModules : []) {
    if (!imported.has(name)) {
      problems.push(`'${name}' is not imported: it was bundled or dropped, and must come from Logto`);
    }
  }
  return { references, bundledHostClasses: classes, problems };
};
