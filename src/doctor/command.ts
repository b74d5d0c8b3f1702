import { resetConnectorState } from '../caches.js';
import { parseCommandArgs, usageError } from '../cli-args.js';
import { readConfigFile } from '../config-file.js';

import { type DoctorReport, doctorCheckIds, formatDoctorReport } from './report.js';
import { runDoctor } from './run-doctor.js';

/** Where the doctor command writes: lines to stdout and stderr, spinner frames to a terminal. */
export type DoctorOutput = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The terminal the spinner draws on; no spinner unless `isTTY`. */
  tty?: { isTTY?: boolean; write: (text: string) => unknown } | undefined;
};

/** Exit codes of `connector-aws-ses doctor`. */
export const doctorExitCodes = { ok: 0, failed: 1, usage: 2 } as const;

export const doctorUsage = `Usage: connector-aws-ses doctor --config <file.json> [--to <address>] [--send] [--json]

Checks an SES setup end to end with the credentials, region and endpoint a send would use, and
prints one line per check (✓ pass, ! warn, ✗ fail, – skipped) with the fix for every ! and ✗.
Checks, in order: ${doctorCheckIds.join(', ')}.

  --config <file>   the connector config, a JSON file (the JSON the Admin Console stores)
  --to <address>    also check this recipient (suppression list; verified in the sandbox)
  --send            also send the Generic test email to --to, as the Console does
  --json            print exactly one JSON object: { ok, region, checks: [{ id, status, summary, fix? }] }
  --help            this text

Exits 0 when no check failed, 1 when one did, 2 for a usage error.`;

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A one-line spinner on a terminal: `update` sets its label, `stop` erases it. */
const startSpinner = (tty: NonNullable<DoctorOutput['tty']>) => {
  let label = 'config';
  let frame = 0;
  const draw = () => {
    tty.write(`\r${spinnerFrames[frame % spinnerFrames.length] ?? ''} Checking ${label}…\u001B[K`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    update: (next: string) => {
      label = next;
      draw();
    },
    stop: () => {
      clearInterval(timer);
      tty.write('\r\u001B[K');
    },
  };
};

/** A report whose config could not even be read: `config` fails, nothing else runs. */
const unreadableConfig = (problem: string): DoctorReport => ({
  ok: false,
  region: '',
  checks: doctorCheckIds.map((id) =>
    id === 'config'
      ? {
          id,
          status: 'fail',
          summary: problem,
          fix: 'Give --config the path of a JSON file holding the connector config.',
        }
      : { id, status: 'skip', summary: 'Not checked: the config is invalid.' }
  ),
});

/**
 * `connector-aws-ses doctor`: parses its arguments, runs {@link runDoctor}, prints the report
 * (text, or one JSON object with `--json`) and returns the exit code (0 nothing failed, 1 a
 * check failed, 2 a usage error).
 */
export const doctorCommand = async (args: readonly string[], output: DoctorOutput): Promise<number> => {
  const read = parseCommandArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string', short: 'c' },
      to: { type: 'string', short: 't' },
      send: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('problem' in read) {
    output.err(usageError([read.problem], doctorUsage));
    return doctorExitCodes.usage;
  }
  const { values } = read.parsed;
  if (values.help) {
    output.out(doctorUsage);
    return doctorExitCodes.ok;
  }
  const to = values.to?.trim();
  const problems = [
    ...(values.config ? [] : ['--config is required.']),
    ...(values.to !== undefined && !to ? ['--to needs an address.'] : []),
    ...(values.send && !to ? ['--send needs --to <address>.'] : []),
  ];
  if (problems.length > 0 || !values.config) {
    output.err(usageError(problems, doctorUsage));
    return doctorExitCodes.usage;
  }

  const spinner = output.tty?.isTTY && !values.json ? startSpinner(output.tty) : undefined;
  let result: DoctorReport;
  try {
    const file = await readConfigFile(values.config);
    result =
      'problem' in file
        ? unreadableConfig(file.problem)
        : await runDoctor(file.config, { to, send: values.send, onProgress: spinner?.update });
  } finally {
    spinner?.stop();
    resetConnectorState();
  }
  output.out(values.json ? JSON.stringify(result) : formatDoctorReport(result));
  return result.ok ? doctorExitCodes.ok : doctorExitCodes.failed;
};
