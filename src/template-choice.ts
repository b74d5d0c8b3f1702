import { type GetI18nEmailTemplate, TemplateType } from '@logto/connector-kit';

import { type ParsedTemplate, isLogtoUsageType } from './config.js';
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
 * Picks the template for one send. Logto's answer comes first: when Logto provides
 * `getI18nEmailTemplate` (it does for every send, the Console's "Send test email" included) and
 * returns a template, that template is used. Logto 1.42 answers with the first it stores of:
 * the type in the payload's locale (when there is one) → the type in the sign-in experience's
 * fallback language → the `Generic` type in the fallback language. Only when Logto has none of
 * these (or its lookup fails, which is ignored) does the config decide: its template for the
 * exact usage type → its `Generic` template.
 *
 * So a `Generic` template stored in Logto in the fallback language is used for every type Logto
 * stores no template of its own for, even one the config has a template for. This is Logto's
 * order, kept on purpose: Logto's answer does not say which of its steps found it, and Logto's
 * stored templates are meant to replace the connector's.
 *
 * A config template whose usage type Logto never sends (`Continue`, `Test`) is never picked for
 * Logto's types: see {@link templatesNeverChosen}.
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

/**
 * The usage types of config templates that are never chosen because Logto never sends them
 * (`Continue` and `Test` from configs older than Logto 1.0, or a misspelt type), in config order.
 */
export const templatesNeverChosen = (templates: readonly Pick<ParsedTemplate, 'usageType'>[]): string[] =>
  templates.map(({ usageType }) => usageType).filter((usageType) => !isLogtoUsageType(usageType));
