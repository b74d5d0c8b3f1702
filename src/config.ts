import { TemplateType } from '@logto/connector-kit';
import { z } from 'zod';

import { invalidConfig } from './errors.js';
import { type Mailbox, parseMailbox, splitMailboxList } from './mailbox.js';

/** The SES message tag that names the Logto flow (`SignIn`, `Register`…) on every message. */
export const usageTypeTagName = 'logto-usage-type';

/** The default for {@link AwsSesConfig.timeoutMs}: ten seconds for a send, retries included. */
export const defaultTimeoutMs = 10_000;

const minTimeoutMs = 500;
const maxTimeoutMs = 300_000;

/** Empty strings and `null` mean "not set": Logto's Console and server drop them anyway. */
const absentWhenEmpty = (value: unknown): unknown =>
  value === '' || value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

const trimmed = z.string().trim();

const optional = <Schema extends z.ZodTypeAny>(schema: Schema) =>
  z.preprocess(absentWhenEmpty, schema.optional());

const regionGuard = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  z
    .string({ required_error: 'Region is required: the code of the SES region, such as us-east-1.' })
    .regex(
      /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/,
      'Region must be a region code such as us-east-1 or eu-west-2 (the code next to the region name in the SES console), not a region name or a URL.'
    )
);

const mailboxGuard = (field: string) =>
  trimmed.transform((text, context): Mailbox => {
    const mailbox = parseMailbox(text);
    if (!mailbox) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${field} must be an email address, optionally with a display name: noreply@example.com, Logto <noreply@example.com> or <noreply@example.com>.`,
      });
      return z.NEVER;
    }
    return mailbox;
  });

const bareAddressGuard = (field: string) =>
  trimmed.transform((text, context): string => {
    const mailbox = parseMailbox(text);
    if (!mailbox) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${field} must be an email address such as bounces@example.com.`,
      });
      return z.NEVER;
    }
    return mailbox.address;
  });

const identityArnGuard = (field: string) =>
  trimmed.regex(
    /^arn:aws[a-z-]*:ses:[a-z\d-]+:\d{12}:identity\/\S+$/,
    `${field} must be an SES identity ARN such as arn:aws:ses:us-east-1:123456789012:identity/example.com (shown on the identity's page in the SES console).`
  );

const replyToGuard = z
  .union([trimmed.transform(splitMailboxList), z.array(trimmed)], {
    errorMap: () => ({
      message: 'replyTo must be an email address, a comma-separated list of them, or an array of them.',
    }),
  })
  .transform((items, context): Mailbox[] => {
    const mailboxes: Mailbox[] = [];
    for (const item of items) {
      const mailbox = parseMailbox(item);
      if (!mailbox) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `replyTo contains "${item}", which is not an email address (use support@example.com or Support <support@example.com>).`,
        });
        return z.NEVER;
      }
      mailboxes.push(mailbox);
    }
    return mailboxes;
  });

const tagPartPattern = /^[\w-]{1,256}$/;

const tagsGuard = z
  .record(z.string(), z.string(), {
    errorMap: () => ({
      message: 'tags must be a JSON object of tag names to values, such as {"app": "logto"}.',
    }),
  })
  .superRefine((tags, context) => {
    const entries = Object.entries(tags);
    if (entries.length > 49) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'tags can hold at most 49 entries (SES allows 50, one is the usage type).',
      });
    }
    for (const [name, value] of entries) {
      if (!tagPartPattern.test(name) || !tagPartPattern.test(value)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `Tag "${name}": SES tag names and values may use only letters, digits, "_" and "-", 1 to 256 characters.`,
        });
      }
      if (name === usageTypeTagName) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `Tag "${usageTypeTagName}" is set by the connector on every message; choose another name.`,
        });
      }
    }
  });

const endpointGuard = trimmed.transform((text, context): string => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message:
        'endpoint must be an http:// or https:// URL, such as https://email.us-east-1.amazonaws.com or http://127.0.0.1:8005.',
    });
    return z.NEVER;
  }
  if (url.username || url.password) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message:
        'endpoint must not contain a user name or password; put credentials in accessKeyId and accessKeySecret.',
    });
    return z.NEVER;
  }
  return text.replace(/\/+$/, '');
});

