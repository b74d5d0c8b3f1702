import {
  ConnectorError,
  type GetConnectorConfig,
  type GetI18nEmailTemplate,
  type SendMessageFunction,
  TemplateType,
} from '@logto/connector-kit';

import { type ParsedConfig } from './config.js';
import { parseConfigCached } from './config-cache.js';
import { diagnoseSendFailure } from './diagnosis.js';
import {
  SendTimeoutError,
  generalError,
  hostTimeout,
  unexpectedFailure,
  unreadableConfig,
} from './errors.js';
import { toSendEmailInput } from './send-email-input.js';
import { connectorId } from './metadata.js';
import { localeOf, payloadOf } from './placeholders.js';
import { knownSecrets } from './redact.js';
import { SendBudget } from './send-budget.js';
import { sendEmail, sesFailure } from './send-email.js';
import { storedTemplateFor } from './ses-templates.js';
import { chooseTemplate } from './template-choice.js';

const readConfig = async (getConfig: GetConnectorConfig): Promise<unknown> => {
  try {
    return await getConfig(connectorId);
  } catch (error: unknown) {
    if (error instanceof ConnectorError) {
      throw error;
    }
    throw unreadableConfig(error);
  }
};

const usageTypes: ReadonlySet<string> = new Set(Object.values(TemplateType));

/** Checks that a send names its usage type: Logto always does, a hand-written caller may not. */
const checkUsageType = (data: unknown): void => {
  const type: unknown =
    typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !type) {
    throw generalError(
      `sendMessage needs the usage type of the email (data.type), one of ${[...usageTypes].join(', ')}; it got ${typeof type === 'string' ? 'an empty string' : typeof type}.`
    );
  }
};

/**
 * What a failure of a send becomes: the host's ConnectorError with a sentence, whatever threw it.
 * The budget's timeout names the step that was running; anything unforeseen is `general`.
 */
const failureOf = (error: unknown, budget: SendBudget, config: ParsedConfig | undefined): ConnectorError => {
  if (error instanceof ConnectorError) {
    return error;
  }
  if (error instanceof SendTimeoutError) {
    return error.phase === 'send' && config
      ? sesFailure(error, config, budget)
      : hostTimeout(error.phase === 'config' ? 'config' : 'template', error.timeoutMs);
  }
  return unexpectedFailure(error, knownSecrets(config?.accessKeySecret));
};

/**
 * The connector's `sendMessage`: config (the one passed, as the Console's test sends it, or
 * Logto's stored one) → parsed config → chosen template → rendered message → SES `SendEmail`
 * → the SES MessageId, or the host's `ConnectorError`. The whole sequence runs within the
 * config's `timeoutMs`, counted from the call.
 */
export const createSendMessage =
  ({
    getConfig,
    getI18nEmailTemplate,
  }: {
    getConfig: GetConnectorConfig;
    getI18nEmailTemplate?: GetI18nEmailTemplate | undefined;
  }): SendMessageFunction =>
  async (data, inputConfig) => {
    const budget = new SendBudget();
    let config: ParsedConfig | undefined;
    const sequence = async () => {
      config = parseConfigCached(inputConfig ?? (await readConfig(getConfig)));
      budget.limitTo(config.timeoutMs);
      checkUsageType(data);
      const { to, type } = data;
      const payload = payloadOf(data);
      const locale = localeOf(payload);
      budget.phase = 'template';
      // A template stored in SES for this type wins; Logto's lookup is then not needed.
      const template =
        storedTemplateFor(config, type) ??
        (await chooseTemplate({
          type,
          ...(locale && { locale }),
          templates: config.templates,
          ...(getI18nEmailTemplate && { getI18nEmailTemplate }),
        }));
      budget.phase = 'send';
      const input = toSendEmailInput({ config, template, payload, to, type });
      try {
        // Awaited, not returned: without the `await` a rejection would bypass the catch below.
        return await sendEmail(config, input, budget);
      } catch (error: unknown) {
        // Failure path only: a "not verified" rejection gets a precise diagnosis, within what is
        // left of the budget (src/diagnosis.ts); every other failure passes through unchanged.
        throw error instanceof ConnectorError
          ? await diagnoseSendFailure(error, {
              error: error.cause,
              config,
              input,
              startedAt: budget.startedAt,
            })
          : error;
      }
    };
    try {
      return await Promise.race([sequence(), budget.expired]);
    } catch (error: unknown) {
      throw failureOf(error, budget, config);
    } finally {
      budget.end();
    }
  };
