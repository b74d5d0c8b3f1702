/**
 * Prints the size of what `npm pack` would publish, so that growth of the bundle is visible in
 * every CI log: the tarball (packed and unpacked), lib/index.js (raw and gzipped), and each file.
 * Run `npm run build` first. Usage: npm run pack:report
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

type Packed = {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
};

const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
) as Packed[];
if (!packed) {
  throw new Error('npm pack --dry-run printed nothing');
}

const bytes = (count: number) => `${count.toLocaleString('en-US')} B (${(count / 1024).toFixed(1)} KiB)`;
const bundle = readFileSync(join(root, 'lib', 'index.js'));

console.log(
  `tarball ${packed.filename}: ${bytes(packed.size)} packed, ${bytes(packed.unpackedSize)} unpacked, ${packed.files.length} files`
);
console.log(`lib/index.js: ${bytes(bundle.length)}, ${bytes(gzipSync(bundle, { level: 9 }).length)} gzipped`);
for (const file of [...packed.files].sort((a, b) => b.size - a.size)) {
  console.log(`  ${file.path.padEnd(30)}${file.size.toLocaleString('en-US').padStart(12)} B`);
}
