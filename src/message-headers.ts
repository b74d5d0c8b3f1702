import { randomUUID } from 'node:crypto';

import { z } from 'zod';

/** One custom header as SES v2 takes it (`MessageHeader`). */
export type MessageHeader = { Name: string; Value: string };

/**
 * The header that gives every email its own identity, so Gmail does not fold emails with the
 * same subject and sender (one code after another) into one conversation.
 */
export const entityRefIdHeader = 'X-Entity-Ref-ID';

/**
 * The values of {@link AwsSesConfig.entityRefId}: `on` (the default) gives every email a fresh
 * random `X-Entity-Ref-ID` header; `off` sends none.
 */
export const entityRefIdModes = ['on', 'off'] as const;

/** One of {@link entityRefIdModes}. */
export type EntityRefIdMode = (typeof entityRefIdModes)[number];

/** The guard of the `entityRefId` config field (absent means `on`). */
export const entityRefIdGuard = z.enum(entityRefIdModes, {
  errorMap: () => ({
    message:
      'entityRefId must be "on" (a fresh X-Entity-Ref-ID header on every email, so mail clients keep each code apart; the default) or "off".',
  }),
});

/**
 * SES's limits on a custom header (the `MessageHeader` type of the SES v2 API): a name of at
 * most 126 characters, a value of at most 995, at most 996 for both together. SES documents no
 * count; 50 is the connector's own bound.
 */
export const headerLimits = { name: 126, value: 995, nameAndValue: 996, count: 50 } as const;

/**
 * Headers the connector or SES writes itself, lower-cased: the addresses, subject and MIME
 * structure the connector sends as fields, what SES adds or overwrites (Message-ID, Date,
 * Return-Path, DKIM-Signature, Feedback-ID), and the connector's own `X-Entity-Ref-ID`. A second
 * copy would be refused by SES, overwritten, or make the email look forged.
 */
const reservedHeaders: ReadonlySet<string> = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'subject',
  'reply-to',
  'return-path',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'content-length',
  'content-md5',
  'dkim-signature',
  'domainkey-signature',
  'feedback-id',
  'received',
  entityRefIdHeader.toLowerCase(),
]);

/** SES's own headers (`X-SES-Outgoing`, `X-SES-CONFIGURATION-SET`…) all start with this. */
const sesPrefix = 'x-ses-';

/** An RFC 5322 field name: printable ASCII (33–126) except the colon. SES asks the same. */
const fieldNamePattern = /^[\u0021-\u0039\u003B-\u007E]+$/;

/** A header value SES accepts: printable ASCII, spaces included. */
const printableAsciiPattern = /^[\u0020-\u007E]*$/;

/** Control characters (CR and LF among them): never in a header, or it could add another. */
const controlPattern = /[\u0000-\u001F\u007F]/;

const shown = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/**
 * Why SES or the connector refuses one header (name and value as written), or `undefined` when
 * it is fine once trimmed.
 */
const headerProblem = (written: string, writtenValue: string): string | undefined => {
  const header = `Header ${shown(written)}`;
  if (controlPattern.test(written) || controlPattern.test(writtenValue)) {
    return `${header} contains a line break or another control character; a header is one line of text.`;
  }
  const name = written.trim();
  const value = writtenValue.trim();
  if (name.length > headerLimits.name || !fieldNamePattern.test(name)) {
    return `${header} is not a header name: use at most ${headerLimits.name} printable ASCII characters without spaces or ":", such as X-Logto-Tenant.`;
  }
  const lower = name.toLowerCase();
  if (lower === entityRefIdHeader.toLowerCase()) {
    return `${header} is set by the connector on every email (see entityRefId); remove it.`;
  }
  if (reservedHeaders.has(lower) || lower.startsWith(sesPrefix)) {
    return `${header} is written by the connector or by Amazon SES itself (use the connector's fields for the sender, reply-to and subject); choose another name.`;
  }
  if (value.length === 0) {
    return `${header} has an empty value; give it one or remove the header.`;
  }
  if (!printableAsciiPattern.test(value)) {
    return `${header}: SES accepts only printable ASCII characters in a header value (no accents, emoji or other scripts).`;
  }
  if (value.length > headerLimits.value || name.length + value.length > headerLimits.nameAndValue) {
    return `${header}: its value has ${value.length} characters; SES allows at most ${headerLimits.value}, and ${headerLimits.nameAndValue} for the name and value together.`;
  }
  return undefined;
};

const notAnObject =
  'headers must be a JSON object of header names to text values, such as {"X-Logto-Tenant": "acme"}.';

/**
 * The guard of the `headers` config field: an object of header name → value, parsed into the
 * list SES takes. Names and values are trimmed; every header SES or the connector would refuse,
 * overwrite or misread is refused with a sentence naming it.
 */
export const headersGuard = z
  // Typed as what an operator writes; at run time it takes any value, like `z.any()`.
  .custom<Record<string, string>>()
  .superRefine((value: unknown, context) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: notAnObject, fatal: true });
      return;
    }
    const count = Object.keys(value).length;
    if (count > headerLimits.count) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `headers has ${count} headers; it may hold at most ${headerLimits.count}.`,
        fatal: true,
      });
    }
  })
  .pipe(z.record(z.string(), z.unknown()))
  .transform((headers, context): MessageHeader[] => {
    const list: MessageHeader[] = [];
    const seen = new Set<string>();
    for (const [written, value] of Object.entries(headers)) {
      const name = written.trim();
      if (typeof value !== 'string') {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [written],
          message: `Header ${shown(name)} must have a text value (a JSON string).`,
        });
        continue;
      }
      const problem =
        headerProblem(written, value) ??
        (seen.has(name.toLowerCase())
          ? `Header ${shown(name)} appears twice (header names ignore case); keep one.`
          : undefined);
      if (problem) {
        context.addIssue({ code: z.ZodIssueCode.custom, path: [written], message: problem });
        continue;
      }
      seen.add(name.toLowerCase());
      list.push({ Name: name, Value: value.trim() });
    }
    return list;
  });

/**
 * The custom headers of one email, for `Content.Simple.Headers` (or `Content.Template.Headers`):
 * the operator's headers, then a fresh random `X-Entity-Ref-ID` unless `entityRefId` is `off`.
 * Call it once per email: each call gives a new `X-Entity-Ref-ID`.
 *
 * @example
 * ```ts
 * messageHeadersFor({ headers: [{ Name: 'X-Logto-Tenant', Value: 'acme' }] });
 * // [{ Name: 'X-Logto-Tenant', Value: 'acme' }, { Name: 'X-Entity-Ref-ID', Value: '<a random UUID>' }]
 * ```
 */
export const messageHeadersFor = ({
  headers,
  entityRefId,
}: {
  headers?: readonly MessageHeader[] | undefined;
  entityRefId?: EntityRefIdMode | undefined;
}): MessageHeader[] => [
  ...(headers ?? []),
  ...(entityRefId === 'off' ? [] : [{ Name: entityRefIdHeader, Value: randomUUID() }]),
];