const timeoutGuard = z.preprocess(
  (value) => {
    const present = absentWhenEmpty(value);
    return typeof present === 'string' ? Number(present) : present;
  },
  z
    .number({ invalid_type_error: 'timeoutMs must be a number of milliseconds, such as 10000.' })
    .int('timeoutMs must be a whole number of milliseconds.')
    .min(minTimeoutMs, `timeoutMs must be at least ${minTimeoutMs} (milliseconds).`)
    .max(maxTimeoutMs, `timeoutMs must be at most ${maxTimeoutMs} (five minutes).`)
    .default(defaultTimeoutMs)
);

/**
 * The values of {@link AwsSesConfig.retryPolicy}: `deliver` (the default) retries every failure
 * the AWS SDK retries; `at-most-once` only those after which SES cannot have accepted the email.
 */
export const retryPolicies = ['deliver', 'at-most-once'] as const;

/** One of {@link retryPolicies}. */
export type RetryPolicy = (typeof retryPolicies)[number];

const retryPolicyGuard = z.enum(retryPolicies, {
  errorMap: () => ({
    message:
      'retryPolicy must be "deliver" (also retry server errors and resets, at the risk of a duplicate email) or "at-most-once" (retry only what SES cannot have accepted).',
  }),
});

/** A Logto usage type as written in JSON: `'SignIn'`, `'Register'`… */
export type UsageType = `${TemplateType}`;

const templateTypes = Object.values(TemplateType) as [UsageType, ...UsageType[]];

/** One email template of the connector config, for one Logto usage type. */
export const templateGuard = z
  .object({
    usageType: z.enum(templateTypes, {
      errorMap: () => ({ message: `usageType must be one of ${templateTypes.join(', ')}.` }),
    }),
    subject: z.preprocess(absentWhenEmpty, z.string({ required_error: 'Every template needs a subject.' })),
    content: z.preprocess(
      absentWhenEmpty,
      z.string({ required_error: 'Every template needs a content (the email body).' })
    ),
    contentType: z.preprocess(
      absentWhenEmpty,
      z
        .enum(['text/html', 'text/plain'], {
          errorMap: () => ({ message: 'contentType must be "text/html" or "text/plain".' }),
        })
        .default('text/html')
    ),
  })
  .strict();

const templatesGuard = z
  .array(templateGuard, {
    required_error: `templates is required: a list of { usageType, subject, content } with at least a ${TemplateType.Generic} template.`,
    invalid_type_error: 'templates must be a JSON array of { usageType, subject, content }.',
  })
  .superRefine((templates, context) => {
    const seen = new Set<string>();
    for (const [index, { usageType }] of templates.entries()) {
      if (seen.has(usageType)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [index, 'usageType'],
          message: `usageType ${usageType} appears more than once in templates; keep one template per usage type.`,
        });
      }
      seen.add(usageType);
    }
    if (!seen.has(TemplateType.Generic)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `templates needs a ${TemplateType.Generic} template: every usage type without its own template falls back to it.`,
      });
    }
  });

/**
 * The connector's configuration, as stored by Logto. A strict superset of the official
 * `@logto/connector-aws-ses` config: the same field names, so an existing config can be pasted.
 * Empty strings count as absent. Parsing normalises it: addresses become {@link Mailbox}es, the
 * region is lower-cased, `timeoutMs` gets its default.
 */
export const configGuard = z
  .object({
    accessKeyId: optional(
      trimmed.regex(
        /^[A-Z\d]{16,128}$/,
        'accessKeyId must be an AWS access key ID: 16 or more capital letters and digits, such as AKIAIOSFODNN7EXAMPLE.'
      )
    ),
    accessKeySecret: optional(trimmed),
    region: regionGuard,
    emailAddress: optional(mailboxGuard('emailAddress')),
    emailAddressIdentityArn: optional(identityArnGuard('emailAddressIdentityArn')),
    feedbackForwardingEmailAddress: optional(bareAddressGuard('feedbackForwardingEmailAddress')),
    feedbackForwardingEmailAddressIdentityArn: optional(
      identityArnGuard('feedbackForwardingEmailAddressIdentityArn')
    ),
    configurationSetName: optional(
      trimmed.regex(
        /^[\w-]{1,64}$/,
        'configurationSetName must be the name of an SES configuration set: letters, digits, "_" and "-", at most 64 characters.'
      )
    ),
    templates: templatesGuard,
    replyTo: optional(replyToGuard),
    endpoint: optional(endpointGuard),
    timeoutMs: timeoutGuard,
    retryPolicy: optional(retryPolicyGuard),
    tags: optional(tagsGuard),
  })
  .strict()
  .superRefine(({ accessKeyId, accessKeySecret }, context) => {
    if (accessKeyId && !accessKeySecret) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['accessKeySecret'],
        message:
          'accessKeySecret is missing: give both the access key ID and its secret, or leave both empty to use the AWS default credentials (environment, shared files or an IAM role).',
      });
    }
    if (accessKeySecret && !accessKeyId) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['accessKeyId'],
        message:
          'accessKeyId is missing: give both the access key ID and its secret, or leave both empty to use the AWS default credentials (environment, shared files or an IAM role).',
      });
    }
  });

