/**
 * For the password prompt's test on a real terminal (test/server/setup-logto-password.test.ts runs
 * it under `script`, which gives it a pseudo-terminal): reads a password as setup-logto does, on
 * standard input with the prompt on standard error, and prints only the SHA-256 of what it read.
 */
import { createHash } from 'node:crypto';

import { readPassword } from '../../src/setup-logto/password-prompt.js';

const password = await readPassword(process.stdin, process.stderr, 'Password (typing test): ');
console.log(
  password === undefined
    ? 'read: nothing'
    : `read: sha256 ${createHash('sha256').update(password).digest('hex')}`
);
