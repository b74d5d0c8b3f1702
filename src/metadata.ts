import { ConnectorConfigFormItemType, type ConnectorMetadata } from '@logto/connector-kit';

import { configLimits, configShape, defaultTimeoutMs, retryPolicies } from './config.js';
import { defaultTemplates } from './default-templates.js';
import { entityRefIdModes, headerLimits } from './message-headers.js';
import { logtoPlaceholders } from './placeholders.js';
import { trackingModes } from './tracking.js';

/**
 * The factory id. Deliberately not the official connector's `aws-ses-mail`: every Logto image
 * ships that one, and two packages with one id stop Logto from starting.
 */
export const connectorId = 'amazon-ses';

const credentialsNote =
  'Leave both access key fields empty to use the AWS default credentials of the Logto host (environment variables, shared files, or an IAM role on ECS, EKS or EC2).';

/** Whether the guard requires a field: the form says what the guard says, never its own rule. */
const required = (key: keyof typeof configShape): boolean => !configShape[key].isOptional();

/**
 * The Admin Console form, one item per config field, in the order an operator fills them in.
 * Keys are exactly the config guard's keys.
 */
export const formItems: NonNullable<ConnectorMetadata['formItems']> = [
  {
    key: 'region',
    label: 'Region',
    type: ConnectorConfigFormItemType.Text,
    required: required('region'),
    placeholder: 'us-east-1',
    description:
      'The SES region code where your sender identity is verified. The SES console shows it in the region menu, next to the region name (US East (N. Virginia) = us-east-1).',
  },
  {
    key: 'emailAddress',
    label: 'Sender (From)',
    type: ConnectorConfigFormItemType.Text,
    required: required('emailAddress'),
    placeholder: 'Logto <noreply@example.com>',
    description:
      'An address of a verified SES identity in that region (the address itself, or any address at a verified domain), optionally with a display name. Needed unless every Logto email template gives its own sender (sendFrom): a send without either fails with a clear message.',
  },
  {
    key: 'accessKeyId',
    label: 'Access key ID',
    type: ConnectorConfigFormItemType.Text,
    required: required('accessKeyId'),
    placeholder: 'AKIAIOSFODNN7EXAMPLE',
    description: `From IAM > Users > your user > Security credentials > Create access key. ${credentialsNote}`,
  },
  {
    key: 'accessKeySecret',
    label: 'Secret access key',
    type: ConnectorConfigFormItemType.Text,
    required: required('accessKeySecret'),
    isConfidential: true,
    placeholder: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    description: 'Shown once, when the access key is created. Required when an access key ID is set.',
  },
  {
    key: 'replyTo',
    label: 'Reply-To',
    type: ConnectorConfigFormItemType.Text,
    required: required('replyTo'),
    placeholder: 'Support <support@example.com>, help@example.com',
    description:
      'Where replies go, if not to the sender: one address or a comma-separated list. A Logto email template with its own reply-to overrides it.',
  },
  {
    key: 'templates',
    label: 'Templates',
    type: ConnectorConfigFormItemType.Json,
    required: required('templates'),
    defaultValue: defaultTemplates,
    description: `One { usageType, subject, content, contentType } per Logto flow; usageType is SignIn, Register, ForgotPassword, OrganizationInvitation, Generic, UserPermissionValidation, BindNewIdentifier, MfaVerification or BindMfa; other usage types (Continue, Test in configs from before Logto 1.0) are kept but never used. A Generic template is required: types without their own template use it. contentType is "text/html" (default; a plain-text part is added) or "text/plain". Placeholders: ${logtoPlaceholders.map((path) => `{{${path}}}`).join(', ')}… Email templates stored in Logto take precedence: once Logto stores a Generic one in its default language, these are used only if Logto cannot be asked.`,
  },
  {
    key: 'sesTemplates',
    label: 'SES stored templates',
    type: ConnectorConfigFormItemType.Json,
    required: required('sesTemplates'),
    defaultValue: {},
    description:
      'Templates stored in Amazon SES, by usage type: {"SignIn": "logto-sign-in"} (a template name, or its ARN). Emails of those types use the SES template, with the Logto payload as its data ({{code}}, {{link}}, {{locale}}, {{application.name}}, {{organization.name}}, {{user.name}}…); this wins over Logto\'s per-language templates and the Templates above for those types. Other types keep the Templates above. Leave {} to use none.',
  },
  {
    key: 'configurationSetName',
    label: 'Configuration set',
    type: ConnectorConfigFormItemType.Text,
    required: required('configurationSetName'),
    placeholder: 'logto-auth',
    description:
      'An SES configuration set for event publishing, dedicated IPs or suppression rules (SES console > Configuration sets). Every message is tagged logto-usage-type = the Logto flow.',
  },
  {
    key: 'emailAddressIdentityArn',
    label: 'Sender identity ARN',
    type: ConnectorConfigFormItemType.Text,
    required: required('emailAddressIdentityArn'),
    placeholder: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
    description:
      "Only for sending authorization (an identity another AWS account owns): the ARN from the identity's page in the SES console.",
  },
  {
    key: 'feedbackForwardingEmailAddress',
    label: 'Feedback forwarding address',
    type: ConnectorConfigFormItemType.Text,
    required: required('feedbackForwardingEmailAddress'),
    placeholder: 'bounces@example.com',
    description: 'Where SES forwards bounce and complaint notifications, if not to the sender.',
  },
  {
    key: 'feedbackForwardingEmailAddressIdentityArn',
    label: 'Feedback forwarding identity ARN',
    type: ConnectorConfigFormItemType.Text,
    required: required('feedbackForwardingEmailAddressIdentityArn'),
    placeholder: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
    description:
      'Only for sending authorization: the ARN of the identity of the feedback forwarding address.',
  },
  {
    key: 'tags',
    label: 'Message tags',
    type: ConnectorConfigFormItemType.Json,
    required: required('tags'),
    defaultValue: {},
    description:
      'Extra SES message tags for every email, as a JSON object such as {"app": "logto"}: letters, digits, "_" and "-" only. Useful with a configuration set\'s event destinations.',
  },
  {
    key: 'endpoint',
    label: 'Endpoint URL',
    type: ConnectorConfigFormItemType.Text,
    required: required('endpoint'),
    placeholder: 'https://vpce-0123456789abcdef-abcdefgh.email.us-east-1.vpce.amazonaws.com',
    description:
      'Leave empty for the regional SES endpoint. Set it for a VPC interface endpoint, a proxy, or a local SES emulator (http://127.0.0.1:8005).',
  },
  {
    key: 'endpointId',
    label: 'Global endpoint ID',
    type: ConnectorConfigFormItemType.Text,
    required: required('endpointId'),
    placeholder: 'Endpoint ID from SES > Global endpoints',
    description:
      "Optional: the Endpoint ID of an SES multi-region (global) endpoint (SES console > Global endpoints). SES then splits sending between its two regions and fails over when one is impaired. Region must be the endpoint's primary region; the sender must be verified in both regions.",
  },
  {
    key: 'timeoutMs',
    label: 'Timeout (ms)',
    type: ConnectorConfigFormItemType.Number,
    required: required('timeoutMs'),
    defaultValue: defaultTimeoutMs,
    placeholder: String(defaultTimeoutMs),
    description: `The longest a send may take, retries included, in milliseconds (${configLimits.timeoutMs.min} to ${configLimits.timeoutMs.max}). A user waiting for a code sees an error after this, instead of a hanging page.`,
  },
  {
    key: 'retryPolicy',
    label: 'Retries',
    type: ConnectorConfigFormItemType.Select,
    required: required('retryPolicy'),
    defaultValue: retryPolicies[0],
    selectItems: [
      { value: 'deliver', title: 'Deliver: also retry server errors and resets (a duplicate is possible)' },
      { value: 'at-most-once', title: 'At most once: retry only what SES cannot have accepted' },
    ],
    description:
      'Deliver (the default) retries every failure SES recommends retrying, so a sign-in code has the best chance to arrive; a retried server error may send it twice. At most once never sends an email twice, and gives up after a server error or a reset.',
  },
  {
    key: 'tracking',
    label: 'Open and click tracking',
    type: ConnectorConfigFormItemType.Select,
    required: required('tracking'),
    defaultValue: trackingModes[0],
    selectItems: [
      { value: 'off', title: 'Off for every email (no tracking pixel, links left as written)' },
      { value: 'configuration-set', title: 'As the SES account and configuration set say' },
    ],
    description:
      'Off (the default) sends every email with SES open and click tracking disabled, even when the account or the configuration set enables it: no tracking pixel, and no link (an invitation link, say) rewritten through a tracking domain. "As the SES account and configuration set say" leaves tracking to them.',
  },
  {
    key: 'entityRefId',
    label: 'One thread per email',
    type: ConnectorConfigFormItemType.Select,
    required: required('entityRefId'),
    defaultValue: entityRefIdModes[0],
    selectItems: [
      { value: 'on', title: 'On: a fresh X-Entity-Ref-ID header on every email' },
      { value: 'off', title: 'Off' },
    ],
    description:
      'On (the default) gives every email its own random X-Entity-Ref-ID header, so Gmail shows each code as a new email instead of folding it into a conversation with the older ones (same subject, same sender).',
  },
  {
    key: 'headers',
    label: 'Email headers',
    type: ConnectorConfigFormItemType.Json,
    required: required('headers'),
    defaultValue: {},
    description: `Extra headers on every email, as a JSON object of header name to value, such as {"X-Logto-Tenant": "acme"}. One line of printable ASCII each (name up to ${headerLimits.name} characters without spaces or ":", value up to ${headerLimits.value}), at most ${headerLimits.count} headers. Headers the connector or SES writes itself (such as From, To, Cc, Bcc, Subject, Reply-To, Date, Message-ID, Return-Path, MIME and Content- headers, DKIM-Signature, X-Entity-Ref-ID, X-SES-…) are refused.`,
  },
  {
    key: 'tenantName',
    label: 'SES tenant',
    type: ConnectorConfigFormItemType.Text,
    required: required('tenantName'),
    placeholder: 'acme',
    description:
      'The SES tenant to send every email for (SES console > Tenants). SES accepts the email only when the sender identity, the configuration set and any template are associated with that tenant; the doctor checks them.',
  },
];

/** What Logto shows about this connector: names, logos, readme and the config form. */
export const metadata: ConnectorMetadata = {
  id: connectorId,
  target: 'aws-ses',
  platform: null,
  name: {
    en: 'Amazon SES',
    de: 'Amazon SES',
    fr: 'Amazon SES',
    ja: 'Amazon SES',
    'zh-CN': 'Amazon SES 邮件',
  },
  description: {
    en: 'Send Logto emails (sign-in codes, verification, invitations) through Amazon Simple Email Service.',
    de: 'Versendet Logto-E-Mails (Anmeldecodes, Bestätigungen, Einladungen) über Amazon Simple Email Service.',
    fr: 'Envoie les e-mails de Logto (codes de connexion, vérifications, invitations) via Amazon Simple Email Service.',
    ja: 'Logto のメール（サインインコード、確認、招待）を Amazon Simple Email Service で送信します。',
    'zh-CN': '通过 Amazon Simple Email Service 发送 Logto 邮件（登录验证码、验证、邀请）。',
  },
  logo: './logo.svg',
  logoDark: './logo-dark.svg',
  readme: './docs/console-guide.md',
  formItems,
};
