/**
 * Reading SES (never sending): the reads the doctor and the send-path diagnosis make, each within
 * a time bound, and what a failed read means.
 */
import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
  type SESv2ClientConfig,
} from '@aws-sdk/client-sesv2';

import { type ConnectionSettings, createClient } from './ses-clients.js';

/** Thrown when a read runs past its time bound. */
export class ReadTimeoutError extends Error {
  override name = 'ReadTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`SES did not answer within ${timeoutMs} ms.`);
  }
}

/** What a failed SES read means to the doctor and to the send-path diagnosis. */
type ReadFailureKind = 'denied' | 'notFound' | 'throttled' | 'timeout' | 'other';

/** The IAM actions the optional read-only policy allows, by SES operation. */
export const readActions = {
  GetAccount: 'ses:GetAccount',
  GetEmailIdentity: 'ses:GetEmailIdentity',
  GetConfigurationSet: 'ses:GetConfigurationSet',
  GetSuppressedDestination: 'ses:GetSuppressedDestination',
  ListMultiRegionEndpoints: 'ses:ListMultiRegionEndpoints',
  GetEmailTemplate: 'ses:GetEmailTemplate',
  TestRenderEmailTemplate: 'ses:TestRenderEmailTemplate',
  GetTenant: 'ses:GetTenant',
  ListTenantResources: 'ses:ListTenantResources',
} as const;

/** Sorts a failed read: the name of an SES service exception, a timeout, or anything else. */
export const readFailureKind = (error: unknown): ReadFailureKind => {
  const name = (error as { name?: unknown } | null)?.name;
  if (error instanceof ReadTimeoutError || name === 'AbortError' || name === 'TimeoutError') {
    return 'timeout';
  }
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied': {
      return 'denied';
    }
    case 'NotFoundException': {
      return 'notFound';
    }
    case 'TooManyRequestsException':
    case 'ThrottlingException':
    case 'LimitExceededException': {
      return 'throttled';
    }
    default: {
      return 'other';
    }
  }
};

/**
 * Runs one read within `timeoutMs` (retries included): `read` gets the abort signal to hand to
 * `client.send`, which stops the SDK's retries, and the race returns on time even if a socket
 * ignores the abort.
 *
 * @example
 * ```ts
 * const account = await readWithin((abortSignal) => client.send(new GetAccountCommand({}), { abortSignal }), 2000);
 * ```
 */
export const readWithin = async <Output>(
  read: (abortSignal: AbortSignal) => Promise<Output>,
  timeoutMs: number
): Promise<Output> => {
  if (timeoutMs <= 0) {
    throw new ReadTimeoutError(0);
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new ReadTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([read(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
};

/** One `GetEmailIdentity`: its output, `missing` when SES says it does not exist, or the error. */
export type IdentityRead = { output: GetEmailIdentityCommandOutput } | { missing: true } | { error: unknown };

/** Reads one identity (an address or a domain) within `timeoutMs`; never throws. */
export const readIdentity = async (
  client: SESv2Client,
  identity: string,
  timeoutMs: number
): Promise<IdentityRead> => {
  try {
    return {
      output: await readWithin(
        async (abortSignal) =>
          client.send(new GetEmailIdentityCommand({ EmailIdentity: identity }), { abortSignal }),
        timeoutMs
      ),
    };
  } catch (error: unknown) {
    return readFailureKind(error) === 'notFound' ? { missing: true } : { error };
  }
};

/** The result of `GetAccount`: the account, or the error. */
export type AccountRead = { account: GetAccountCommandOutput } | { error: unknown };

/** Reads the account in the client's region within `timeoutMs`; never throws. */
export const readAccount = async (client: SESv2Client, timeoutMs: number): Promise<AccountRead> => {
  try {
    return {
      account: await readWithin(
        async (abortSignal) => client.send(new GetAccountCommand({}), { abortSignal }),
        timeoutMs
      ),
    };
  } catch (error: unknown) {
    return { error };
  }
};

/** The domain of an address: what follows its last `@`. */
export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

/** Both identities a sender may send as: its address and its domain, read together. */
export type SenderRead = {
  address: string;
  domain: string;
  addressRead: IdentityRead;
  domainRead: IdentityRead;
};

/** Reads the sender's address and domain identities at once, within `timeoutMs`; never throws. */
export const readSender = async (
  client: SESv2Client,
  address: string,
  timeoutMs: number
): Promise<SenderRead> => {
  const domain = domainOf(address);
  const [addressRead, domainRead] = await Promise.all([
    readIdentity(client, address, timeoutMs),
    readIdentity(client, domain, timeoutMs),
  ]);
  return { address, domain, addressRead, domainRead };
};

/**
 * Reads the sender's address and domain in each of `regions` at once, each region with a new
 * client of its own (same endpoint, destroyed after), all within `timeoutMs` from now; never
 * throws. `credentials`: the provider of a client that already resolved them (the doctor's), so
 * the regions' clients do not each run the default chain again (a `credential_process` would run
 * once per region).
 */
export const readSenderInRegions = async (
  settings: ConnectionSettings & { timeoutMs: number },
  address: string,
  regions: readonly string[],
  credentials?: SESv2ClientConfig['credentials']
): Promise<Array<[region: string, sender: SenderRead]>> => {
  const deadline = performance.now() + settings.timeoutMs;
  return Promise.all(
    regions.map(async (region): Promise<[string, SenderRead]> => {
      const client = createClient({ ...settings, region }, credentials);
      try {
        return [region, await readSender(client, address, deadline - performance.now())];
      } finally {
        client.destroy();
      }
    })
  );
};
