import { type ConnectorError, TemplateType } from '@logto/connector-kit';
import { type ZodError } from 'zod';

import { type ParsedConfig, parseConfig } from '../config.js';
import { type SendContext } from '../errors.js';
import { createSendMessage } from '../send-message.js';
import { withSesClient } from '../ses-client.js';

import {
  type DoctorContext,
  type SenderRead,
  checkAccount,
  checkConfigurationSet,
  checkDkim,
  checkMailFrom,
  checkQuota,
  checkRecipient,
  checkSandbox,
  checkSenderIdentity,
  readAccount,
  readSender,
} from './checks.js';
import { checkCredentials } from './credentials.js';
import { checkMultiRegionEndpoint } from './multi-region-endpoint.js';
import { checkOtherRegions } from './other-regions.js';
import { type DoctorCheck, type DoctorCheckId, type DoctorReport, doctorCheckIds } from './report.js';
import { checkSesTemplates } from './ses-templates.js';

/** The code of the doctor's test email, as the Console's "Send test email" sends it. */
export const doctorTestCode = '000000';

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
const configProblems = (error: unknown): string[] => {
  const { issues } = (error as ConnectorError).data as ZodError;
  return issues.map(({ path, message }) => `${path.length > 0 ? `${path.join('.')}: ` : ''}${message}`);
};

const rawRegion = (config: unknown): string => {
  const region = (config as { region?: unknown } | null)?.region;
  return typeof region === 'string' ? region.trim().toLowerCase() : '';
};

const secretsOf = (config: ParsedConfig): string[] =>
  [config.accessKeySecret, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN].filter(
    (secret): secret is string => Boolean(secret)
  );

const contextOf = (config: ParsedConfig): SendContext => ({
  region: config.region,
  host: config.endpoint ? new URL(config.endpoint).host : `email.${config.region}.amazonaws.com`,
  timeoutMs: config.timeoutMs,
  secrets: secretsOf(config),
});

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
      { to, type: TemplateType.Generic, payload: { code: doctorTestCode } },
      config
    );
    return {
      id: 'test-send',
      status: 'pass',
      summary: `Sent the ${TemplateType.Generic} test email (code ${doctorTestCode}) to ${to}: MessageId ${String(messageId)}.`,
    };
  } catch (error: unknown) {
    // sendMessage throws only the host's ConnectorError, with an errorDescription for SES failures.
    const { code, data } = error as ConnectorError;
    const description = (data as { errorDescription?: unknown } | undefined)?.errorDescription;
    return {
      id: 'test-send',
      status: 'fail',
      summary: `SES did not accept the test email to ${to} in ${region} (${code}).`,
      fix: typeof description === 'string' ? description : JSON.stringify(data),
    };
  }
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
  const found: Partial<Record<DoctorCheckId, DoctorCheck>> = {
    config: { id: 'config', status: 'pass', summary: `The config is valid (SES region ${config.region}).` },
  };
  const context = contextOf(config);
  try {
    return await withSesClient(config, async (client) => {
      const doctor: DoctorContext = { config, client, context };
      progress('credentials');
      found.credentials = await checkCredentials(config, client, context.secrets);
      if (found.credentials.status === 'fail') {
        return report(config.region, found, 'no AWS credentials');
      }
      progress('account');
      const account = await readAccount(doctor);
      found.account = checkAccount(account, doctor);
      found.sandbox = checkSandbox(account, doctor);
      found.quota = checkQuota(account, doctor);
      const unreachable = found.account.status === 'fail' && 'error' in account;
      if (!unreachable) {
        progress('sender identity, configuration set, recipient');
        const from = config.emailAddress?.address;
        const [sender, configurationSet, recipient] = await Promise.all([
          from === undefined ? Promise.resolve<SenderRead | undefined>(undefined) : readSender(doctor, from),
          checkConfigurationSet(doctor),
          checkRecipient(doctor, to, account),
        ]);
        found['sender-identity'] = checkSenderIdentity(sender, doctor);
        found.dkim = checkDkim(sender, doctor);
        found['mail-from'] = checkMailFrom(sender, doctor);
        found['configuration-set'] = configurationSet;
        found.recipient = recipient;
        if (found['sender-identity'].status === 'fail') {
          progress('other SES regions');
        }
        found['other-regions'] = await checkOtherRegions(config, sender, found['sender-identity']);
        progress('multi-region endpoint, SES templates');
        [found['multi-region-endpoint'], found['ses-templates']] = await Promise.all([
          checkMultiRegionEndpoint(doctor, sender),
          checkSesTemplates(doctor),
        ]);
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
