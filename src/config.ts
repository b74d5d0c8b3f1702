import { TemplateType } from '@logto/connector-kit';
import { z } from 'zod';

import { invalidConfig } from './errors.js';
import { type Mailbox, parseMailbox, splitMailboxList } from './mailbox.js';
import { entityRefIdGuard, headersGuard } from './message-headers.js';
import { trackingGuard } from './tracking.js';

/** The SES message tag that names the Logto flow (`SignIn`, `Register`…) on every message. */
export const usageTypeTagName = 'logto-usage-type';

/** The default for {@link AwsSesConfig.timeoutMs}: ten seconds for a send, retries included. */
export const defaultTimeoutMs = 10_000;

/** Empty strings and `null` mean "not set": Logto's Console and server drop them anyway. */
const absentWhenEmpty = (value: unknown): unknown =>
  value === '' || value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

const trimmed = z.string().trim();

/**
 * The most each field holds, checked before any pattern or parser sees the value: generous for
 * real values, small enough that no value can make a check slow. Also the bounds of `timeoutMs`.
 */
export const configLimits = {
  /** AWS access key IDs have 16 to 128 characters. */
  accessKeyId: 128,
  accessKeySecret: 1024,
  region: 64,
  /** A mailbox as written: display name, quotes, brackets and address. */
  mailbox: 512,
  /** A display name, after parsing. */
  displayName: 256,
  /** AWS ARNs have at most 2048 characters. */
  arn: 2048,
  configurationSetName: 64,
  endpoint: 2048,
  /** SES message tag names and values. */
  tagPart: 256,
  /** Message tags: SES takes 50 per message, and the connector adds the usage type's. */
  tagCount: 49,
  templateSubject: 2000,
  /** One template body: 1 MB of text, far more than any email client shows. */
  templateContent: 1_000_000,
  /** Reply-To addresses. */
  replyToCount: 50,
  timeoutText: 32,
  /** The shortest and longest `timeoutMs`: half a second to five minutes. */
  timeoutMs: { min: 500, max: 300_000 },
  /** SES tenant names have at most 64 characters. */
  tenantName: 64,
  /** A multi-region endpoint ID: it becomes the first labels of a host name (at most 253 characters). */
  endpointId: 200,
  /** An SES template name (SES allows 64 characters) or its ARN. */
  sesTemplateReference: 2048,
} as const;

/** At most 100 characters of a value, for quoting in a message. */
const quoted = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);

/**
 * A string of at most `max` characters: longer text stops here, before the checks after it. A
 * value of another type gets a sentence naming the field.
 */
const capped = (
  field: string,
  max: number,
  params: { required_error?: string; invalid_type_error?: string } = {}
) =>
  z
    .string({ invalid_type_error: `${field} must be text (a JSON string).`, ...params })
    .superRefine((text, context) => {
      if (text.length > max) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `${field} has ${text.length} characters; it may have at most ${max}.`,
          fatal: true,
        });
      }
    });

/**
 * Refuses, before `schema` parses anything, a value that `problem` finds too big (an array with
 * too many items, a text too long for a union of forms). `z.custom` without a check takes any
 * value, like `z.any()`, typed as what `schema` takes.
 */
const sizedFirst = <Schema extends z.ZodTypeAny>(
  problem: (value: unknown) => string | undefined,
  schema: Schema
) =>
  z
    .custom<z.input<Schema>>()
    .superRefine((value: unknown, context) => {
      const message = problem(value);
      if (message !== undefined) {
        context.addIssue({ code: z.ZodIssueCode.custom, message, fatal: true });
      }
    })
    .pipe(schema);

// At most configLimits.accessKeyId characters: the length is checked first.
const awsAccessKeyIdPattern = /^[A-Z\d]{16,}$/;

const awsHostSuffixes = ['.amazonaws.com', '.amazonaws.com.cn', '.api.aws'];

/**
 * True when the connector talks to AWS: no endpoint (SES's regional one), or an endpoint on an
 * AWS domain. Local emulators (LocalStack, aws-ses-v2-local) and proxies are not AWS, and take
 * any key ID, such as LocalStack's `test`.
 */
