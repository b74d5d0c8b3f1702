/**
 * One message as the local SES emulator (aws-ses-v2-local) stores it (`GET /store`). The one
 * definition: the root's test support (test/support/emulator.ts) uses it too.
 */
export type InboxEmail = {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  /** The custom headers of the request (the config's `headers`, `X-Entity-Ref-ID`), if any. */
  headers?: Array<{ name: string; value: string }>;
  /** When it arrived, in seconds since the epoch. */
  at: number;
};

/** The messages the emulator received, newest first. */
export const readInbox = async (emulatorUrl: string): Promise<InboxEmail[]> => {
  const response = await fetch(`${emulatorUrl}/store`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) {
    throw new Error(`The SES emulator at ${emulatorUrl} answered ${response.status} for its message list.`);
  }
  const { emails } = (await response.json()) as { emails: InboxEmail[] };
  return [...emails].reverse();
};

/** Empties the emulator's message list. */
export const clearInbox = async (emulatorUrl: string): Promise<void> => {
  const response = await fetch(`${emulatorUrl}/clear-store`, {
    method: 'POST',
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) {
    throw new Error(
      `The SES emulator at ${emulatorUrl} answered ${response.status} when asked to clear its messages.`
    );
  }
};
