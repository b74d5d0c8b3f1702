import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { formItems, metadata } from '../src/metadata.js';

const guide = readFileSync(new URL(`../${metadata.readme.replace(/^\.\//, '')}`, import.meta.url), 'utf8');

describe('the Console guide (metadata.readme)', () => {
  it('names every form field by its Console label and its config key', () => {
    const missing = formItems
      .filter(({ key, label }) => !guide.includes(`**${label}**`) || !guide.includes(`\`${key}\``))
      .map(({ key }) => key);
    expect(missing).toEqual([]);
  });

  it("starts with the title line Logto's setup drawer shows as its heading", () => {
    // The Console takes the first "# " line as the drawer's title (splitMarkdownByTitle).
    expect(guide).toMatch(/^# \S[^\n]*\n/);
    expect(/# (.*)/.exec(guide)?.[1]).toBe('Set up Amazon SES');
  });
});
