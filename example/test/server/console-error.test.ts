/** What Logto answers, and the Console shows, for each kind of error `sendMessage` throws. */
import { describe, expect, it } from 'vitest';

import { ConnectorError, ConnectorErrorCodes } from '../../src/host-kit.js';
import { toConsoleError } from '../../src/playground/console-error.js';

describe('toConsoleError', () => {
  it('fills "Error occurred in connector" from errorDescription', () => {
    expect(
      toConsoleError(
        new ConnectorError(ConnectorErrorCodes.General, { errorDescription: 'SES said no.', region: 'x' })
      )
    ).toEqual({ status: 400, message: 'Error occurred in connector: SES said no.', details: [] });
  });

  it('falls back to the JSON of the data, as Logto does', () => {
    expect(toConsoleError(new ConnectorError(ConnectorErrorCodes.General, 'plain text')).message).toBe(
      'Error occurred in connector: {"message":"plain text"}'
    );
    expect(toConsoleError(new ConnectorError(ConnectorErrorCodes.General)).message).toBe(
      'Error occurred in connector: undefined'
    );
  });

  it("lists zod issues in Logto's words, with the type mismatch spelt out", () => {
    const data = {
      issues: [
        {
          path: ['templates', 0, 'subject'],
          code: 'invalid_type',
          expected: 'string',
          received: 'number',
          message: 'x',
        },
        { path: [], code: 'custom', message: 'Something is off.' },
      ],
    };
    expect(toConsoleError(new ConnectorError(ConnectorErrorCodes.InvalidConfig, data))).toEqual({
      status: 400,
      message: "The connector's config is invalid.",
      details: [
        'Error in key path "templates.0.subject": (invalid_type) Expected string but received number.',
        'Error in key path "": (custom) Something is off.',
      ],
    });
  });

  it('answers throttling with 429 and keeps the description aside', () => {
    expect(
      toConsoleError(
        new ConnectorError(ConnectorErrorCodes.RateLimitExceeded, { errorDescription: 'Slow down.' })
      )
    ).toEqual({
      status: 429,
      message: 'Trigger rate limit. Please try again later.',
      details: [],
      connectorDescription: 'Slow down.',
    });
    expect(toConsoleError(new ConnectorError(ConnectorErrorCodes.UsageLimitExceeded)).status).toBe(429);
  });

  it('answers not_implemented with 501', () => {
    expect(toConsoleError(new ConnectorError(ConnectorErrorCodes.NotImplemented))).toEqual({
      status: 501,
      message: 'connector.not_implemented',
      details: [],
    });
  });

  it('answers anything that is not the host kit’s ConnectorError with a bare 500', () => {
    expect(toConsoleError(new Error('socket hang up'))).toEqual({
      status: 500,
      message: 'Internal server error.',
      details: [],
    });
    // A look-alike from another copy of the kit is not recognised either.
    class ConnectorErrorCopy extends Error {
      code = 'general';
      data = { errorDescription: 'lost' };
    }
    expect(toConsoleError(new ConnectorErrorCopy()).status).toBe(500);
  });
});