const isAwsEndpoint = (endpoint: unknown): boolean => {
  if (endpoint === undefined) {
    return true;
  }
  // An endpoint that failed its own check is not a string here: its issue says enough.
  if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) {
    return false;
  }
  const host = new URL(endpoint).hostname.toLowerCase().replace(/\.$/, '');
  return awsHostSuffixes.some((suffix) => host.endsWith(suffix) || host === suffix.slice(1));
};

/** Removes trailing slashes in one pass from the end (a `/\/+$/` replace is quadratic). */
const withoutTrailingSlashes = (text: string): string => {
  let end = text.length;
  while (end > 0 && text.codePointAt(end - 1) === 0x2f) {
    end -= 1;
  }
  return text.slice(0, end);
};

/**
 * `z.preprocess(tidy, schema)`, typed as taking what `schema` takes. zod types the input of every
 * preprocess step as `unknown`; here the steps only tidy what an operator wrote (an empty string
 * becomes absent, a region is lower-cased, a number written as text is read), so the schema's
 * input is the written form, and {@link AwsSesConfig}, derived from the guard, says so.
 */
const tidiedFirst = <Schema extends z.ZodTypeAny>(tidy: (value: unknown) => unknown, schema: Schema) =>
  z.preprocess(tidy, schema) as z.ZodEffects<Schema, z.output<Schema>, z.input<Schema>>;

const optional = <Schema extends z.ZodTypeAny>(schema: Schema) =>
  tidiedFirst(absentWhenEmpty, schema.optional());

const regionGuard = tidiedFirst(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  capped('region', configLimits.region, {
    required_error: 'Region is required: the code of the SES region, such as us-east-1.',
    invalid_type_error: 'Region must be text: the code of the SES region, such as us-east-1.',
  }).pipe(
    z
      .string()
      .regex(
        /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/,
        'Region must be a region code such as us-east-1 or eu-west-2 (the code next to the region name in the SES console), not a region name or a URL.'
      )
  )
);

const displayNameFits = (mailbox: Mailbox) =>
  mailbox.name === undefined || mailbox.name.length <= configLimits.displayName;

const mailboxGuard = (field: string) =>
  capped(field, configLimits.mailbox).transform((text, context): Mailbox => {
    const mailbox = parseMailbox(text.trim());
    if (mailbox && !displayNameFits(mailbox)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${field}: the display name may have at most ${configLimits.displayName} characters.`,
      });
      return z.NEVER;
    }
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
  capped(field, configLimits.mailbox).transform((text, context): string => {
    const mailbox = parseMailbox(text.trim());
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
  capped(field, configLimits.arn).pipe(
    trimmed.regex(
      /^arn:aws[a-z-]*:ses:[a-z\d-]+:\d{12}:identity\/\S+$/,
      `${field} must be an SES identity ARN such as arn:aws:ses:us-east-1:123456789012:identity/example.com (shown on the identity's page in the SES console).`
    )
  );

const tooManyReplyTo = `replyTo may hold at most ${configLimits.replyToCount} addresses.`;

const replyToTextLimit = configLimits.replyToCount * configLimits.mailbox;

const replyToGuard = sizedFirst(
  (value) =>
    Array.isArray(value) && value.length > configLimits.replyToCount
      ? tooManyReplyTo
      : typeof value === 'string' && value.length > replyToTextLimit
        ? `replyTo has ${value.length} characters; it may have at most ${replyToTextLimit}.`
        : undefined,
  z.union([trimmed.transform(splitMailboxList), z.array(z.string())], {
    errorMap: () => ({
      message: 'replyTo must be an email address, a comma-separated list of them, or an array of them.',
    }),
  })
).transform((items, context): Mailbox[] => {
  if (items.length > configLimits.replyToCount) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: tooManyReplyTo });
    return z.NEVER;
  }
  const mailboxes: Mailbox[] = [];
  for (const written of items) {
    const item = written.trim();
    const mailbox = item.length <= configLimits.mailbox ? parseMailbox(item) : undefined;
    if (mailbox && !displayNameFits(mailbox)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `replyTo: a display name may have at most ${configLimits.displayName} characters.`,
      });
      return z.NEVER;
    }
    if (!mailbox) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `replyTo contains "${quoted(item)}", which is not an email address (use support@example.com or Support <support@example.com>).`,
      });
      return z.NEVER;
    }
    mailboxes.push(mailbox);
  }
  return mailboxes;
});