/** One email template of the config, as an operator writes it. */
export type EmailTemplate = {
  /** The Logto flow this template is for. */
  usageType: UsageType;
  /** The subject; placeholders such as `{{code}}` allowed. Line breaks are removed. */
  subject: string;
  /** The body; placeholders allowed. Values inserted into HTML are HTML-escaped. */
  content: string;
  /**
   * `text/html` bodies also get a plain-text part generated from the HTML; `text/plain` bodies
   * are sent as text only.
   *
   * @default 'text/html'
   */
  contentType?: 'text/html' | 'text/plain';
};

/**
 * The connector config as an operator writes it (what the Console stores). The official
 * connector's fields keep their names; empty strings count as absent.
 *
 * @example
 * ```json
 * { "region": "us-east-1", "emailAddress": "Logto <noreply@example.com>",
 *   "templates": [{ "usageType": "Generic", "subject": "Your code", "content": "<p>{{code}}</p>" }] }
 * ```
 */
export type AwsSesConfig = {
  /**
   * IAM access key ID. Leave it and {@link AwsSesConfig.accessKeySecret} out to use the AWS
   * default credential chain (environment, shared files, ECS/EKS/EC2 roles).
   *
   * @default undefined (the default credential chain)
   */
  accessKeyId?: string;
  /** The access key's secret; required when `accessKeyId` is set. @default undefined */
  accessKeySecret?: string;
  /** SES region code of the sender identity, such as `us-east-1`. */
  region: string;
  /**
   * The From address, optionally with a display name: `noreply@example.com`,
   * `Logto <noreply@example.com>`, `<noreply@example.com>`. Required to send unless every Logto
   * template gives a `sendFrom` address.
   *
   * @default undefined
   */
  emailAddress?: string;
  /** Sending authorization: the ARN of the From identity. @default undefined */
  emailAddressIdentityArn?: string;
  /** Where SES forwards bounces and complaints. @default undefined (the sender) */
  feedbackForwardingEmailAddress?: string;
  /** Sending authorization: the ARN of the feedback forwarding identity. @default undefined */
  feedbackForwardingEmailAddressIdentityArn?: string;
  /** An SES configuration set for every message. @default undefined */
  configurationSetName?: string;
  /** One template per usage type; a `Generic` one is required. */
  templates: EmailTemplate[];
  /** Reply-To: one address, a comma-separated list, or an array. @default undefined */
  replyTo?: string | string[];
  /** Overrides the SES URL (VPC endpoint, proxy, local emulator). @default the regional endpoint */
  endpoint?: string;
  /** The longest a send may take, retries included, 500–300000 ms. @default 10000 */
  timeoutMs?: number;
  /**
   * Which failed sends are retried (three attempts in all): `deliver` retries throttling, server
   * errors (5xx), resets and timeouts, so a code always has the best chance to arrive, at the
   * risk of a duplicate; `at-most-once` retries only throttling answers and connections that
   * failed before the request was written, so no email is ever sent twice. @default 'deliver'
   */
  retryPolicy?: RetryPolicy;
  /** Extra SES message tags for every message. @default undefined */
  tags?: Record<string, string>;
};

/** The config after parsing: defaults applied, addresses parsed. */
export type ParsedConfig = z.output<typeof configGuard>;

/** One template after parsing (`contentType` defaulted). */
export type ParsedTemplate = z.output<typeof templateGuard>;

/**
 * Parses a config, turning every problem into the host's `ConnectorError(InvalidConfig)` carrying
 * the `ZodError`, whose issues the Console lists.
 */
export const parseConfig = (config: unknown): ParsedConfig => {
  const result = configGuard.safeParse(config);
  if (!result.success) {
    throw invalidConfig(result.error);
  }
  return result.data;
};
