/**
 * Where a text stops being JSON, found without quoting any of it: the CLI reports a broken
 * config file by line and column only, since the text around the error may hold a secret.
 */

/** A place in a text, both counted from 1. */
export type TextPosition = { line: number; column: number };

const whitespace = new Set([' ', '\t', '\n', '\r']);
const escapes = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const hexPattern = /[\dA-Fa-f]{4}/y;

/** The offset just after the string that starts at `start` (a `"`), or the offset of its error. */
const endOfString = (text: string, start: number): { end: number; ok: boolean } => {
  let index = start + 1;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === '"') {
      return { end: index + 1, ok: true };
    }
    if (char < ' ') {
      return { end: index, ok: false };
    }
    if (char === '\\') {
      const next = text[index + 1];
      if (next === 'u') {
        hexPattern.lastIndex = index + 2;
        if (!hexPattern.test(text)) {
          return { end: index, ok: false };
        }
        index += 6;
        continue;
      }
      if (next === undefined || !escapes.has(next)) {
        return { end: index, ok: false };
      }
      index += 2;
      continue;
    }
    index += 1;
  }
  return { end: text.length, ok: false };
};

/**
 * The offset of the first character that makes `text` invalid JSON (`text.length` when it ends
 * too early), or `undefined` when it is valid. Iterative: any nesting depth is fine.
 */
export const invalidJsonOffset = (text: string): number | undefined => {
  /** Open containers, innermost last. */
  const open: Array<'{' | '['> = [];
  /** What may come next. */
  let expect: 'value' | 'key' | 'colon' | 'after-value' | 'first-key' | 'first-value' = 'value';
  let index = 0;
  const skipWhitespace = () => {
    while (index < text.length && whitespace.has(text.charAt(index))) {
      index += 1;
    }
  };
  for (;;) {
    skipWhitespace();
    if (index >= text.length) {
      return open.length === 0 && expect === 'after-value' ? undefined : text.length;
    }
    const char = text.charAt(index);
    switch (expect) {
      case 'first-key':
      case 'key': {
        if (char === '}' && expect === 'first-key') {
          open.pop();
          index += 1;
          expect = 'after-value';
          break;
        }
        if (char !== '"') {
          return index;
        }
        const { end, ok } = endOfString(text, index);
        if (!ok) {
          return end;
        }
        index = end;
        expect = 'colon';
        break;
      }
      case 'colon': {
        if (char !== ':') {
          return index;
        }
        index += 1;
        expect = 'value';
        break;
      }
      case 'first-value':
      case 'value': {
        if (char === ']' && expect === 'first-value') {
          open.pop();
          index += 1;
          expect = 'after-value';
          break;
        }
        if (char === '{' || char === '[') {
          open.push(char);
          index += 1;
          expect = char === '{' ? 'first-key' : 'first-value';
          break;
        }
        if (char === '"') {
          const { end, ok } = endOfString(text, index);
          if (!ok) {
            return end;
          }
          index = end;
        } else {
          const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, index));
          if (literal) {
            index += literal.length;
          } else {
            numberPattern.lastIndex = index;
            const number = numberPattern.exec(text);
            if (!number) {
              return index;
            }
            index += number[0].length;
          }
        }
        expect = 'after-value';
        break;
      }
      case 'after-value': {
        const container = open.at(-1);
        if (container === undefined) {
          return index;
        }
        if (char === ',') {
          index += 1;
          expect = container === '{' ? 'key' : 'value';
          break;
        }
        if ((container === '{' && char === '}') || (container === '[' && char === ']')) {
          open.pop();
          index += 1;
          break;
        }
        return index;
      }
    }
  }
};

/** The line and column of `offset` in `text` (lines end at LF; CR counts as a column). */
export const positionOf = (text: string, offset: number): TextPosition => {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
};
