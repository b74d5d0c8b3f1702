import { type ConnectorError, TemplateType } from '@logto/connector-kit';

import { type ParsedConfig, logtoUsageTypes, parseConfig } from '../config.js';
import { type SendContext, configIssuesOf, errorDescriptionOf } from '../errors.js';
import { knownSecrets } from '../redact.js';
import { createSendMessage } from '../send-message.js';
import { type AccountRead, type SenderRead, readAccount, readSender } from '../ses-read.js';
import { withSesClient } from '../ses-clients.js';
import { templatesNeverChosen } from '../template-choice.js';
import { consoleTestCode } from '../test-email.js';

import {
  type DoctorContext,
  checkAccount,
  checkConfigurationSet,
  checkDkim,
  checkMailFrom,
  checkQuota,
  checkRecipient,
  checkSandbox,
  checkSenderIdentity,
} from './checks.js';
import { checkCredentials } from './credentials.js';
import { checkMultiRegionEndpoint } from './multi-region-endpoint.js';
import { checkOtherRegions } from './other-regions.js';
import { describeSendOptions } from './send-options.js';
import { checkTenant } from './tenant.js';
import { type DoctorCheck, type DoctorCheckId, type DoctorReport, doctorCheckIds } from './report.js';
import { checkSesTemplates } from './ses-templates.js';

/** Options of {@link runDoctor}. */
export type DoctorOptions = {
  /** A recipient to check (suppression list; verified identity in the sandbox). @default undefined */
  to?: string | undefined;
  /** Also send the Generic test email to `to`, as the Console does. @default false */
  send?: boolean | undefined;
  /** Called with a short label as each stage starts (the CLI's spinner shows it). */
  onProgress?: ((label: string) => void) | undefined;
};

/** parseConfig throws `ConnectorError(InvalidConfig, zodError)`: one line per zod issue. */
const configProblems = (error: unknown): string[] =>
  configIssuesOf(error).map(
    ({ path, message }) => `${path.length > 0 ? `${path.join('.')}: ` : ''}${message}`
  );

const rawRegion = (config: unknown): string => {
  const region = (config as { region?: unknown } | null)?.region;
  return typeof region === 'string' ? region.trim().toLowerCase() : '';
};

/**
 * The endpoint the client uses instead of SES's regional one: the config's `endpoint`, else the
 * AWS SDK's own `AWS_ENDPOINT_URL_SESV2` / `AWS_ENDPOINT_URL` (unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`).
 */
const endpointOverrideOf = (config: ParsedConfig): string | undefined => {
  const { env } = process;
  const fromEnvironment =
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'
      ? undefined
      : env.AWS_ENDPOINT_URL_SESV2 || env.AWS_ENDPOINT_URL || undefined;
  return config.endpoint ?? fromEnvironment;
};

const hostOf = (endpoint: string): string => {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
};

const contextOf = (config: ParsedConfig, endpointOverride: string | undefined): SendContext => ({
  region: config.region,
  host: endpointOverride ? hostOf(endpointOverride) : `email.${config.region}.amazonaws.com`,
  timeoutMs: config.timeoutMs,
  secrets: knownSecrets(config.accessKeySecret),
});

/** `signin: did you mean SignIn?` for a usage type that differs from Logto's only in case. */
const spellingHint = (usageType: string): string => {
  const meant = logtoUsageTypes.find((type) => type.toLowerCase() === usageType.toLowerCase());
  return meant ? ` (${usageType}: did you mean ${meant}?)` : '';
};

/** The config passes, or warns when it holds templates Logto never asks for (`Continue`, `Test`). */
const checkParsedConfig = (config: ParsedConfig): DoctorCheck => {
  const valid = `The config is valid (SES region ${config.region}; ${describeSendOptions(config)})`;
  const unused = templatesNeverChosen(config.templates);
  if (unused.length === 0) {
    return { id: 'config', status: 'pass', summary: `${valid}.` };
  }
  return {
    id: 'config',
    status: 'warn',
    summary: `${valid}, but its template${unused.length === 1 ? '' : 's'} for ${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} never used: Logto sends no such usage type.`,
    fix: `Logto sends only ${logtoUsageTypes.join(', ')}${unused.map(spellingHint).join('')}. Remove the unused templates, or rename each to the usage type it is meant for.`,
  };
};

const skipped = (id: DoctorCheckId, why: string): DoctorCheck => ({
  id,
  status: 'skip',
  summary: `Not checked: ${why}.`,
});

const report = (
  region: string,
  found: Partial<Record<DoctorCheckId, DoctorCheck>>,
  why: string
): DoctorReport => {
  const checks = doctorCheckIds.map((id) => found[id] ?? skipped(id, why));
  return { ok: checks.every(({ status }) => status !== 'fail'), region, checks };
};

const testSend = async (config: unknown, to: string, region: string): Promise<DoctorCheck> => {
  try {
    const sendMessage = createSendMessage({ getConfig: async () => Promise.resolve(config) });
    const messageId: unknown = await sendMessage(
      { to, type: TemplateType.Generic, payload: { code: consoleTestCode } },
      config
    );
    return {
      id: 'test-send',
      status: 'pass',
      summary: `Sent the ${TemplateType.Generic} test email (code ${consoleTestCode}) to ${to}: MessageId ${String(messageId)}.`,
    };
  } catch (error: unknown) {
    // sendMessage throws only the host's ConnectorError, with an errorDescription for SES failures.
    const { code, data } = error as ConnectorError;
    return {
      id: 'test-send',
      status: 'fail',
      summary: `SES did not accept the test email to ${to} in ${region} (${code}).`,
      fix: errorDescriptionOf(error) ?? JSON.stringify(data),
    };
  }
};

