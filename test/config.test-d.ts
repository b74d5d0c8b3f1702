/**
 * Type-level tests, checked by `npm run typecheck` (tsc): the hand-written config types, which
 * carry the documentation operators read, must agree with what the zod guard parses. Renaming,
 * adding or removing a field, or changing its type or whether it is required, on one side only
 * fails the build.
 */
import { expectTypeOf } from 'vitest';

import { type ParsedTemplate, type configShape } from '../src/config.js';
import { type AwsSesConfig, type EmailTemplate, type ParsedConfig } from '../src/index.js';

/** The keys a value of `T` must have. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** Fields the guard gives a default: optional to write, always present once parsed. */
type Defaulted = 'timeoutMs';

// The same fields, in the config and in each template.
expectTypeOf<keyof AwsSesConfig>().toEqualTypeOf<keyof typeof configShape>();
expectTypeOf<keyof AwsSesConfig>().toEqualTypeOf<keyof ParsedConfig>();
expectTypeOf<keyof EmailTemplate>().toEqualTypeOf<keyof ParsedTemplate>();

// The same required fields.
expectTypeOf<RequiredKeys<AwsSesConfig>>().toEqualTypeOf<Exclude<RequiredKeys<ParsedConfig>, Defaulted>>();
expectTypeOf<RequiredKeys<EmailTemplate>>().toEqualTypeOf<
  Exclude<RequiredKeys<ParsedTemplate>, 'contentType'>
>();

/** Fields the guard only checks and trims: written and parsed as the same type. */
type Unchanged = Exclude<keyof AwsSesConfig, 'emailAddress' | 'replyTo' | 'templates' | 'headers'>;

expectTypeOf<{ [K in Unchanged]-?: NonNullable<AwsSesConfig[K]> }>().toEqualTypeOf<{
  [K in Unchanged]-?: NonNullable<ParsedConfig[K]>;
}>();
expectTypeOf<Required<EmailTemplate>>().toEqualTypeOf<ParsedTemplate>();

// The fields the guard parses into something richer.
expectTypeOf<NonNullable<AwsSesConfig['emailAddress']>>().toEqualTypeOf<string>();
expectTypeOf<NonNullable<ParsedConfig['emailAddress']>>().toEqualTypeOf<{ name?: string; address: string }>();
expectTypeOf<NonNullable<AwsSesConfig['replyTo']>>().toEqualTypeOf<string | string[]>();
expectTypeOf<NonNullable<ParsedConfig['replyTo']>>().toEqualTypeOf<
  Array<{ name?: string; address: string }>
>();
expectTypeOf<AwsSesConfig['templates']>().toEqualTypeOf<EmailTemplate[]>();
expectTypeOf<ParsedConfig['templates']>().toEqualTypeOf<ParsedTemplate[]>();
expectTypeOf<NonNullable<AwsSesConfig['headers']>>().toEqualTypeOf<Record<string, string>>();
expectTypeOf<NonNullable<ParsedConfig['headers']>>().toEqualTypeOf<Array<{ Name: string; Value: string }>>();