const tagPartPattern = /^[\w-]+$/;

const isTagPart = (text: string) =>
  text.length > 0 && text.length <= configLimits.tagPart && tagPartPattern.test(text);

const tagsGuard = z
  .record(
    z.string(),
    z.string({
      invalid_type_error: 'tags must be a JSON object of tag names to text values, such as {"app": "logto"}.',
    }),
    {
      errorMap: () => ({
        message: 'tags must be a JSON object of tag names to values, such as {"app": "logto"}.',
      }),
    }
  )
  .superRefine((tags, context) => {
    const entries = Object.entries(tags);
    if (entries.length > configLimits.tagCount) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `tags can hold at most ${configLimits.tagCount} entries (SES allows ${configLimits.tagCount + 1}, one is the usage type).`,
      });
    }
    for (const [name, value] of entries) {
      if (!isTagPart(name) || !isTagPart(value)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `Tag "${quoted(name)}": SES tag names and values may use only letters, digits, "_" and "-", 1 to ${configLimits.tagPart} characters.`,
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

const endpointGuard = capped('endpoint', configLimits.endpoint).transform((written, context): string => {
  const text = written.trim();
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
  return withoutTrailingSlashes(text);
});

const { min: minTimeoutMs, max: maxTimeoutMs } = configLimits.timeoutMs;

const timeoutGuard = tidiedFirst(
  (value) => {
    const present = absentWhenEmpty(value);
    return typeof present === 'string' && present.length <= configLimits.timeoutText
      ? Number(present)
      : present;
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

/**
 * The usage type of a config template: one of Logto's ({@link UsageType}) or any other name, as
 * the official connector accepts. Configs from before Logto 1.0 hold `Continue` and `Test`;
 * Logto never sends those, so such a template is kept but never used.
 */
export type TemplateUsageType = UsageType | (string & Record<never, never>);

/** Every usage type Logto sends, in the order of the kit's enum. */
export const logtoUsageTypes: readonly UsageType[] = Object.values(TemplateType);

const logtoUsageTypeSet: ReadonlySet<string> = new Set(logtoUsageTypes);

/** True for a usage type Logto sends; false for any other name (`Continue`, `Test`, a typo). */
export const isLogtoUsageType = (usageType: string): usageType is UsageType =>
  logtoUsageTypeSet.has(usageType);

/** The longest usage type accepted; Logto's longest has 24 characters. */
const maxUsageTypeLength = 64;

/** The most templates a config may hold: Logto's nine types, older ones and room to spare. */
const maxTemplates = 20;

const usageTypeList = logtoUsageTypes.join(', ');

/**
 * The fields of one email template and the guard of each. Their TSDoc is what editors show for
 * {@link EmailTemplate} and {@link ParsedTemplate}, which are derived from it.
 */
const templateShape = {
  /**
   * The Logto flow this template is for: one of Logto's usage types, or any other name (kept, as
   * the official connector keeps it, but never chosen).
   */
  usageType: tidiedFirst(
    absentWhenEmpty,
    capped('usageType', maxUsageTypeLength, {
      required_error: `Every template needs a usageType: one of ${usageTypeList}.`,
      invalid_type_error: `usageType must be text: one of ${usageTypeList}.`,
    }).transform((text): TemplateUsageType => text.trim())
  ),
  /** The subject; placeholders such as `{{code}}` allowed. Line breaks are removed. */
  subject: tidiedFirst(
    absentWhenEmpty,
    capped('subject', configLimits.templateSubject, { required_error: 'Every template needs a subject.' })
  ),
  /** The body; placeholders allowed. Values inserted into HTML are HTML-escaped. */
  content: tidiedFirst(
    absentWhenEmpty,
    capped('content', configLimits.templateContent, {
      required_error: 'Every template needs a content (the email body).',
    })
  ),
  /**
   * `text/html` bodies also get a plain-text part generated from the HTML; `text/plain` bodies
   * are sent as text only.
   *
   * @default 'text/html'
   */
  contentType: tidiedFirst(
    absentWhenEmpty,
    z
      .enum(['text/html', 'text/plain'], {
        errorMap: () => ({ message: 'contentType must be "text/html" or "text/plain".' }),
      })
      .default('text/html')
  ),
};

type TemplateObject = z.ZodObject<typeof templateShape, 'strict'>;

// The two template types are mapped types rather than a bare `z.input`/`z.output`: declaration
// files then name them inside `templates`, so editors show each field's TSDoc there too.

/** One email template of the config, as an operator writes it. */
export type EmailTemplate = { [Field in keyof z.input<TemplateObject>]: z.input<TemplateObject>[Field] };

/** One template after parsing (`contentType` defaulted). */
export type ParsedTemplate = { [Field in keyof z.output<TemplateObject>]: z.output<TemplateObject>[Field] };

/** One email template of the connector config, for one Logto usage type. */
const templateGuard = z
  .object(templateShape, {
    invalid_type_error: 'Each template must be a JSON object { usageType, subject, content }.',
  })
  .strict();

/** Configs from before Logto 1.0 send the Console's test email with a `Test` template. */
const genericMissing = (seen: ReadonlySet<string>) =>
  `templates needs a ${TemplateType.Generic} template: every usage type without its own template falls back to it.${
    seen.has('Test')
      ? ` Logto sends the Console's test email as ${TemplateType.Generic} since Logto 1.0, not as Test: rename the Test template to ${TemplateType.Generic}.`
      : ''
  }`;

const templatesGuard: z.ZodType<ParsedTemplate[], z.ZodTypeDef, EmailTemplate[]> = sizedFirst(
  (value) =>
    Array.isArray(value) && value.length > maxTemplates
      ? `templates may hold at most ${maxTemplates} templates, one per usage type.`
      : undefined,
  z.array(templateGuard, {
    required_error: `templates is required: a list of { usageType, subject, content } with at least a ${TemplateType.Generic} template.`,
    invalid_type_error: 'templates must be a JSON array of { usageType, subject, content }.',
  })
).superRefine((templates, context) => {
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
    context.addIssue({ code: z.ZodIssueCode.custom, message: genericMissing(seen) });
  }
});

/**
 * A multi-region endpoint ID as the AWS SDK accepts it: it becomes the first part of the host
 * name `<endpointId>.endpoints.email.amazonaws.com`, so it must be one or more DNS labels
 * (letters, digits and hyphens, no hyphen at either end, at most 63 characters each) joined by
 * dots.
 */
const endpointIdPattern =
  /^[A-Za-z\d](?:[A-Za-z\d-]{0,61}[A-Za-z\d])?(?:\.[A-Za-z\d](?:[A-Za-z\d-]{0,61}[A-Za-z\d])?)*$/;

const endpointIdGuard = capped('endpointId', configLimits.endpointId).pipe(
  trimmed.regex(
    endpointIdPattern,
    'endpointId must be the ID of an SES multi-region (global) endpoint, copied from the SES console (Global endpoints) or from ListMultiRegionEndpoints: letters, digits and hyphens, in parts separated by dots.'
  )
);

/** An SES template name: letters, digits, "_" and "-", at most 64 characters. */
const sesTemplateNamePattern = /^[\w-]{1,64}$/;

/** An SES template ARN: `arn:aws:ses:<region>:<account>:template/<name>`. */
const sesTemplateArnPattern = /^arn:aws[a-z-]*:ses:[a-z\d-]+:\d{12}:template\/[\w-]{1,64}$/;

const sesTemplatesGuard = z
  // Typed as what an operator may write; at run time it takes any value, like `z.any()`.
  .custom<Partial<Record<UsageType, string>>>()
  .pipe(
    z.record(
      z.string(),
      capped('sesTemplates', configLimits.sesTemplateReference, {
        invalid_type_error:
          'sesTemplates must map each usage type to the name or ARN of an SES template, as text: {"SignIn": "logto-sign-in"}.',
      }).pipe(trimmed),
      {
        errorMap: () => ({
          message:
            'sesTemplates must be a JSON object of Logto usage types to SES template names or ARNs, such as {"SignIn": "logto-sign-in"}.',
        }),
      }
    )
  )
  .superRefine((sesTemplates, context) => {
    for (const [usageType, reference] of Object.entries(sesTemplates)) {
      if (!isLogtoUsageType(usageType)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [usageType],
          message: `sesTemplates has "${quoted(usageType)}", which is not a Logto usage type: use ${usageTypeList}.`,
        });
      } else if (!sesTemplateNamePattern.test(reference) && !sesTemplateArnPattern.test(reference)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [usageType],
          message: `sesTemplates.${usageType} must be the name of an SES template (letters, digits, "_" and "-", at most 64 characters) or its ARN, such as arn:aws:ses:us-east-1:123456789012:template/logto-sign-in; "${quoted(reference)}" is neither.`,
        });
      }
    }
  })
  // Every key was checked above: only usage types are left.
  .transform((sesTemplates) => sesTemplates as Partial<Record<UsageType, string>>);

/**
 * The fields of the config and the guard of each, in the order of the Console form. Read it for
 * the config's keys; parse with {@link configGuard}. Their TSDoc is what editors show for
 * {@link AwsSesConfig} and {@link ParsedConfig}, which are derived from it.
 */
export const configShape = {
  /**
   * IAM access key ID. Leave it and {@link AwsSesConfig.accessKeySecret} out to use the AWS
   * default credential chain (environment, shared files, ECS/EKS/EC2 roles).
   *
   * @default undefined (the default credential chain)
   */
  // Its AWS format is checked below, once the endpoint tells whether the key is for AWS.
  accessKeyId: optional(capped('accessKeyId', configLimits.accessKeyId).pipe(trimmed)),
  /** The access key's secret; required when `accessKeyId` is set. @default undefined */
  accessKeySecret: optional(capped('accessKeySecret', configLimits.accessKeySecret).pipe(trimmed)),
  /** SES region code of the sender identity, such as `us-east-1`. */
  region: regionGuard,
  /**
   * The From address, optionally with a display name: `noreply@example.com`,
   * `Logto <noreply@example.com>`, `<noreply@example.com>`. Required to send unless every Logto
   * template gives a `sendFrom` address.
   *
   * @default undefined
   */
  emailAddress: optional(mailboxGuard('emailAddress')),
  /** Sending authorization: the ARN of the From identity. @default undefined */
  emailAddressIdentityArn: optional(identityArnGuard('emailAddressIdentityArn')),
  /** Where SES forwards bounces and complaints. @default undefined (the sender) */
  feedbackForwardingEmailAddress: optional(bareAddressGuard('feedbackForwardingEmailAddress')),
  /** Sending authorization: the ARN of the feedback forwarding identity. @default undefined */
  feedbackForwardingEmailAddressIdentityArn: optional(
    identityArnGuard('feedbackForwardingEmailAddressIdentityArn')
  ),
  /** An SES configuration set for every message. @default undefined */
  configurationSetName: optional(
    capped('configurationSetName', configLimits.configurationSetName).pipe(
      trimmed.regex(
        /^[\w-]+$/,
        `configurationSetName must be the name of an SES configuration set: letters, digits, "_" and "-", at most ${configLimits.configurationSetName} characters.`
      )
    )
  ),
  /** One template per usage type; a `Generic` one is required. */
  templates: templatesGuard,
  /** Reply-To: one address, a comma-separated list, or an array. @default undefined */
  replyTo: optional(replyToGuard),
  /** Overrides the SES URL (VPC endpoint, proxy, local emulator). @default the regional endpoint */
  endpoint: optional(endpointGuard),
  /** The longest a send may take, retries included: 500 to 300000 ms. @default 10000 */
  timeoutMs: timeoutGuard,
  /**
   * Which failed sends are retried (three attempts in all): `deliver` retries throttling, server
   * errors (5xx), resets and timeouts, so a code always has the best chance to arrive, at the
   * risk of a duplicate; `at-most-once` retries only throttling answers and connections that
   * failed before the request was written, so no email is ever sent twice. @default 'deliver'
   */
  retryPolicy: optional(retryPolicyGuard),
  /** Extra SES message tags for every message. @default undefined */
  tags: optional(tagsGuard),
  /**
   * Open and click tracking: `off` sends every email with SES tracking disabled (no tracking
   * pixel, no link rewritten through a tracking domain), whatever the account or the
   * configuration set enables; `configuration-set` leaves tracking to them. @default 'off'
   */
  tracking: optional(trackingGuard),
  /**
   * `on` gives every email its own random `X-Entity-Ref-ID` header, so Gmail does not fold
   * emails with the same subject (one code after another) into one conversation; `off` sends
   * none. @default 'on'
   */
  entityRefId: optional(entityRefIdGuard),
  /**
   * Extra headers on every email, header name → value, such as `{"X-Logto-Tenant": "acme"}`:
   * one line of printable ASCII each (name ≤ 126, value ≤ 995 characters), at most 50; headers
   * the connector or SES writes itself (From, To, Subject, Message-ID, X-SES-…) are refused.
   * @default undefined
   */
  headers: optional(headersGuard),
  /**
   * The SES tenant every email is sent for (`TenantName`). SES accepts the email only when the
   * sender identity, the configuration set and any template are associated with that tenant.
   * @default undefined
   */
  tenantName: optional(
    capped('tenantName', configLimits.tenantName).pipe(
      trimmed.regex(
        /^[\w-]+$/,
        'tenantName must be the name of an SES tenant: letters, digits, "_" and "-", at most 64 characters.'
      )
    )
  ),
  /**
   * The ID of an SES multi-region (global) endpoint: SES splits sending between its two regions
   * and fails over when one is impaired. Requests are then signed with SigV4a (the signer is
   * bundled) and go to `<endpointId>.endpoints.email.amazonaws.com`, or to `endpoint` when set.
   *
   * @default undefined (the regional endpoint)
   */
  endpointId: optional(endpointIdGuard),
  /**
   * Templates stored in SES, by Logto usage type: the template's name or ARN. An email of such a
   * type is sent with `Content.Template`, its `TemplateData` the Logto payload as JSON
   * (`{{code}}`, `{{link}}`, `{{application.name}}`…); this mapping wins over Logto's
   * per-language templates and the config's `templates` for that type. Other types keep those.
   *
   * @default undefined (no stored templates)
   * @example { "SignIn": "logto-sign-in", "Generic": "arn:aws:ses:us-east-1:123456789012:template/logto-code" }
   */
  sesTemplates: optional(sesTemplatesGuard),
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
export type AwsSesConfig = z.input<z.ZodObject<typeof configShape, 'strict'>>;

/** The config after parsing: defaults applied, addresses parsed. */
export type ParsedConfig = z.output<z.ZodObject<typeof configShape, 'strict'>>;

const configObject = z
  .object(configShape, {
    invalid_type_error:
      'The config must be a JSON object with region, emailAddress and templates, such as {"region": "us-east-1", "emailAddress": "noreply@example.com", "templates": [...]}.',
  })
  .strict()
  .superRefine(({ accessKeyId, accessKeySecret, endpoint }, context) => {
    if (accessKeyId && isAwsEndpoint(endpoint) && !awsAccessKeyIdPattern.test(accessKeyId)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['accessKeyId'],
        message:
          'accessKeyId must be an AWS access key ID: 16 or more capital letters and digits, such as AKIAIOSFODNN7EXAMPLE.',
      });
    }
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

/**
 * Logto's Console and Management API replace the message of every `invalid_type` issue with
 * their own ("Expected string but received undefined") and keep the message of every other
 * code. Type problems become `custom` issues with the same path and message, so operators read
 * the field's sentence.
 */
const inWordsLogtoKeeps = (issue: z.ZodIssue): z.IssueData =>
  issue.code === z.ZodIssueCode.invalid_type
    ? { code: z.ZodIssueCode.custom, path: issue.path, message: issue.message }
    : issue;

/**
 * The connector's configuration, as stored by Logto. A strict superset of the official
 * `@logto/connector-aws-ses` config: the same field names, so an existing config can be pasted.
 * Empty strings count as absent. Parsing normalises it: addresses become {@link Mailbox}es, the
 * region is lower-cased, `timeoutMs` gets its default. Every issue carries a sentence Logto
 * shows as written.
 */
export const configGuard: z.ZodType<ParsedConfig, z.ZodTypeDef, AwsSesConfig> = z
  .any()
  .transform((config: unknown, context) => {
    const result = configObject.safeParse(config);
    if (result.success) {
      return result.data;
    }
    for (const issue of result.error.issues) {
      context.addIssue(inWordsLogtoKeeps(issue));
    }
    return z.NEVER;
  });

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
