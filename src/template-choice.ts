import { type GetI18nEmailTemplate, TemplateType } from '@logto/connector-kit';

import { type ParsedTemplate } from './config.js';
import { templateNotFound } from './errors.js';
import { type ContentTemplate } from './render.js';

/** The template picked for one send, from Logto's per-language templates or from the config. */
export type ChosenTemplate = ContentTemplate & {
  /** Reply-To from a Logto per-language template; may hold placeholders. */
  replyTo?: string;
  /** From (a display name, an address, or `Name <address>`) from a Logto template; may hold placeholders. */
  sendFrom?: string;
  /** Where the template came from. */
  source: 'logto' | 'config';
};

/** How an error names the template of a send: where it came from and the usage type. */
export const templateNameOf = (template: Pick<ChosenTemplate, 'source'>, type: string): string =>
  template.source === 'logto'
    ? `email template for ${type} from Logto's email templates`
    : `email template for ${type} in the connector's templates`;

const fromLogto = async (
  getI18nEmailTemplate: GetI18nEmailTemplate,
  type: TemplateType,
  locale: string | undefined
): Promise<ChosenTemplate | undefined> => {
  try {
    const found: unknown = await getI18nEmailTemplate(type, locale);
    if (typeof found !== 'object' || found === null) {
      return undefined;
    }
    const { subject, content, contentType, replyTo, sendFrom } = found as Record<string, unknown>;
    if (typeof subject !== 'string' || typeof content !== 'string' || !content) {
      return undefined;
    }
    return {
      subject,
      content,
      contentType: contentType === 'text/plain' ? 'text/plain' : 'text/html',
      ...(typeof replyTo === 'string' && replyTo.trim() && { replyTo }),
      ...(typeof sendFrom === 'string' && sendFrom.trim() && { sendFrom }),
      source: 'logto',
    };
  } catch {
    // Logto's template store failing must not stop a sign-in: the config templates still apply.
    return undefined;
  }
};

/**
 * Picks the template for one send, in this order: Logto's per-language template for the type
 * and locale (when Logto provides the lookup; a failure there is ignored) → the config template
 * for the exact usage type → the config's Generic template.
 *
 * @throws ConnectorError(TemplateNotFound) naming the type when none applies.
 */
export const chooseTemplate = async ({
  type,
  locale,
  templates,
  getI18nEmailTemplate,
}: {
  type: TemplateType;
  locale?: string;
  templates: readonly ParsedTemplate[];
  getI18nEmailTemplate?: GetI18nEmailTemplate;
}): Promise<ChosenTemplate> => {
  const logtoTemplate = getI18nEmailTemplate && (await fromLogto(getI18nEmailTemplate, type, locale));
  if (logtoTemplate) {
    return logtoTemplate;
  }
  const configTemplate =
    templates.find(({ usageType }) => usageType === type) ??
    templates.find(({ usageType }) => usageType === TemplateType.Generic);
  if (!configTemplate) {
    throw templateNotFound(
      `No email template for usage type ${type}: add a ${type} or ${TemplateType.Generic} template to the connector's templates.`
    );
  }
  const { subject, content, contentType } = configTemplate;
  return { subject, content, contentType, source: 'config' };
};
