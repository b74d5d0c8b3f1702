/** Thrown when a read runs past its time bound. */
export class ReadTimeoutError extends Error {
  override name = 'ReadTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`SES did not answer within ${timeoutMs} ms.`);
  }
}

/** What a failed SES read means to the doctor and to the send-path diagnosis. */
export type ReadFailureKind = 'denied' | 'notFound' | 'throttled' | 'timeout' | 'other';

/** The IAM actions the optional read-only policy allows, by SES operation. */
export const readActions = {
  GetAccount: 'ses:GetAccount',
  GetEmailIdentity: 'ses:GetEmailIdentity',
  GetConfigurationSet: 'ses:GetConfigurationSet',
  GetSuppressedDestination: 'ses:GetSuppressedDestination',
  ListMultiRegionEndpoints: 'ses:ListMultiRegionEndpoints',
  GetEmailTemplate: 'ses:GetEmailTemplate',
  TestRenderEmailTemplate: 'ses:TestRenderEmailTemplate',
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
