import {
  LimitExceededException,
  MessageRejected,
  SESv2ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { ConnectorError, ConnectorErrorCodes } from '@logto/connector-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';

import {
  type SendContext,
  SendTimeoutError,
  configIssuesOf,
  errorDescriptionOf,
  generalError,
  hostTimeout,
  invalidConfig,
  templateNotFound,
  toConnectorError,
  unexpectedFailure,
  unreadableConfig,
  usageLimitCode,
} from '../src/errors.js';
import { redact } from '../src/redact.js';
import { secret } from './fixtures.js';

const context: SendContext = {
  region: 'eu-west-1',
  host: 'email.eu-west-1.amazonaws.com',
  timeoutMs: 10_000,
  secrets: [secret],
};

const metadata = { httpStatusCode: 400, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };

/** An SES service error as the SDK builds it for names it has no class for. */
const serviceError = (name: string, status: number, message = `${name} happened`) =>
  new SESv2ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { ...metadata, httpStatusCode: status },
    message,
  });

const networkError = (code: string, message = `connect ${code} 127.0.0.1:1`) =>
  Object.assign(new Error(message), { code, $metadata: { attempts: 3, totalRetryDelay: 20 } });

const mapped = (error: unknown) => {
  const connectorError = toConnectorError(error, context);
  return { code: connectorError.code, data: connectorError.data as Record<string, unknown> };
};

describe('SES service errors', () => {
  it('maps TooManyRequestsException to rate_limit_exceeded', () => {
    const error = new TooManyRequestsException({
      $metadata: { ...metadata, httpStatusCode: 429 },
      message: 'Maximum sending rate exceeded.',
    });
    expect(mapped(error)).toEqual({
      code: ConnectorErrorCodes.RateLimitExceeded,
      data: {
        errorDescription: expect.stringMatching(
          /^Amazon SES is throttling this account: its maximum sending rate in eu-west-1 was exceeded.* SES said: "Maximum sending rate exceeded."/
        ),
        sesErrorName: 'TooManyRequestsException',
        httpStatus: 429,
        requestId: 'req-1',
        region: 'eu-west-1',
      },
    });
  });

  it('maps LimitExceededException to usage_limit_exceeded', () => {
    const error = new LimitExceededException({
      $metadata: metadata,
      message: 'Daily message quota exceeded.',
    });
    expect(mapped(error)).toMatchObject({
      code: ConnectorErrorCodes.UsageLimitExceeded,
      data: {
        errorDescription: expect.stringContaining('24-hour sending quota'),
        sesErrorName: 'LimitExceededException',
      },
    });
  });

  it('maps MessageRejected to general with the reason, the region and the fix', () => {
    const error = new MessageRejected({
      $metadata: metadata,
      message:
        'Email address is not verified. The following identities failed the check in region EU-WEST-1: noreply@example.com',
    });
    const { code, data } = mapped(error);
    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toBe(
      'Amazon SES rejected the message in eu-west-1. SES said: "Email address is not verified. The following identities failed the check in region EU-WEST-1: noreply@example.com". If an address is not verified, verify the sender identity (the emailAddress or its domain) in the SES console for eu-west-1; while the account is in the SES sandbox, verify the recipient too, or request production access.'
    );
  });

  it.each([
    [
      'MailFromDomainNotVerifiedException',
      400,
      'The custom MAIL FROM domain of the sender identity is not verified in eu-west-1',
    ],
    ['AccountSuspendedException', 400, 'Amazon SES has suspended sending for this AWS account in eu-west-1'],
    [
      'SendingPausedException',
      400,
      'Sending is paused for this account or for the configuration set in eu-west-1',
    ],
    [
      'NotFoundException',
      404,
      'check that configurationSetName, the templates of sesTemplates and the identity ARNs exist in eu-west-1',
    ],
    ['BadRequestException', 400, 'Amazon SES refused the request as malformed in eu-west-1'],
    ['UnrecognizedClientException', 403, 'AWS does not recognise the access key: check accessKeyId'],
    ['InvalidClientTokenId', 403, 'AWS does not recognise the access key'],
    ['InvalidSignatureException', 403, 'the accessKeySecret does not belong to the accessKeyId'],
    ['SignatureDoesNotMatch', 403, 'the accessKeySecret does not belong to the accessKeyId'],
    ['AccessDeniedException', 403, 'allow ses:SendEmail on the sender identity'],
    ['ExpiredTokenException', 403, 'The AWS credentials have expired'],
    [
      'ServiceUnavailable',
      503,
      'Amazon SES had an internal error in eu-west-1 (HTTP 503, ServiceUnavailable)',
    ],
    ['InternalFailure', 500, 'Amazon SES had an internal error in eu-west-1 (HTTP 500, InternalFailure)'],
    [
      'SomethingNew',
      400,
      'Amazon SES refused the message in eu-west-1 (SomethingNew). SES said: "SomethingNew happened".',
    ],
  ])('maps %s (HTTP %i) to general: %s', (name, status, sentence) => {
    const { code, data } = mapped(serviceError(name, status));
    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data).toMatchObject({
      sesErrorName: name,
      httpStatus: status,
      requestId: 'req-1',
      region: 'eu-west-1',
    });
    expect(data.errorDescription).toContain(sentence);
  });

  it('leaves out "SES said" when SES gave no message', () => {
    expect(mapped(serviceError('AccessDeniedException', 403, '')).data.errorDescription).not.toContain(
      'SES said'
    );
  });

  it('shortens a very long SES message and keeps it on one line', () => {
    const { data } = mapped(
      serviceError('BadRequestException', 400, `line one\nline two ${'x'.repeat(1000)}`)
    );
    expect(data.errorDescription).toContain('SES said: "line one line two xxx');
    expect(data.errorDescription).toContain('…".');
    expect(String(data.errorDescription).length).toBeLessThan(600);
  });
});

