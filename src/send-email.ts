import { SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';

import { type ParsedConfig } from './config.js';
import { type SendContext, toConnectorError } from './errors.js';
import { sendHostOf } from './multi-region.js';
import { knownSecrets } from './redact.js';
import { type SendBudget } from './send-budget.js';
import { type ConnectionSettings, hasStaticKeys, withSesClient } from './ses-clients.js';

/**
 * What a send needs of the config: where to connect, and for its errors how long it may take and
 * which multi-region endpoint it went to.
 */
export type SendSettings = ConnectionSettings &
  Pick<ParsedConfig, 'timeoutMs'> &
  Pick<Partial<ParsedConfig>, 'endpointId'>;

const sendContextOf = (settings: SendSettings, budget: SendBudget): SendContext => ({
  region: settings.region,
  host: sendHostOf(settings),
  timeoutMs: budget.timeoutMs,
  secrets: knownSecrets(settings.accessKeySecret),
  credentialsPending: budget.credentialsPending,
});

/** The host's ConnectorError for anything a send through SES threw (the budget's timeout too). */
export const sesFailure = (error: unknown, settings: SendSettings, budget: SendBudget) =>
  toConnectorError(error, sendContextOf(settings, budget));

/**
 * Marks the budget's credentials as pending from the start of this command's middleware
 * (`initialize` step) until its `build` step, which runs once the SDK found credentials (it
 * resolves them in the `serialize` step between). Added only on the default credential chain,
 * whose last link (the EC2 instance metadata service) may never answer.
 */
const watchCredentials = (command: SendEmailCommand, budget: SendBudget) => {
  command.middlewareStack.add(
    (next) => async (args) => {
      budget.credentialsPending = true;
      return next(args);
    },
    { step: 'initialize', name: 'connectorAwsSesCredentialsPending' }
  );
  command.middlewareStack.add(
    (next) => async (args) => {
      budget.credentialsPending = false;
      return next(args);
    },
    { step: 'build', name: 'connectorAwsSesCredentialsFound' }
  );
};

/**
 * Sends one email through the cached client for `settings`, within the budget: its signal
 * aborts the request in flight and the SDK's retries. Returns the SES MessageId, or throws the
 * host's ConnectorError.
 */
export const sendEmail = async (
  settings: SendSettings,
  input: SendEmailCommandInput,
  budget: SendBudget
): Promise<string | undefined> => {
  const command = new SendEmailCommand(input);
  if (!hasStaticKeys(settings)) {
    watchCredentials(command, budget);
  }
  try {
    const output = await withSesClient(settings, async (client) =>
      client.send(command, { abortSignal: budget.signal })
    );
    return output.MessageId;
  } catch (error: unknown) {
    throw sesFailure(error, settings, budget);
  }
};
