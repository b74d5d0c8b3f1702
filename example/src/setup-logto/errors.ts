/**
 * A failure of `setup-logto` that the person running it can act on: the message is one sentence
 * naming what to do. The command prints it alone (no stack) and exits with status 1.
 */
export class SetupError extends Error {
  override name = 'SetupError';
}
