/**
 * The fake SES endpoint itself (test/support/fake-ses.ts): the other wire suites and the
 * benchmark trust it, so what it records and how it stops are checked here with the real SDK.
 */
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetEmailIdentityCommand,
  GetSuppressedDestinationCommand,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';

import { type FakeSes, respond, sendEmailPath, startFakeSes } from '../support/fake-ses.js';
import { accessKeyId, rejectionOf, secret } from '../fixtures.js';

const sessionToken = 'FAKESESSIONTOKENxyz/+=';
const running: FakeSes[] = [];
const clients: SESv2Client[] = [];

const start = async (options?: Parameters<typeof startFakeSes>[0]) => {
  const fake = await startFakeSes(options);
  running.push(fake);
  return fake;
};

const clientFor = (fake: FakeSes, withToken = false, region = 'eu-west-1') => {
  const client = new SESv2Client({
    region,
    endpoint: fake.endpoint,
    credentials: { accessKeyId, secretAccessKey: secret, ...(withToken && { sessionToken }) },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};

const input: SendEmailCommandInput = {
  FromEmailAddress: 'noreply@example.com',
  Destination: { ToAddresses: ['ada@example.com'] },
  Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Code 1' } } } },
};

afterEach(async () => {
  for (const client of clients.splice(0)) {
    client.destroy();
  }
  await Promise.all(running.splice(0).map(async (fake) => fake.close()));
});

describe('the fake SES endpoint', () => {
  it('answers SendEmail with a MessageId and records the parsed body without credentials', async () => {
    const fake = await start();
    const output = await clientFor(fake, true).send(new SendEmailCommand(input));

    const [request] = fake.requests;
    expect(output.MessageId).toBe(request?.messageId);
    expect(output.$metadata.requestId).toBe(request?.requestId);
    expect(request).toMatchObject({
      index: 1,
      method: 'POST',
      path: sendEmailPath,
      outcome: 'succeed',
      hasSecurityToken: true,
      body: { FromEmailAddress: 'noreply@example.com', Destination: { ToAddresses: ['ada@example.com'] } },
    });
    expect(request?.credentialScope).toMatch(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/ses\/aws4_request$/);
    expect(request?.headers.authorization).toBe('[redacted]');
    expect(request?.headers['x-amz-security-token']).toBe('[redacted]');
    const printed = JSON.stringify(fake.requests);
    expect(printed).not.toContain(sessionToken);
    expect(printed).not.toContain('Signature=');
  });

  it('follows a plan in order, then falls back to the default action', async () => {
    const fake = await start();
    fake.planSequence(respond.sesError('MessageRejected', 400, 'Not verified.'), respond.serverError(503));
    const client = clientFor(fake);

    const rejected = (await rejectionOf(client.send(new SendEmailCommand(input)))) as Error & {
      $fault: string;
      $metadata: { httpStatusCode: number };
    };
    const unavailable = (await rejectionOf(client.send(new SendEmailCommand(input)))) as Error & {
      $metadata: { httpStatusCode: number };
    };
    await client.send(new SendEmailCommand(input));

    expect([rejected.name, rejected.message, rejected.$fault]).toEqual([
      'MessageRejected',
      'Not verified.',
      'client',
    ]);
    expect(rejected.$metadata.httpStatusCode).toBe(400);
    expect(unavailable.$metadata.httpStatusCode).toBe(503);
    expect(fake.requests.map(({ outcome }) => outcome)).toEqual(['sesError', 'serverError', 'succeed']);
    expect(fake.accepted()).toHaveLength(1);
    expect(fake.pending).toBe(0);
  });

  it('answers another path like SES answers an unknown operation', async () => {
    const fake = await start();
    const response = await fetch(`${fake.endpoint}/v2/email/templates`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('in instant mode, answers at once and only counts', async () => {
    const fake = await start({ instant: true });
    const client = clientFor(fake);
    const outputs = await Promise.all([1, 2, 3].map(async () => client.send(new SendEmailCommand(input))));
    expect(outputs.map(({ MessageId }) => MessageId)).toEqual([
      'fake-instant',
      'fake-instant',
      'fake-instant',
    ]);
    expect(fake.count).toBe(3);
    expect(fake.requests).toEqual([]);

    fake.plan(respond.serverError(500));
    const error = (await rejectionOf(client.send(new SendEmailCommand(input)))) as {
      $metadata: { httpStatusCode: number };
    };
    expect(error.$metadata.httpStatusCode).toBe(500);
  });

  it('resets a connection so the SDK sees ECONNRESET', async () => {
    const fake = await start({ defaultAction: respond.reset() });
    const error = (await rejectionOf(clientFor(fake).send(new SendEmailCommand(input)))) as { code?: string };
    expect(error.code).toBe('ECONNRESET');
    expect(fake.accepted()).toEqual([]);
  });

  it('delays an answer, and close() ends hung requests at once', async () => {
    const fake = await start();
    const client = clientFor(fake);
    fake.plan(respond.delay(150));
    const started = performance.now();
    await client.send(new SendEmailCommand(input));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    fake.setDefault(respond.hang());
    const hung = rejectionOf(client.send(new SendEmailCommand(input)));
    await expect.poll(() => fake.count).toBe(2);
    expect(await fake.openConnections()).toBeGreaterThan(0);
    const closing = performance.now();
    await fake.close();
    expect(performance.now() - closing).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(Error);
  });
});

describe('the fake SES reads', () => {
  const regions = {
    'eu-west-1': {
      account: { productionAccessEnabled: true, max24HourSend: 50_000, maxSendRate: 14, sentLast24Hours: 12 },
      identities: {
        'example.com': {
          dkimStatus: 'PENDING' as const,
          mailFrom: { domain: 'mail.example.com', status: 'FAILED' as const },
        },
        'ada@example.org': { verificationStatus: 'PENDING' as const },
      },
      configurationSets: { 'logto-auth': {} },
      suppressed: {
        'gone@example.com': { reason: 'BOUNCE' as const, lastUpdateTime: new Date('2026-11-30T10:00:00Z') },
      },
    },
  };

  it('answers GetAccount from the region in the credential scope, a new sandbox account elsewhere', async () => {
    const fake = await start({ regions });
    const ireland = await clientFor(fake).send(new GetAccountCommand({}));
    const ohio = await clientFor(fake, false, 'us-east-2').send(new GetAccountCommand({}));

    expect(ireland).toMatchObject({
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      EnforcementStatus: 'HEALTHY',
      SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 12 },
    });
    expect(ohio).toMatchObject({
      ProductionAccessEnabled: false,
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
    });
    expect(fake.requests.map(({ operation, region }) => [operation, region])).toEqual([
      ['GetAccount', 'eu-west-1'],
      ['GetAccount', 'us-east-2'],
    ]);
  });

  it('answers GetEmailIdentity with the DKIM and MAIL FROM attributes, and NotFoundException for an unknown identity', async () => {
    const fake = await start({ regions });
    const client = clientFor(fake);
    const domain = await client.send(new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    const address = await client.send(new GetEmailIdentityCommand({ EmailIdentity: 'Ada@Example.org' }));
    const missing = (await rejectionOf(
      client.send(new GetEmailIdentityCommand({ EmailIdentity: 'nobody@example.net' }))
    )) as Error & { $metadata: { httpStatusCode: number } };

    expect(domain).toMatchObject({
      IdentityType: 'DOMAIN',
      VerifiedForSendingStatus: true,
      VerificationStatus: 'SUCCESS',
      DkimAttributes: {
        Status: 'PENDING',
        Tokens: ['fakedkimtokenone', 'fakedkimtokentwo', 'fakedkimtokenthree'],
      },
      MailFromAttributes: { MailFromDomain: 'mail.example.com', MailFromDomainStatus: 'FAILED' },
    });
    expect(address).toMatchObject({
      IdentityType: 'EMAIL_ADDRESS',
      VerifiedForSendingStatus: false,
      VerificationStatus: 'PENDING',
    });
    expect([missing.name, missing.message, missing.$metadata.httpStatusCode]).toEqual([
      'NotFoundException',
      'Email identity nobody@example.net does not exist.',
      404,
    ]);
    expect(fake.requests[1]?.path).toBe('/v2/email/identities/Ada%40Example.org');
  });

  it('answers GetConfigurationSet and GetSuppressedDestination, with NotFoundException for what does not exist', async () => {
    const fake = await start({ regions });
    const client = clientFor(fake);
    const set = await client.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'logto-auth' }));
    const noSet = (await rejectionOf(
      client.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'other' }))
    )) as Error;
    const suppressed = await client.send(
      new GetSuppressedDestinationCommand({ EmailAddress: 'gone@example.com' })
    );
    const notSuppressed = (await rejectionOf(
      client.send(new GetSuppressedDestinationCommand({ EmailAddress: 'here@example.com' }))
    )) as Error;

    expect(set).toMatchObject({
      ConfigurationSetName: 'logto-auth',
      SendingOptions: { SendingEnabled: true },
    });
    expect(noSet.name).toBe('NotFoundException');
    expect(suppressed.SuppressedDestination).toEqual({
      EmailAddress: 'gone@example.com',
      Reason: 'BOUNCE',
      LastUpdateTime: new Date('2026-11-30T10:00:00Z'),
    });
    expect(notSuppressed.name).toBe('NotFoundException');
  });

  it('applies read plans and read actions per operation (and region), leaving SendEmail alone', async () => {
    const fake = await start({ regions });
    const client = clientFor(fake);
    fake.planRead('GetAccount', respond.sesError('AccessDeniedException', 403, 'not authorized'));
    fake.setReadAction(
      'GetEmailIdentity',
      respond.sesError('TooManyRequestsException', 429, 'slow down'),
      'eu-west-1'
    );

    const denied = (await rejectionOf(client.send(new GetAccountCommand({})))) as Error;
    const account = await client.send(new GetAccountCommand({}));
    const throttled = (await rejectionOf(
      clientFor(fake).send(new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }))
    )) as Error;
    const elsewhere = (await rejectionOf(
      clientFor(fake, false, 'us-west-2').send(new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }))
    )) as Error;
    await client.send(new SendEmailCommand(input));

    expect(denied.name).toBe('AccessDeniedException');
    expect(account.ProductionAccessEnabled).toBe(true);
    expect(throttled.name).toBe('TooManyRequestsException');
    // Another region has no such identity: its own state answered, not the action.
    expect(elsewhere.name).toBe('NotFoundException');
    expect(fake.accepted()).toHaveLength(1);
    // These clients make one attempt: one request per planned or standing error.
    expect(fake.requests.filter(({ outcome }) => outcome === 'sesError')).toHaveLength(2);

    fake.reset();
    await clientFor(fake).send(new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    expect(fake.requests.map(({ outcome }) => outcome)).toEqual(['succeed']);
  });
});
