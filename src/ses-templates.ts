// Templates stored in SES (`sesTemplates`): which usage types use one, and the SendEmail
// `Content.Template` that names it and carries the Logto payload as its `TemplateData`.
import { type EmailContent, type MessageHeader } from '@aws-sdk/client-sesv2';

import { type ParsedConfig, type UsageType } from './config.js';
import { generalError } from './errors.js';

/** SES's limit on `TemplateData`: 30 KB of JSON. */
export const maxTemplateDataBytes = 30 * 1024;

/** An email of this usage type is sent with a template stored in SES. */
export type StoredTemplate = {
  source: 'ses';
  usageType: UsageType;
  /** The template's name, or its ARN (`arn:aws:ses:<region>:<account>:template/<name>`). */
  reference: string;
};

/** Whether a `sesTemplates` value is an ARN (sent as `TemplateArn`) rather than a name. */
export const isTemplateArn = (reference: string): boolean => reference.startsWith('arn:');

/** The template's name: the value itself, or the part of its ARN after `template/`. */
export const templateNameOf = (reference: string): string =>
  isTemplateArn(reference)
    ? reference.slice(reference.indexOf(':template/') + ':template/'.length)
    : reference;

/**
 * The stored SES template for a usage type, when `sesTemplates` names one for exactly that type.
 * It wins over Logto's per-language templates and the config's `templates`; there is no
 * fallback to a stored `Generic` template for other types.
 */
export const storedTemplateFor = (
  { sesTemplates }: Pick<ParsedConfig, 'sesTemplates'>,
  type: string
): StoredTemplate | undefined => {
  const reference =
    sesTemplates && Object.hasOwn(sesTemplates, type) ? sesTemplates[type as UsageType] : undefined;
  return reference ? { source: 'ses', usageType: type as UsageType, reference } : undefined;
};

const templateDataOf = (template: StoredTemplate, payload: Record<string, unknown>): string => {
  let data: string;
  try {
    data = JSON.stringify(payload);
  } catch (error: unknown) {
    throw generalError(
      `The payload of this ${template.usageType} email cannot be written as JSON for the SES template ${template.reference}.`,
      error
    );
  }
  const bytes = Buffer.byteLength(data);
  if (bytes > maxTemplateDataBytes) {
    throw generalError(
      `The payload of this ${template.usageType} email is ${Math.ceil(bytes / 1024)} KB as JSON, more than the 30 KB Amazon SES accepts as the data of a stored template (${template.reference}): shorten the values the caller passes (organization, user or application names), or remove ${template.usageType} from sesTemplates to use the connector's own templates.`
    );
  }
  return data;
};

/**
 * The SendEmail `Content` for a stored template: its name (or ARN) and `TemplateData`, the Logto
 * payload as JSON (`code`, `link`, `locale`, `user`, `application`, `organization`,
 * `inviter`…), which SES's Handlebars placeholders read. `headers`, when given and not empty,
 * become the template's `Headers`.
 *
 * @throws ConnectorError(General) when the payload is larger than SES's 30 KB limit.
 */
export const toTemplateContent = (
  template: StoredTemplate,
  payload: Record<string, unknown>,
  headers?: readonly MessageHeader[]
): EmailContent => ({
  Template: {
    ...(isTemplateArn(template.reference)
      ? { TemplateArn: template.reference }
      : { TemplateName: template.reference }),
    TemplateData: templateDataOf(template, payload),
    ...(headers && headers.length > 0 && { Headers: [...headers] }),
  },
});
