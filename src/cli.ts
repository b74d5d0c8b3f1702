#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';

import { parseCommandArgs, usageError } from './cli-args.js';
import { readConfigFile } from './config-file.js';
import { consoleTestCode } from './test-email.js';

// Built as its own file that imports the connector from ./index.js at run time: the bundle is
// shipped once, and the CLI sends exactly what Logto would load.
import createConnector, {
  configIssuesOf,
  doctorCommand,
  errorDescriptionOf,
  parseConfig,
  resetConnectorState,
} from './index.js';

/** Where the CLI writes; tests pass their own. */
export type CliOutput = {
  out: (line: string) => void;
  err: (line: string) => void;
};

/* v8 ignore start -- process glue; test/cli.test.ts runs it by spawning the built lib/cli.js */
const consoleOutput: CliOutput = {
  out: (line) => {
    process.stdout.write(`${line}\n`);
  },
  err: (line) => {
    process.stderr.write(`${line}\n`);
  },
};
/* v8 ignore stop */

const usageTypes = Object.values(TemplateType);

export const usage = `Usage: connector-aws-ses send-test --config <file.json> --to <address> [--type <usage type>]

Validates a connector config (the JSON the Admin Console stores) and sends one email through it,
as the Console's "Send test email" does: the ${TemplateType.Generic} template with the code ${consoleTestCode}.

  --config <file>   the connector config, a JSON file
  --to <address>    the recipient
  --type <type>     the template to use: ${usageTypes.join(', ')}
                    (default ${TemplateType.Generic})
  --help            this text

Prints the SES MessageId and exits 0, or prints why the config or the send failed and exits 1.

To check a whole SES setup (credentials, account, sandbox, sender identity, DKIM…), run
connector-aws-ses doctor --help.`;

/** The sentence(s) an operator needs from a failure: SES's reason, or each config problem. */
export const describeFailure = (error: unknown): string[] => {
  if (!(error instanceof ConnectorError)) {
    return [`Unexpected error: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (error.code === ConnectorErrorCodes.InvalidConfig) {
    return [
      'The config is invalid:',
      ...configIssuesOf(error).map(
        ({ path, message }) => `  - ${path.length > 0 ? `${path.join('.')}: ` : ''}${message}`
      ),
    ];
  }
  // JSON.stringify(undefined) is undefined.
  const json = JSON.stringify(error.data) as string | undefined;
  return [`Failed (${error.code}): ${errorDescriptionOf(error) ?? json ?? error.message}`];
};

const sendTest = async (
  { config: configPath, to, type }: { config: string; to: string; type: TemplateType },
  output: CliOutput
): Promise<number> => {
  const file = await readConfigFile(configPath);
  if ('problem' in file) {
    output.err(file.problem);
    return 1;
  }
  const { config } = file;
  let region: string;
  try {
    region = parseConfig(config).region;
  } catch (error: unknown) {
    for (const line of describeFailure(error)) {
      output.err(line);
    }
    return 1;
  }
  try {
    const connector = await createConnector({ getConfig: () => Promise.resolve(config) });
    const messageId: unknown = await connector.sendMessage(
      { to, type, payload: { code: consoleTestCode } },
      config
    );
    output.out(`Sent: MessageId ${String(messageId)} (${type} email to ${to}, SES region ${region}).`);
    return 0;
  } catch (error: unknown) {
    for (const line of describeFailure(error)) {
      output.err(line);
    }
    return 1;
  } finally {
    resetConnectorState();
  }
};

/** `--type` names a usage type Logto never sends: a config template for it (`Test`) is never used. */
const unknownTypeProblem = (written: string | undefined): string =>
  `--type must be one of ${usageTypes.join(', ')}${
    written?.trim()
      ? `: Logto sends no usage type ${JSON.stringify(written.slice(0, 64))}, so a config template for it is never used`
      : ''
  }.`;

/**
 * The `connector-aws-ses` command. Returns the exit code: 0 when the email was sent (or help was
 * asked for), 1 otherwise.
 */
export const runCli = async (args: readonly string[], output: CliOutput = consoleOutput): Promise<number> => {
  // `doctor` has its own options and exit codes: src/doctor/command.ts. Its spinner
  // draws on stderr, and only when that is a terminal.
  if (args[0] === 'doctor') {
    return doctorCommand(
      args.slice(1),
      output === consoleOutput ? { ...output, tty: process.stderr } : output
    );
  }
  const read = parseCommandArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      to: { type: 'string', short: 't' },
      type: { type: 'string', default: TemplateType.Generic },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('problem' in read) {
    output.err(usageError([read.problem], usage));
    return 1;
  }
  const { values, positionals } = read.parsed;
  if (values.help) {
    output.out(usage);
    return 0;
  }
  const [command, ...extra] = positionals;
  const type = usageTypes.find((candidate) => candidate === values.type);
  const problems = [
    ...(command === 'send-test' ? [] : [command ? `Unknown command "${command}".` : 'No command given.']),
    ...(extra.length > 0 ? [`Unexpected argument "${extra.join(' ')}".`] : []),
    ...(values.config ? [] : ['--config is required.']),
    ...(values.to?.trim() ? [] : ['--to is required.']),
    ...(type ? [] : [unknownTypeProblem(values.type)]),
  ];
  if (problems.length > 0 || !values.config || !values.to || !type) {
    output.err(usageError(problems, usage));
    return 1;
  }
  return sendTest({ config: values.config, to: values.to.trim(), type }, output);
};

/* v8 ignore start -- the process entry, run by test/cli.test.ts through the built lib/cli.js */
const isMain = (): boolean => {
  const script = process.argv[1];
  try {
    return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
};

if (isMain()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
/* v8 ignore stop */
