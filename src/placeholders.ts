/**
 * Placeholders: the `{{ path }}` syntax, reading a send's payload, looking values up with Logto's
 * semantics, and the list of placeholders Logto's payload fills (shown in the Console form and
 * docs/configuration.md). How a value is escaped where it lands is the caller's `encode`.
 */
import { type ConnectorError, type SendMessageData } from '@logto/connector-kit';

import { generalError } from './errors.js';

/** A `{{ path }}` placeholder as written in a template. */
export type Placeholder = {
  /** The placeholder as written, braces and spaces included: `{{ user.name }}`. */
  written: string;
  /** The first part of the path: the payload key whose absence leaves the placeholder as written. */
  root: string;
  path: readonly string[];
};

/** Text split once into literal text and placeholders, so each send only joins strings. */
export type PlaceholderText<Slot extends Placeholder = Placeholder> = ReadonlyArray<string | Slot>;

/**
 * The placeholders Logto's payload fills, most used first (`link` only for invitations sent by
 * Management API callers; `user` and `inviter` hold more fields, such as `primaryEmail`).
 */
export const logtoPlaceholders: readonly string[] = [
  'code',
  'link',
  'locale',
  'uiLocales',
  'application.name',
  'application.displayName',
  'organization.name',
  'user.name',
  'user.primaryEmail',
  'inviter.name',
];

// The same placeholder syntax as Logto's `replaceSendMessageHandlebars`.
const placeholderPattern = /{{\s*([\w.]+)\s*}}/g;

/** One placeholder found in a template: where it starts, and what it says. */
export type PlaceholderMatch = Placeholder & { index: number };

/** Every placeholder of a template, in order. */
export const placeholdersIn = (template: string): PlaceholderMatch[] =>
  [...template.matchAll(placeholderPattern)].map((match) => {
    const [written, key = ''] = match;
    const path = key.split('.');
    return { written, root: path[0] ?? '', path, index: match.index };
  });

/**
 * Splits a template into literal text and placeholders; `slotOf` may give each placeholder more
 * (its escaping in an HTML template).
 */
export const splitAtPlaceholders = <Slot extends Placeholder>(
  template: string,
  matches: readonly PlaceholderMatch[],
  slotOf: (match: PlaceholderMatch, position: number) => Slot
): Array<string | Slot> => {
  const segments: Array<string | Slot> = [];
  let last = 0;
  for (const [position, match] of matches.entries()) {
    if (match.index > last) {
      segments.push(template.slice(last, match.index));
    }
    segments.push(slotOf(match, position));
    last = match.index + match.written.length;
  }
  if (last < template.length) {
    segments.push(template.slice(last));
  }
  return segments;
};

/** A template split into literal text and plain placeholders (subjects, addresses, text bodies). */
export const compilePlaceholders = (template: string): PlaceholderText =>
  splitAtPlaceholders(template, placeholdersIn(template), ({ written, root, path }) => ({
    written,
    root,
    path,
  }));

/** The payload of a send: Logto always sends one, a hand-written caller may not. */
export const payloadOf = (data: SendMessageData): Record<string, unknown> =>
  (data as Partial<SendMessageData>).payload ?? {};

/** The payload's `locale`, when it is a string: it picks Logto's per-language template. */
export const localeOf = (payload: Record<string, unknown>): string | undefined =>
  typeof payload.locale === 'string' ? payload.locale : undefined;

const lookUp = (payload: Record<string, unknown>, path: readonly string[]): unknown => {
  let current: unknown = payload;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current;
};

const asIs = (text: string): string => text;

/** The value of a placeholder that could not be read: a sentence for the Console. */
const unreadableValue = (placeholder: Placeholder, cause: unknown): ConnectorError =>
  generalError(
    `The message payload's value for ${placeholder.written} could not be read or turned into text (a getter or its toString failed). Logto sends plain values; check the code that called sendMessage.`,
    cause
  );

const hasNoConversion = (value: object): boolean =>
  !(Symbol.toPrimitive in value) && !('toString' in value) && !('valueOf' in value);

/**
 * Logto's own stringification (`String(value)`, objects included), so templates behave as in
 * other connectors. An object without a prototype reads as any other plain object does,
 * `[object Object]`; a value whose conversion throws is a ConnectorError naming the placeholder.
 */
const textOf = (value: unknown, placeholder: Placeholder): string => {
  if (typeof value === 'string') {
    return value;
  }
  try {
    if (typeof value === 'object' && value !== null && hasNoConversion(value)) {
      return '[object Object]';
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return String(value ?? '');
  } catch (error: unknown) {
    throw unreadableValue(placeholder, error);
  }
};

/** {@link lookUp}, with a throwing getter or proxy turned into a ConnectorError. */
const valueAt = (payload: Record<string, unknown>, placeholder: Placeholder): unknown => {
  try {
    return lookUp(payload, placeholder.path);
  } catch (error: unknown) {
    throw unreadableValue(placeholder, error);
  }
};

const hasRoot = (payload: Record<string, unknown>, placeholder: Placeholder): boolean => {
  try {
    return Object.hasOwn(payload, placeholder.root);
  } catch (error: unknown) {
    throw unreadableValue(placeholder, error);
  }
};

/**
 * The text of each placeholder's value, or `undefined` for a placeholder whose root key is not
 * in the payload (it stays as written).
 */
export const valueTextOf = (
  payload: Record<string, unknown>,
  placeholder: Placeholder
): string | undefined =>
  hasRoot(payload, placeholder) ? textOf(valueAt(payload, placeholder), placeholder) : undefined;

/**
 * Fills the placeholders of a compiled template with Logto's semantics: a placeholder whose root
 * key is not in the payload stays as written; a missing nested value becomes `''`. Only the
 * payload's own properties count (`{{constructor}}` stays as written). Each inserted value goes
 * through `encode` (HTML escaping for HTML bodies), which also sees the payload and the text
 * written so far.
 *
 * @throws the host's `ConnectorError(General)` when a value cannot be read or turned into text
 *   (a throwing getter, proxy or `toString`).
 */
export const fillPlaceholders = <Slot extends Placeholder>(
  compiled: PlaceholderText<Slot>,
  payload: Record<string, unknown>,
  encode: (
    value: string,
    placeholder: Slot,
    payload: Record<string, unknown>,
    written: string
  ) => string = asIs
): string => {
  let result = '';
  for (const segment of compiled) {
    if (typeof segment === 'string') {
      result += segment;
      continue;
    }
    const value = valueTextOf(payload, segment);
    result += value === undefined ? segment.written : encode(value, segment, payload, result);
  }
  return result;
};