describe('network and SDK errors', () => {
  it.each([
    ['ENOTFOUND', 'Could not resolve email.eu-west-1.amazonaws.com: check that the region (eu-west-1)'],
    ['EAI_AGAIN', 'DNS lookup of email.eu-west-1.amazonaws.com failed temporarily'],
    ['ECONNREFUSED', 'The connection to email.eu-west-1.amazonaws.com was refused'],
    ['ECONNRESET', 'The connection to email.eu-west-1.amazonaws.com was reset before SES answered'],
    ['EPIPE', 'was closed while sending'],
    ['ETIMEDOUT', 'Connecting to email.eu-west-1.amazonaws.com timed out'],
    ['EHOSTUNREACH', 'is unreachable from the Logto host'],
    ['ENETUNREACH', 'is unreachable from the Logto host'],
    ['CERT_HAS_EXPIRED', 'The TLS certificate of email.eu-west-1.amazonaws.com has expired'],
  ])('maps %s to general with a hint', (code, sentence) => {
    const { code: connectorCode, data } = mapped(networkError(code));
    expect(connectorCode).toBe(ConnectorErrorCodes.General);
    expect(data).toEqual({
      errorDescription: expect.stringContaining(sentence),
      sesErrorName: code,
      region: 'eu-west-1',
    });
  });

  it('maps a reset the SDK renamed TimeoutError by its code', () => {
    const error = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
    expect(mapped(error).data.sesErrorName).toBe('ECONNRESET');
  });

  it("maps the connector's own timeout and the SDK's abort to a timeout sentence", () => {
    for (const error of [
      new SendTimeoutError(10_000),
      Object.assign(new Error('Request aborted'), { name: 'AbortError' }),
    ]) {
      expect(mapped(error)).toEqual({
        code: ConnectorErrorCodes.General,
        data: {
          errorDescription:
            'Amazon SES did not answer within 10000 ms (retries included) at email.eu-west-1.amazonaws.com. Check that the Logto host can reach email.eu-west-1.amazonaws.com, or raise timeoutMs.',
          sesErrorName: 'Timeout',
          region: 'eu-west-1',
        },
      });
    }
  });

  it('maps a socket TimeoutError without a code to the timeout sentence', () => {
    const error = Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
    expect(mapped(error).data.errorDescription).toContain('did not answer within 10000 ms');
  });

  it('maps CredentialsProviderError to "no AWS credentials were found"', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(mapped(error).data.errorDescription).toMatch(
      /^No AWS credentials were found: fill in accessKeyId and accessKeySecret/
    );
  });

  it.each([
    [
      'an unknown Error',
      new TypeError('Invalid URL'),
      'Sending through Amazon SES (email.eu-west-1.amazonaws.com) failed: TypeError: Invalid URL.',
      'TypeError',
    ],
    [
      'an error without message',
      Object.assign(new Error(''), { name: 'Weird' }),
      'Sending through Amazon SES (email.eu-west-1.amazonaws.com) failed: Weird.',
      'Weird',
    ],
    [
      'a thrown string',
      'boom',
      'Sending through Amazon SES (email.eu-west-1.amazonaws.com) failed: Error: boom.',
      'Error',
    ],
    ['an unknown error code', networkError('EWEIRD', 'odd'), 'failed: Error: odd.', 'EWEIRD'],
  ])('maps %s to general', (_name, error, sentence, name) => {
    const { code, data } = mapped(error);
    expect(code).toBe(ConnectorErrorCodes.General);
    expect(data.errorDescription).toContain(sentence);
    expect(data.sesErrorName).toBe(name);
  });

  it('passes a ConnectorError through unchanged', () => {
    const error = new ConnectorError(ConnectorErrorCodes.InvalidConfig, 'x');
    expect(toConnectorError(error, context)).toBe(error);
  });
});

