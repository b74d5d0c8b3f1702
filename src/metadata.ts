import { ConnectorConfigFormItemType, type ConnectorMetadata } from '@logto/connector-kit';

import { configShape, defaultTimeoutMs, retryPolicies } from './config.js';
import { defaultTemplates } from './default-templates.js';
import { logtoPlaceholders } from './placeholders.js';

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
    description: `One { usageType, subject, content, contentType } per Logto flow; usageType is SignIn, Register, ForgotPassword, OrganizationInvitation, Generic, UserPermissionValidation, BindNewIdentifier, MfaVerification or BindMfa. A Generic template is required: types without their own template use it. contentType is "text/html" (default; a plain-text part is added) or "text/plain". Placeholders: ${logtoPlaceholders.map((path) => `{{${path}}}`).join(', ')}… Logto's per-language email templates take precedence.`,
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
    key: 'timeoutMs',
    label: 'Timeout (ms)',
    type: ConnectorConfigFormItemType.Number,
    required: required('timeoutMs'),
    defaultValue: defaultTimeoutMs,
    placeholder: String(defaultTimeoutMs),
    description:
      'The longest a send may take, retries included, in milliseconds (500 to 300000). A user waiting for a code sees an error after this, instead of a hanging page.',
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
