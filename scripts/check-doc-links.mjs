// Checks the links of README.md and docs/*.md: every relative link names a file that exists and,
// with a #fragment, a heading of that file (GitHub's heading ids). External links are listed, not
// fetched. The Console guide gets the rules of the Admin Console's markdown drawer on top: no
// relative links (they would navigate the Console), no images (it rewrites their URLs to Logto's
// own repository) and no raw HTML (shown as text). Exit 1 on any problem.
//
//   node scripts/check-doc-links.mjs [--allow-missing a.md,b.md]
//
// --allow-missing names pages that other branches add: links to them are reported, not failed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const consoleGuide = join(root, 'docs', 'console-guide.md');

/** The markdown files checked: README.md and every page in docs/. */
function markdownFiles() {
  const docs = join(root, 'docs');
  return [
    join(root, 'README.md'),
    ...readdirSync(docs)
      .filter((name) => name.endsWith('.md'))
      .map((name) => join(docs, name)),
  ];
}

/** The text with fenced code blocks and inline code replaced by blanks (links there are not links). */
function withoutCode(markdown) {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
}

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingIds(markdown) {
  const seen = new Map();
  const ids = new Set();
  for (const [, text] of withoutFences(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const plain = text
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .toLowerCase();
    const base = plain
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    ids.add(count === 0 ? base : `${base}-${count}`);
  }
  return ids;
}

/** The text with fenced code blocks blanked (a `# comment` in a shell block is not a heading). */
function withoutFences(markdown) {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '));
}

/** Every [text](target) and ![alt](target) outside code, with its line number. */
function linksOf(markdown) {
  const text = withoutCode(markdown);
  const links = [];
  for (const match of text.matchAll(/(!?)\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const line = text.slice(0, match.index).split('\n').length;
    links.push({ image: match[1] === '!', target: match[2], line });
  }
  return links;
}

const allowMissingIndex = process.argv.indexOf('--allow-missing');
const allowMissing = new Set(
  allowMissingIndex === -1 ? [] : (process.argv[allowMissingIndex + 1] ?? '').split(',').filter(Boolean)
);

const problems = [];
const pending = [];
const external = new Set();
const idsOf = new Map();
const idsFor = (file) => {
  if (!idsOf.has(file)) idsOf.set(file, headingIds(readFileSync(file, 'utf8')));
  return idsOf.get(file);
};

let checked = 0;
for (const file of markdownFiles()) {
  const markdown = readFileSync(file, 'utf8');
  const name = relative(root, file);
  for (const { image, target, line } of linksOf(markdown)) {
    checked += 1;
    const where = `${name}:${line}: ${target}`;
    if (file === consoleGuide && image) {
      problems.push(`${where}: the Console drawer cannot show images`);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      external.add(target);
      continue;
    }
    if (file === consoleGuide) {
      problems.push(`${where}: a relative link in the Console guide would navigate the Console`);
      continue;
    }
    const [path, fragment] = target.split('#');
    const targetFile = path ? resolve(dirname(file), decodeURI(path)) : file;
    if (!existsSync(targetFile)) {
      if (allowMissing.has(relative(root, targetFile))) pending.push(where);
      else problems.push(`${where}: no such file`);
      continue;
    }
    if (fragment !== undefined) {
      if (!targetFile.endsWith('.md')) problems.push(`${where}: a #fragment on a file that is not markdown`);
      else if (!idsFor(targetFile).has(fragment)) problems.push(`${where}: no heading #${fragment}`);
    }
  }
  if (file === consoleGuide) {
    const html = withoutCode(markdown).match(/<\/?[a-z][^>\s]*[^>]*>/gi);
    if (html) problems.push(`${name}: raw HTML or an autolink the Console shows as text: ${html.join(' ')}`);
  }
}

console.log(
  `${checked} links checked in ${markdownFiles().length} files; ${external.size} external, not fetched.`
);
for (const where of pending) console.log(`pending (a page another branch adds): ${where}`);
for (const problem of problems) console.error(`FAIL ${problem}`);
process.exit(problems.length === 0 ? 0 : 1);
