import { describe, expect, it } from 'vitest';

import { textAlternativeOf } from '../src/plain-text-part.js';

describe('textAlternativeOf', () => {
  it('keeps a link whose text is its address once', () => {
    expect(textAlternativeOf('<a href="https://x.test">https://x.test</a>')).toBe('https://x.test');
  });

  it('puts table cells on their own lines', () => {
    expect(textAlternativeOf('<table><tr><td>Code</td><td>{{code}}</td></tr></table>')).toBe(
      'Code\n\n{{code}}'
    );
  });

  it('drops styles and the head', () => {
    expect(
      textAlternativeOf(
        '<html><head><style>p{color:red}</style><title>T</title></head><body><p>Hi</p></body></html>'
      )
    ).toBe('Hi');
  });
});
