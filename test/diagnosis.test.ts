/**
 * diagnoseSendFailure (src/diagnosis.ts) on its inputs alone: the cases where it must leave the
 * error as it was, or use the parse alone, without any read (no time left, nothing listed that
 * matters). Reads over HTTP are in test/wire/diagnosis.test.ts.
 */
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { describe, expect, it } from 'vitest';

import { type FailedSend, diagnoseSendFailure } from '../src/diagnosis.js';
import { accessKeyId, secret } from './fixtures.js';

const notVerified = (...identities: string[]) =>
  `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${identities.join(', ')}`;

const rejected = (message: unknown) => Object.assign(new Error(), { name: 'MessageRejected', message });

const original = () =>
  new ConnectorError(ConnectorErrorCodes.General, {
    errorDescription: 'as classified',
    sesErrorName: 'MessageRejected',
  });

/** A send that used up its timeoutMs: no read may start. */
const failedSend = (error: unknown, input: FailedSend['input']): FailedSend => ({
  error,
  // Port 9 (discard) would refuse a read; none must be made.
  config: {
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9',
    accessKeyId,
    accessKeySecret: secret,
    timeoutMs: 1000,
  },
  input,
  startedAt: performance.now() - 5000,
});

const input = {
  FromEmailAddress: 'Acme <noreply@example.com>',
  Destination: { ToAddresses: ['ada@example.org'] },
};

describe('diagnoseSendFailure without reads', () => {
  it('leaves the error as it was when the message has no identity, is not a string, or the data is not an object', async () => {
    for (const error of [rejected(notVerified('<script>')), rejected(42)]) {
      const connectorError = original();
      expect(await diagnoseSendFailure(connectorError, failedSend(error, input))).toBe(connectorError);
    }
    const bare = new ConnectorError(ConnectorErrorCodes.General);
    expect(await diagnoseSendFailure(bare, failedSend(rejected(notVerified('ada@example.org')), input))).toBe(
      bare
    );
  });

  it('without a From address or recipients, only what matches is diagnosed', async () => {
    const connectorError = original();
    expect(
      await diagnoseSendFailure(connectorError, failedSend(rejected(notVerified('noreply@example.com')), {}))
    ).toBe(connectorError);
    const recipientOnly = await diagnoseSendFailure(
      original(),
      failedSend(rejected(notVerified('ada@example.org')), {
        FromEmailAddress: 'not-an-address',
        Destination: { ToAddresses: ['ada@example.org'] },
      })
    );
    expect((recipientOnly.data as { diagnosis: unknown }).diagnosis).toEqual({
      failedIdentities: ['ada@example.org'],
      senderFailed: false,
      recipientFailed: true,
    });
  });

  it('with no time left: the parse alone, no IAM clause, SES quoted and shortened', async () => {
    const others = Array.from({ length: 30 }, (_, index) => `user${index}@example.net`);
    const long = notVerified('noreply@example.com', ...others);
    const diagnosed = await diagnoseSendFailure(original(), failedSend(rejected(long), input));
    const { errorDescription, diagnosis } = diagnosed.data as {
      errorDescription: string;
      diagnosis: unknown;
    };
    expect(diagnosis).toEqual({
      failedIdentities: ['noreply@example.com', ...others],
      senderFailed: true,
      recipientFailed: false,
    });
    expect(errorDescription).toMatch(
      /^Amazon SES rejected the message in eu-west-1\. The sender noreply@example\.com is not a verified identity in eu-west-1\./
    );
    expect(errorDescription).not.toContain('IAM');
    expect(errorDescription).toMatch(/…"\.$/);
    expect(diagnosed.code).toBe(ConnectorErrorCodes.General);
  });
});