type Found = Partial<Record<DoctorCheckId, DoctorCheck>>;

/**
 * The checks that read the account's identities, configuration set, stored templates, tenant and
 * recipient, then the sender in other regions: run once `GetAccount` answered.
 */
const checkAccountResources = async (
  doctor: DoctorContext,
  found: Found,
  {
    to,
    account,
    progress,
  }: { to: string | undefined; account: AccountRead; progress: (label: string) => void }
): Promise<void> => {
  const { config, client, endpointOverride } = doctor;
  progress('sender identity, configuration set, SES templates, tenant, recipient');
  const from = config.emailAddress?.address;
  const [sender, configurationSet, sesTemplates, tenant, recipient] = await Promise.all([
    from === undefined
      ? Promise.resolve<SenderRead | undefined>(undefined)
      : readSender(client, from, config.timeoutMs),
    checkConfigurationSet(doctor),
    checkSesTemplates(doctor),
    checkTenant(doctor),
    checkRecipient(doctor, to, account),
  ]);
  found['sender-identity'] = checkSenderIdentity(sender, doctor);
  found.dkim = checkDkim(sender, doctor);
  found['mail-from'] = checkMailFrom(sender, doctor);
  found['configuration-set'] = configurationSet;
  found['ses-templates'] = sesTemplates;
  found.tenant = tenant;
  found.recipient = recipient;
  // Both read the sender in other regions, each with clients of its own.
  const elsewhere = [
    ...(found['sender-identity'].status === 'fail' ? ['other SES regions'] : []),
    ...(config.endpointId ? ['multi-region endpoint'] : []),
  ];
  if (elsewhere.length > 0) {
    progress(elsewhere.join(', '));
  }
  // Their clients use this client's credentials: resolved once per run.
  [found['other-regions'], found['multi-region-endpoint']] = await Promise.all([
    checkOtherRegions(config, sender, found['sender-identity'], {
      endpointOverride,
      credentials: client.config.credentials,
    }),
    checkMultiRegionEndpoint(doctor, sender),
  ]);
};

/**
 * Checks a connector config end to end with the credentials, region and endpoint a send would
 * use (the same cached SES client), and returns one {@link DoctorCheck} per id of
 * {@link doctorCheckIds}, in that order. An invalid config fails `config` and sends no request.
 * Only reads are made, except the test email with `send`. Never throws; holds no secret.
 *
 * @example
 * ```ts
 * const report = await runDoctor(config, { to: 'me@example.com' });
 * console.log(formatDoctorReport(report));
 * ```
 */
export const runDoctor = async (rawConfig: unknown, options: DoctorOptions = {}): Promise<DoctorReport> => {
  const progress = options.onProgress ?? (() => undefined);
  const to = options.to?.trim() ? options.to.trim() : undefined;
  progress('config');
  let config: ParsedConfig;
  try {
    config = parseConfig(rawConfig);
  } catch (error: unknown) {
    const problems = configProblems(error);
    return report(
      rawRegion(rawConfig),
      {
        config: {
          id: 'config',
          status: 'fail',
          summary: `The config is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}).`,
          fix: problems.join(' '),
        },
      },
      'the config is invalid'
    );
  }
  const found: Found = {
    config: checkParsedConfig(config),
  };
  const endpointOverride = endpointOverrideOf(config);
  const context = contextOf(config, endpointOverride);
  try {
    return await withSesClient(config, async (client) => {
      const doctor: DoctorContext = { config, client, context, endpointOverride };
      progress('credentials');
      found.credentials = await checkCredentials(config, client, context.secrets);
      if (found.credentials.status === 'fail') {
        return report(config.region, found, 'no AWS credentials');
      }
      progress('account');
      const account = await readAccount(client, config.timeoutMs);
      found.account = checkAccount(account, doctor);
      found.sandbox = checkSandbox(account, doctor);
      found.quota = checkQuota(account, doctor);
      const unreachable = found.account.status === 'fail' && 'error' in account;
      if (!unreachable) {
        await checkAccountResources(doctor, found, { to, account, progress });
      }
      if (options.send && to) {
        progress('test email');
        found['test-send'] = await testSend(rawConfig, to, config.region);
      } else {
        found['test-send'] = {
          id: 'test-send',
          status: 'skip',
          summary: options.send
            ? 'Give --to <address> with --send.'
            : 'Give --send (with --to) to send a test email.',
        };
      }
      return report(config.region, found, 'SES did not answer GetAccount (see account)');
    });
  } catch (error: unknown) {
    /* v8 ignore start -- not expected: every check catches its own failures; keep the report shape anyway */
    const stopped = doctorCheckIds.find((id) => !found[id]) ?? 'test-send';
    found[stopped] = {
      id: stopped,
      status: 'fail',
      summary: `The doctor stopped unexpectedly: ${error instanceof Error ? error.name : 'error'}.`,
      fix: 'Run the doctor again; report it if it persists.',
    };
    return report(config.region, found, 'the doctor stopped');
    /* v8 ignore stop */
  }
};
