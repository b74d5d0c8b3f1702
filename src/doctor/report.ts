/** Every check of the doctor, in the order it reports them. */
export const doctorCheckIds = [
  'config',
  'credentials',
  'account',
  'sandbox',
  'quota',
  'sender-identity',
  'dkim',
  'mail-from',
  'other-regions',
  'multi-region-endpoint',
  'configuration-set',
  'ses-templates',
  'tenant',
  'recipient',
  'test-send',
] as const;

/** The id of one doctor check. */
export type DoctorCheckId = (typeof doctorCheckIds)[number];

/** `pass` ✓, `warn` !, `fail` ✗, `skip` – (not run, and why). */
export type DoctorCheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of the report. Never holds a secret. */
export type DoctorCheck = {
  id: DoctorCheckId;
  status: DoctorCheckStatus;
  /** What was found, in one sentence. */
  summary: string;
  /** What to do: present for every `warn` and `fail` (and for a `skip` an IAM action would allow). */
  fix?: string;
};

/** What `connector-aws-ses doctor --json` prints. */
export type DoctorReport = {
  /** No check failed. */
  ok: boolean;
  /** The region checked (the config's, or `''` when the config does not give one). */
  region: string;
  /** One entry per id of {@link doctorCheckIds}, in that order. */
  checks: DoctorCheck[];
};

/** One failed check from several problems, each a summary and its fix, in order. */
export const failedCheck = (
  id: DoctorCheckId,
  problems: ReadonlyArray<{ summary: string; fix: string }>
): DoctorCheck => ({
  id,
  status: 'fail',
  summary: problems.map(({ summary }) => summary).join(' '),
  fix: problems.map(({ fix }) => fix).join(' '),
});

/** The report's symbol for a status. */
export const statusSymbols: Record<DoctorCheckStatus, string> = {
  pass: '✓',
  warn: '!',
  fail: '✗',
  skip: '–',
};

/**
 * The report as text: one line per check (symbol, id, summary), the fix indented below every
 * `warn`, `fail` and `skip` that has one, then a one-line verdict.
 */
export const formatDoctorReport = ({ ok, region, checks }: DoctorReport): string => {
  const width = Math.max(...checks.map(({ id }) => id.length));
  const lines = checks.flatMap(({ id, status, summary, fix }) => [
    `${statusSymbols[status]} ${id.padEnd(width)}  ${summary}`,
    ...(fix && status !== 'pass' ? [`  ${' '.repeat(width)}  → ${fix}`] : []),
  ]);
  const counts = (['fail', 'warn', 'skip'] as const)
    .map((status) => [status, checks.filter((check) => check.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${{ fail: 'failed', warn: 'to look at', skip: 'skipped' }[status]}`);
  const where = region ? ` (SES region ${region})` : '';
  lines.push(
    '',
    ok
      ? `No check failed${where}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}.`
      : `Some checks failed${where}: ${counts.join(', ')}.`
  );
  return lines.join('\n');
};