describe('the error keeps what an operator needs and nothing secret', () => {
  it('keeps the SDK error as a non-enumerable cause', () => {
    const cause = serviceError('BadRequestException', 400);
    const error = toConnectorError(cause, context);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.cause).toBe(cause);
    expect(Object.keys(error)).not.toContain('cause');
  });

  it('scrubs the secret from the description, the message and the whole cause chain', () => {
    const inner = new Error(`inner mentions ${secret}`);
    const cause = serviceError('SignatureDoesNotMatch', 403, `Check your key ${secret}`);
    cause.cause = inner;
    const error = toConnectorError(cause, context);
    const everything = [
      error.message,
      JSON.stringify(error.data),
      cause.message,
      cause.stack,
      inner.message,
      inner.stack,
    ].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).toContain('[redacted]');
  });

  it('scrubs session tokens and Authorization headers quoted by SES', () => {
    const message =
      'The Canonical String for this request should have been\nhost:email.eu-west-1.amazonaws.com\nx-amz-security-token:FwoGZXIvYXdzEXAMPLETOKEN\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abc';
    const { data } = mapped(serviceError('SignatureDoesNotMatch', 403, message));
    expect(data.errorDescription).not.toContain('FwoGZXIvYXdzEXAMPLETOKEN');
    expect(data.errorDescription).not.toContain('Signature=abc');
  });

  it('survives a cause chain that loops', () => {
    const first = new Error(`a ${secret}`);
    const second = new Error('b', { cause: first });
    first.cause = second;
    expect(() => toConnectorError(first, context)).not.toThrow();
    expect(first.message).toBe('a [redacted]');
  });
});

describe('redact', () => {
  it('ignores empty or very short secrets instead of shredding the text', () => {
    expect(redact('abc', ['', 'a'])).toBe('abc');
  });

  const token = 'IQoJb3JpZ2luX2VjUNKNOWNTOKEN/0123+abc=';
  const signature = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
  const authorization = `AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261204/eu-west-1/ses/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;

  it.each([
    ['header lines with a space', `X-Amz-Security-Token: ${token}\nAuthorization: ${authorization}\nHost: x`],
    ['header lines without a space', `x-amz-security-token:${token}\nauthorization:${authorization}`],
    ['JSON', JSON.stringify({ 'x-amz-security-token': token, authorization, host: 'x' })],
    ['JSON with spaces', `{ "X-Amz-Security-Token" : "${token}", "Authorization" : "${authorization}" }`],
    [
      'a presigned query',
      `https://email.example/?X-Amz-Security-Token=${token}&X-Amz-Signature=${signature}`,
    ],
  ])('scrubs an unknown session token and signature echoed as %s', (_label, text) => {
    const scrubbed = redact(text, []);
    expect(scrubbed).not.toContain(token);
    expect(scrubbed).not.toContain(signature);
    expect(scrubbed).toContain('[redacted]');
  });

  it('keeps what follows a JSON credential header', () => {
    expect(redact(JSON.stringify({ authorization, host: 'email.example' }), [])).toContain(
      '"host":"email.example"'
    );
  });
});

