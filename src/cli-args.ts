/**
 * How every command of the `connector-aws-ses` CLI reads its arguments: Node's own `parseArgs`,
 * strict (an unknown option is a usage error), and a usage error printed the same way.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A command's arguments, parsed strictly; or parseArgs's sentence for why they cannot be. */
export const parseCommandArgs = <T extends ParseArgsConfig & { strict: true }>(
  config: T
): { parsed: ReturnType<typeof parseArgs<T>> } | { problem: string } => {
  try {
    return { parsed: parseArgs(config) };
  } catch (error: unknown) {
    return { problem: (error as Error).message };
  }
};

/** What a command prints on stderr for a usage error: each problem on its line, then its usage. */
export const usageError = (problems: readonly string[], usage: string): string =>
  `${problems.join('\n')}\n\n${usage}`;
