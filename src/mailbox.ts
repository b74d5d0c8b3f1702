import { domainToASCII } from 'node:url';

/**
 * One email address with an optional display name, as SES's `From` and `Reply-To` take it.
 *
 * @example { name: 'Logto', address: 'noreply@example.com' }
 */
export type Mailbox = {
  /** The display name ("friendly name"), without quotes. */
  name?: string;
  /** The bare address, its domain in ASCII (IDN domains are converted to punycode). */
  address: string;
};

// Letters allowed unquoted in the local part by RFC 5322 (dot-atom), 7-bit only as SES requires.
const localPartPattern = /^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$/;
const domainLabelPattern = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/;
// Header values must never carry CR, LF, NUL or other controls: line breaks and tabs become a
// space, every other control character (below U+0020, DEL) goes.
const lineBreaks = /[\t\n\r]+/g;
const controlCharacters = /[\u0000-\u001F\u007F]/g;
// RFC 5321 limits: a whole address, its local part, its domain.
const maxAddress = 254;
const maxLocalPart = 64;
const maxDomain = 253;
const encodedWordBytes = 45; // 45 bytes → 60 base64 characters → a 72-character encoded word (RFC 2047 allows 75)

/** Turns line breaks into spaces and removes every other control character: safe in a mail header. */
export const stripControlCharacters = (text: string): string =>
  text.replaceAll(lineBreaks, ' ').replaceAll(controlCharacters, '');

/**
 * Checks a bare address and returns it with its domain in ASCII, or `undefined` when SES would
 * refuse it (no `@`, spaces, a non-ASCII local part, a domain without a dot…).
 */
export const normalizeAddress = (text: string): string | undefined => {
  const at = text.lastIndexOf('@');
  if (at <= 0) {
    return undefined;
  }
  const localPart = text.slice(0, at);
  const written = text.slice(at + 1);
  // Lengths first (RFC 5321), so no pattern or IDN conversion ever sees a huge value; a
  // Unicode domain is never longer than its ASCII form.
  if (localPart.length > maxLocalPart || written.length > maxDomain) {
    return undefined;
  }
  // Most domains are ASCII already: the IDN conversion is only needed for the others.
  const domain = /^[\x21-\x7E]*$/.test(written) ? written.toLowerCase() : domainToASCII(written);
  if (
    !localPartPattern.test(localPart) ||
    domain.length > maxDomain ||
    localPart.length + 1 + domain.length > maxAddress
  ) {
    return undefined;
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => domainLabelPattern.test(label))) {
    return undefined;
  }
  return `${localPart}@${domain}`;
};

const unquote = (name: string): string => {
  const trimmed = name.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replaceAll(/\\(.)/g, '$1');
  }
  return trimmed;
};

/**
 * The parts of a mailbox as written, before any placeholder is filled in: `name` and `address`
 * are still template text. Splitting first means a value inserted later (an application name, say)
 * can never change which address the mail goes from.
 */
export type MailboxParts = { name?: string; address?: string };

/**
 * Splits the forms Logto's guides show — `noreply@example.com`, `Logto <noreply@example.com>`,
 * `Logto<noreply@example.com>`, `<noreply@example.com>`, `"Logto" <noreply@example.com>` — into a
 * display name and an address. Text without `@` and without angle brackets is a display name alone.
 * Returns `undefined` when the text has stray angle brackets.
 */
export const splitMailbox = (text: string): MailboxParts | undefined => {
  const trimmed = text.trim();
  const angled = /^(?<name>[^<>]*)<(?<address>[^<>]*)>$/.exec(trimmed);
  if (angled?.groups) {
    const name = unquote(angled.groups.name ?? '');
    const address = (angled.groups.address ?? '').trim();
    return { ...(name && { name }), address };
  }
  if (/[<>]/.test(trimmed)) {
    return undefined;
  }
  // A bare word with an @ (possibly a placeholder such as {{user.primaryEmail}}) is an address.
  if (trimmed.includes('@') && !/\s/.test(trimmed)) {
    return { address: trimmed };
  }
  const name = unquote(trimmed);
  return name ? { name } : {};
};

/**
 * Parses one mailbox in any of the forms {@link splitMailbox} accepts, requiring an address.
 *
 * @returns the mailbox, or `undefined` when there is no valid address.
 */
export const parseMailbox = (text: string): Mailbox | undefined => {
  const parts = splitMailbox(text);
  const address = parts?.address === undefined ? undefined : normalizeAddress(parts.address);
  if (!address) {
    return undefined;
  }
  const name = parts?.name === undefined ? '' : stripControlCharacters(parts.name).trim();
  return name ? { name, address } : { address };
};

/**
 * Splits a comma-separated list of mailboxes, ignoring commas inside quotes or angle brackets
 * (`"Support, EU" <eu@example.com>, help@example.com` is two mailboxes).
 */
export const splitMailboxList = (text: string): string[] => {
  const items: string[] = [];
  let current = '';
  let inQuotes = false;
  let inAngle = false;
  for (const character of text) {
    if (character === '"') {
      inQuotes = !inQuotes;
    } else if (character === '<' && !inQuotes) {
      inAngle = true;
    } else if (character === '>' && !inQuotes) {
      inAngle = false;
    } else if ((character === ',' || character === ';') && !inQuotes && !inAngle) {
      items.push(current);
      current = '';
      continue;
    }
    current += character;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter(Boolean);
};

const isPrintableAscii = (text: string): boolean => /^[\u0020-\u007E]*$/.test(text);

/** RFC 2047 "B" encoded words, split on character boundaries so none exceeds 75 characters. */
const encodeWords = (text: string): string => {
  const words: string[] = [];
  let chunk = '';
  for (const character of text) {
    if (Buffer.byteLength(chunk + character) > encodedWordBytes) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join(' ');
};

/**
 * Formats a mailbox the way SES accepts it in `FromEmailAddress` and `ReplyToAddresses`: a bare
 * address, `"Name" <address>` for ASCII names, and MIME encoded words for any other name (SES
 * requires non-ASCII display names to be encoded).
 *
 * @example formatMailbox({ name: 'Logto', address: 'noreply@example.com' }) // '"Logto" <noreply@example.com>'
 */
export const formatMailbox = ({ name, address }: Mailbox): string => {
  const cleanName = name === undefined ? '' : stripControlCharacters(name).trim();
  if (!cleanName) {
    return address;
  }
  if (isPrintableAscii(cleanName)) {
    return `"${cleanName.replaceAll(/(["\\])/g, '\\$1')}" <${address}>`;
  }
  return `${encodeWords(cleanName)} <${address}>`;
};
