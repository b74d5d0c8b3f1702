import { type EmailContent, type MessageHeader, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';

import { type ParsedConfig, usageTypeTagName } from './config.js';
import { generalError, invalidConfig } from './errors.js';
import { type Mailbox, formatMailbox, normalizeAddress, splitMailbox, splitMailboxList } from './mailbox.js';
import { messageHeadersFor } from './message-headers.js';
import { endpointIdField } from './multi-region.js';
import { renderContent, renderHeaderText } from './render.js';
import { type StoredTemplate, toTemplateContent } from './ses-templates.js';
import { type ChosenTemplate, templateNameOf } from './template-choice.js';
import { trackingOverridesFor } from './tracking.js';

/** What a Logto template may add to the envelope: its sender and reply-to (stored SES templates add neither). */
type EnvelopeParts = Pick<ChosenTemplate, 'sendFrom' | 'replyTo'>;

const charset = 'UTF-8';

const unusableMailbox = (field: string, written: string, rendered: string) =>
  generalError(
    `The ${field} of Logto's email template, "${written}", gives "${rendered}", which is not an email address: fix it in Logto's email templates (Console > Branding > Email templates, or the Management API).`
  );

/**
 * Fills in a mailbox written in a Logto template. The name and address are split before the
 * placeholders are filled, so an inserted value (an application name) cannot change the address.
 */
const renderMailbox = (
  field: string,
  written: string,
  payload: Record<string, unknown>,
  fallback: Mailbox | undefined
): Mailbox | undefined => {
  const parts = splitMailbox(written);
  if (!parts) {
    throw unusableMailbox(field, written, written);
  }
  const name = parts.name === undefined ? fallback?.name : renderHeaderText(parts.name, payload);
  if (parts.address === undefined) {
    return fallback && { ...(name && { name }), address: fallback.address };
  }
  const renderedAddress = renderHeaderText(parts.address, payload);
  const address = normalizeAddress(renderedAddress);
  if (!address) {
    throw unusableMailbox(field, written, renderedAddress);
  }
  return { ...(name && { name }), address };
};

const senderOf = (
  config: ParsedConfig,
  template: EnvelopeParts,
  payload: Record<string, unknown>
): Mailbox => {
  const sender = template.sendFrom
    ? renderMailbox('sender (sendFrom)', template.sendFrom, payload, config.emailAddress)
    : config.emailAddress;
  if (!sender) {
    throw invalidConfig([
      {
        code: 'custom',
        path: ['emailAddress'],
        message:
          'emailAddress is required: the verified SES identity to send from, such as Logto <noreply@example.com>.',
      },
    ]);
  }
  return sender;
};

const replyToOf = (
  config: ParsedConfig,
  template: EnvelopeParts,
  payload: Record<string, unknown>
): Mailbox[] => {
  if (!template.replyTo) {
    return config.replyTo ?? [];
  }
  return splitMailboxList(template.replyTo).map((written) => {
    const parts = splitMailbox(written);
    // A lone word here is an address, e.g. {{inviter.primaryEmail}}, not a display name.
    const asAddress = parts?.address === undefined && parts?.name ? `<${parts.name}>` : written;
    const mailbox = renderMailbox('reply-to address (replyTo)', asAddress, payload, undefined);
    if (!mailbox) {
      throw unusableMailbox('reply-to address (replyTo)', written, written);
    }
    return mailbox;
  });
};

const recipientOf = (to: unknown): string => {
  const address = typeof to === 'string' ? normalizeAddress(to.trim()) : undefined;
  if (!address) {
    throw generalError(
      `The recipient ${JSON.stringify(to)} is not an email address Amazon SES can deliver to.`
    );
  }
  return address;
};

const simpleContentOf = (
  template: ChosenTemplate,
  payload: Record<string, unknown>,
  headers: MessageHeader[],
  templateName: string
): EmailContent => {
  const { subject, html, text } = renderContent(template, payload, templateName);
  return {
    Simple: {
      Subject: { Data: subject, Charset: charset },
      Body: {
        ...(html !== undefined && { Html: { Data: html, Charset: charset } }),
        Text: { Data: text, Charset: charset },
      },
      ...(headers.length > 0 && { Headers: headers }),
    },
  };
};

/**
 * Builds the SES v2 `SendEmail` input for one send: From (the config address, or the rendered
 * `sendFrom` of a Logto template), Reply-To, the destination, the content (the rendered subject
 * and body parts in UTF-8, or a template stored in SES with the payload as its data), the
 * multi-region endpoint if any, the message tags (one names the usage type), and, whichever the
 * content, the custom headers (the operator's and a fresh `X-Entity-Ref-ID`), the tracking
 * override and the SES tenant.
 */
export const toSendEmailInput = ({
  config,
  template,
  payload,
  to,
  type,
}: {
  config: ParsedConfig;
  template: ChosenTemplate | StoredTemplate;
  payload: Record<string, unknown>;
  to: unknown;
  type: string;
}): SendEmailCommandInput => {
  const destination = recipientOf(to);
  const envelope: EnvelopeParts = template.source === 'ses' ? {} : template;
  const sender = senderOf(config, envelope, payload);
  const replyTo = replyToOf(config, envelope, payload);
  // One list per email (a fresh X-Entity-Ref-ID), on whichever content it is sent with.
  const headers = messageHeadersFor(config);
  const content =
    template.source === 'ses'
      ? toTemplateContent(template, payload, headers)
      : simpleContentOf(template, payload, headers, templateNameOf(template, type));
  const tags = Object.entries(config.tags ?? {}).map(([Name, Value]) => ({ Name, Value }));

  return {
    FromEmailAddress: formatMailbox(sender),
    ...(config.emailAddressIdentityArn && {
      FromEmailAddressIdentityArn: config.emailAddressIdentityArn,
    }),
    Destination: { ToAddresses: [destination] },
    ...(replyTo.length > 0 && { ReplyToAddresses: replyTo.map(formatMailbox) }),
    ...(config.feedbackForwardingEmailAddress && {
      FeedbackForwardingEmailAddress: config.feedbackForwardingEmailAddress,
    }),
    ...(config.feedbackForwardingEmailAddressIdentityArn && {
      FeedbackForwardingEmailAddressIdentityArn: config.feedbackForwardingEmailAddressIdentityArn,
    }),
    ...(config.configurationSetName && { ConfigurationSetName: config.configurationSetName }),
    ...endpointIdField(config),
    EmailTags: [{ Name: usageTypeTagName, Value: type.replaceAll(/[^\w-]/g, '_') || 'unknown' }, ...tags],
    ...(config.tenantName && { TenantName: config.tenantName }),
    ...trackingOverridesFor(config.tracking),
    Content: content,
  };
};
