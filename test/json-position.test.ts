import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { invalidJsonOffset, positionOf } from '../src/json-position.js';

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('invalidJsonOffset', () => {
  it.each([
    ['{}', undefined],
    ['[1, -2.5e3, "a\\u00e9\\n", true, false, null, {"k": []}]', undefined],
    ['  "text"  ', undefined],
    ['{ "region": ', 12],
    ['{"a": wJalr}', 6],
    ['{"a": 1,}', 8],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['"tab\there"', 4],
    ['"bad \\x escape"', 5],
    ['01', 1],
    ['{} {}', 3],
    ['', 0],
  ])('finds where %j stops being JSON', (text, offset) => {
    expect(invalidJsonOffset(text)).toBe(offset);
  });

  it('agrees with JSON.parse on which texts are JSON, property-based', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().map((text) => text.slice(0, -1)),
      fc
        .tuple(fc.json(), fc.nat(), fc.constantFrom(',', '}', ']', ':', '"', 'x', ' ', '\\'))
        .map(
          ([text, at, char]) =>
            text.slice(0, at % (text.length + 1)) + char + text.slice(at % (text.length + 1))
        )
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        expect(invalidJsonOffset(text) === undefined).toBe(isJson(text));
      }),
      { numRuns: 2000 }
    );
  });

  it('walks 100,000 nested arrays without overflowing the stack', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(invalidJsonOffset(text)).toBeUndefined();
    expect(invalidJsonOffset(`${text}]`)).toBe(200_000);
  });
});

describe('positionOf', () => {
  it('counts lines and columns from 1', () => {
    expect(positionOf('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(positionOf('ab\ncd\nef', 8)).toEqual({ line: 3, column: 3 });
  });
});
