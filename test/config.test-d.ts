/**
 * Type-level tests, checked by `npm run typecheck` (tsc). The config types are derived from the
 * zod guard (src/config.ts), where zod types the input of every preprocess step as `unknown`: a
 * field whose guard starts with `z.preprocess` instead of `tidiedFirst` would leave operators an
 * `AwsSesConfig` that accepts anything. These fail the build when that happens.
 */
import { expectTypeOf } from 'vitest';

import { type AwsSesConfig, type EmailTemplate, type ParsedConfig } from '../src/index.js';

/** The fields of `T` typed `unknown` or `any`. */
type Untyped<T> = { [K in keyof T]-?: unknown extends T[K] ? K : never }[keyof T];

expectTypeOf<Untyped<AwsSesConfig>>().toEqualTypeOf<never>();
expectTypeOf<Untyped<EmailTemplate>>().toEqualTypeOf<never>();
expectTypeOf<Untyped<ParsedConfig>>().toEqualTypeOf<never>();

// What an operator writes, and what parsing makes of it.
expectTypeOf<AwsSesConfig['region']>().toEqualTypeOf<string>();
expectTypeOf<AwsSesConfig['emailAddress']>().toEqualTypeOf<string | undefined>();
expectTypeOf<ParsedConfig['emailAddress']>().toEqualTypeOf<{ name?: string; address: string } | undefined>();
expectTypeOf<AwsSesConfig['replyTo']>().toEqualTypeOf<string | string[] | undefined>();
expectTypeOf<AwsSesConfig['timeoutMs']>().toEqualTypeOf<number | undefined>();
expectTypeOf<ParsedConfig['timeoutMs']>().toEqualTypeOf<number>();
expectTypeOf<AwsSesConfig['templates']>().toEqualTypeOf<EmailTemplate[]>();
expectTypeOf<EmailTemplate['contentType']>().toEqualTypeOf<'text/html' | 'text/plain' | undefined>();
expectTypeOf<AwsSesConfig['headers']>().toEqualTypeOf<Record<string, string> | undefined>();
expectTypeOf<ParsedConfig['headers']>().toEqualTypeOf<Array<{ Name: string; Value: string }> | undefined>();
expectTypeOf<AwsSesConfig['tracking']>().toEqualTypeOf<'off' | 'configuration-set' | undefined>();
expectTypeOf<AwsSesConfig['entityRefId']>().toEqualTypeOf<'on' | 'off' | undefined>();
expectTypeOf<AwsSesConfig['tenantName']>().toEqualTypeOf<string | undefined>();