describe('hosts whose connector-kit predates usage_limit_exceeded (kit 4.7, 5.0)', () => {
  const saved = ConnectorErrorCodes.UsageLimitExceeded;
  afterEach(() => {
    Object.assign(ConnectorErrorCodes, { UsageLimitExceeded: saved });
  });

  it('maps the daily quota to rate_limit_exceeded', () => {
    Reflect.deleteProperty(ConnectorErrorCodes, 'UsageLimitExceeded');
    expect(usageLimitCode()).toBe(ConnectorErrorCodes.RateLimitExceeded);
    const error = new LimitExceededException({
      $metadata: metadata,
      message: 'Daily message quota exceeded.',
    });
    expect(mapped(error).code).toBe('rate_limit_exceeded');
  });

  it('uses usage_limit_exceeded where the kit has it', () => {
    expect(usageLimitCode()).toBe('usage_limit_exceeded');
  });
});

describe('error factories and readers', () => {
  it('builds invalid_config from issues with a ZodError of the host zod', () => {
    const error = invalidConfig([
      { code: 'custom', path: ['emailAddress'], message: 'emailAddress is required.' },
    ]);
    expect(error.code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(error.data).toBeInstanceOf(ZodError);
    expect(configIssuesOf(error)).toEqual([
      { code: 'custom', path: ['emailAddress'], message: 'emailAddress is required.' },
    ]);
  });

  it('reads no issues and no description from what is not a ConnectorError carrying them', () => {
    for (const error of [
      new Error('plain'),
      'a string',
      undefined,
      new ConnectorError(ConnectorErrorCodes.General, 'text data'),
      new ConnectorError(ConnectorErrorCodes.General),
    ]) {
      expect(configIssuesOf(error)).toEqual([]);
      expect(errorDescriptionOf(error)).toBeUndefined();
    }
    expect(errorDescriptionOf(generalError('Said.'))).toBe('Said.');
    expect(errorDescriptionOf(templateNotFound('None.'))).toBe('None.');
  });

  it('describes an unexpected failure by name and message, scrubbed, with the error as cause', () => {
    const cause = new RangeError(`depth ${secret}`);
    const error = unexpectedFailure(cause, [secret]);
    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(errorDescriptionOf(error)).toMatch(
      /^The connector could not build or send the email \(RangeError: depth \[redacted\]\)/
    );
    expect((error as { cause?: unknown }).cause).toBe(cause);
    expect(cause.message).not.toContain(secret);
  });

  it.each([
    ['a thrown string', 'boom', '(Error: boom)'],
    ['a thrown object', { odd: true }, '(Error: [object Object])'],
    ['an error without message', Object.assign(new Error(''), { name: 'Quiet' }), '(Quiet)'],
    [
      'an error whose name getter throws',
      Object.defineProperty(new Error('x'), 'name', {
        get: () => {
          throw new Error('again');
        },
      }),
      '(Error)',
    ],
  ])('describes %s without throwing again', (_name, thrown, words) => {
    expect(errorDescriptionOf(unexpectedFailure(thrown))).toContain(words);
  });

  it('names the step that ran out of time before SES was asked', () => {
    expect(errorDescriptionOf(hostTimeout('config', 10_000))).toMatch(
      /^Logto did not hand over this connector's saved configuration within 10000 ms/
    );
    expect(errorDescriptionOf(hostTimeout('template', 3000))).toMatch(
      /^Logto's email template lookup did not answer within 3000 ms/
    );
  });

  it("says Logto could not read the saved config, with getConfig's reason", () => {
    expect(errorDescriptionOf(unreadableConfig(new Error('database down')))).toBe(
      "Logto could not read this connector's saved configuration (database down). Save the connector's settings again."
    );
  });

  it('says no credentials were found when the time ran out during the credential lookup', () => {
    const error = toConnectorError(new SendTimeoutError(600), {
      ...context,
      timeoutMs: 600,
      credentialsPending: true,
    });
    expect(error.data).toMatchObject({
      sesErrorName: 'CredentialsProviderError',
      errorDescription: expect.stringMatching(/^No AWS credentials could be found within 600 ms/),
    });
  });
});
