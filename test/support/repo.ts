import { fileURLToPath } from 'node:url';

/** The repository's root folder: package.json, src/ and the built lib/. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
