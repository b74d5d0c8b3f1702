/**
 * The send-path diagnosis (src/diagnosis.ts) over real HTTP: sendMessage against the fake SES,
 * whose reads answer per region. A "not verified" MessageRejected must name the identity that
 * failed and its fix, sharpened by at most two reads within timeoutMs; any other outcome must
 * make no read at all.
 */
import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import createConnector, { type AwsSesConfig } from '../../src/index.js';
import { diagnoseSendFailure, parseFailedIdentities } from '../../src/diagnosis.js';
import { respond } from '../support/fake-ses.js';
import {
  type ConfigOverrides,
  configurationSetName,
  homeRegion,
  notVerified,
  recipientAddress,
  senderAddress,
  scenarioConfig,
  senderDomain,
  sesScenarios,
} from '../support/ses-scenarios.js';
import { stubNoAwsCredentials } from '../support/no-aws-credentials.js';
import { accessKeyId, rejectionOf, secret, useFakeSes } from '../fixtures.js';

const ses = useFakeSes();
let stored: AwsSesConfig;
let connector: Awaited<ReturnType<typeof createConnector>>;

/** The scenarios' config without a configuration set. */
const configFor = (overrides?: ConfigOverrides) =>
  scenarioConfig(ses.fake.endpoint, { configurationSetName: undefined, ...overrides });

const send = async (to = recipientAddress) =>
  connector.sendMessage({ to, type: TemplateType.Generic, payload: { code: '123456' } });

type Failure = ConnectorError & {
  data: { errorDescription: string; sesErrorName: string; diagnosis?: Record<string, unknown> };
};

const failure = async (to?: string): Promise<Failure> => {
  const error = await rejectionOf(send(to));
  expect(error).toBeInstanceOf(ConnectorError);
  return error as Failure;
};

const operations = () => ses.fake.requests.map(({ operation }) => operation);

beforeAll(async () => {
  connector = await createConnector({ getConfig: async () => Promise.resolve(stored) });
});

beforeEach(() => {
  stored = configFor();
});

describe('parsing SES\'s "not verified" message', () => {
  it('lists every identity of the message, and nothing for another message', () => {
    expect(parseFailedIdentities(notVerified('us-east-1', 'a@x.com', 'y.org'))).toEqual(['a@x.com', 'y.org']);
    expect(parseFailedIdentities('Email address is not verified.')).toBeUndefined();
    expect(parseFailedIdentities('Illegal address')).toBeUndefined();
  });

  it('keeps only what looks like an address or a domain', () => {
    expect(
      parseFailedIdentities(notVerified('eu-west-1', 'a@x.com', '<script>', 'two words', 'b@y.org.'))
    ).toEqual(['a@x.com', 'b@y.org']);
  });
});

describe('a send SES accepts', () => {
  it.each([
    ['a healthy production account', sesScenarios.healthyProduction],
    // SES accepts a message to a suppressed address (and drops it): nothing to diagnose at send time.
    ['a suppressed recipient', sesScenarios.suppressedRecipient],
  ])('%s: makes no request but SendEmail', async (_label, regions) => {
    ses.fake.setRegions(regions);
    await send();
    expect(operations()).toEqual(['SendEmail']);
  });
});

describe('the recipient is not verified (the sandbox)', () => {
  it('names the recipient and the sandbox, confirmed by GetAccount', async () => {
    ses.fake.setRegions(sesScenarios.sandbox);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, recipientAddress)));

    const error = await failure();

    expect(operations()).toEqual(['SendEmail', 'GetAccount']);
    expect(error.code).toBe(ConnectorErrorCodes.General);
    expect(error.data).toMatchObject({
      sesErrorName: 'MessageRejected',
      httpStatus: 400,
      region: homeRegion,
      diagnosis: {
        failedIdentities: [recipientAddress],
        senderFailed: false,
        recipientFailed: true,
        sandbox: true,
      },
    });
    expect(error.data.diagnosis).not.toHaveProperty('senderIdentity');
    const { errorDescription } = error.data;
    expect(errorDescription).toContain(`The recipient ${recipientAddress} is not verified`);
    expect(errorDescription).toContain(`sandbox in ${homeRegion} (GetAccount confirms it)`);
    expect(errorDescription).toContain('request production access');
    expect(errorDescription).not.toContain('IAM');
    // SES's own words stay at the end, quoted.
    expect(errorDescription).toMatch(
      /^Amazon SES rejected the message in eu-west-1\. The recipient .* SES said: "Email address is not verified\. The following identities failed the check in region EU-WEST-1: ada@example\.org"\.$/
    );
  });

  it('AccessDenied on GetAccount: the parse alone, plus the IAM action that would say more', async () => {
    ses.fake.setRegions(sesScenarios.sandbox);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, recipientAddress)));
    ses.fake.setReadAction('GetAccount', respond.sesError('AccessDeniedException', 403, 'not authorized'));

    const error = await failure();

    expect(operations()).toEqual(['SendEmail', 'GetAccount']);
    expect(error.data.diagnosis).toEqual({
      failedIdentities: [recipientAddress],
      senderFailed: false,
      recipientFailed: true,
    });
    expect(error.data.errorDescription).toContain(`The recipient ${recipientAddress} is not verified`);
    expect(error.data.errorDescription).not.toContain('GetAccount confirms');
    expect(error.data.errorDescription).toContain('allow the optional read-only IAM action ses:GetAccount.');
  });

  it('a throttled GetAccount (retried, then given up) is ignored the same way', async () => {
    ses.fake.setRegions(sesScenarios.sandbox);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, recipientAddress)));
    ses.fake.setReadAction('GetAccount', respond.sesError('TooManyRequestsException', 429, 'slow down'));

    const error = await failure();

    // The SDK's standard retries: three attempts at the read.
    expect(operations()).toEqual(['SendEmail', 'GetAccount', 'GetAccount', 'GetAccount']);
    expect(error.data.diagnosis).not.toHaveProperty('sandbox');
    expect(error.data.errorDescription).toContain('ses:GetAccount');
  });

  it('a hanging GetAccount does not push the send past timeoutMs', async () => {
    const timeoutMs = 1000;
    stored = configFor({ timeoutMs });
    ses.fake.setRegions(sesScenarios.sandbox);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, recipientAddress)));
    ses.fake.setReadAction('GetAccount', respond.hang());

    const started = performance.now();
    const error = await failure();
    const elapsed = performance.now() - started;

    expect(operations()).toEqual(['SendEmail', 'GetAccount']);
    // The read used what was left of timeoutMs, and no more (a margin for a loaded machine).
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(elapsed).toBeLessThan(timeoutMs + 150);
    expect(error.data.errorDescription).toContain(`The recipient ${recipientAddress} is not verified`);
    expect(error.data.errorDescription).toContain('ses:GetAccount');
  });

  it('makes no read when the send itself used up timeoutMs', async () => {
    const timeoutMs = 600;
    stored = configFor({ timeoutMs });
    ses.fake.setRegions(sesScenarios.sandbox);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, recipientAddress), 570));

    const started = performance.now();
    const error = await failure();

    expect(performance.now() - started).toBeLessThan(timeoutMs + 150);
    expect(operations()).toEqual(['SendEmail']);
    expect(error.data.diagnosis).toEqual({
      failedIdentities: [recipientAddress],
      senderFailed: false,
      recipientFailed: true,
    });
    expect(error.data.errorDescription).not.toContain('IAM');
  });
});

describe('the sender is not verified', () => {
  it('verified only in another region: neither the address nor its domain exists here', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));

    const error = await failure();

    // The domain first, then the address: two reads, no more.
    expect(ses.fake.requests.map(({ operation, path }) => `${operation} ${path}`)).toEqual([
      'SendEmail /v2/email/outbound-emails',
      `GetEmailIdentity /v2/email/identities/${senderDomain}`,
      'GetEmailIdentity /v2/email/identities/noreply%40example.com',
    ]);
    expect(error.data.diagnosis).toEqual({
      failedIdentities: [senderAddress],
      senderFailed: true,
      recipientFailed: false,
      senderIdentity: { identity: senderAddress, status: 'NOT_FOUND' },
    });
    const { errorDescription } = error.data;
    expect(errorDescription).toContain(
      `Neither the sender ${senderAddress} nor its domain ${senderDomain} is an identity in ${homeRegion}`
    );
    expect(errorDescription).toContain('set region to the region where it is verified');
    expect(errorDescription).toContain('connector-aws-ses doctor');
  });

  it('DKIM pending: the domain exists, its CNAME records are not found yet', async () => {
    ses.fake.setRegions(sesScenarios.dkimPending);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));

    const error = await failure();

    expect(operations()).toEqual(['SendEmail', 'GetEmailIdentity']);
    expect(error.data.diagnosis).toEqual({
      failedIdentities: [senderAddress],
      senderFailed: true,
      recipientFailed: false,
      senderIdentity: { identity: senderDomain, status: 'PENDING', dkim: 'PENDING' },
    });
    expect(error.data.errorDescription).toContain(
      `${senderDomain} was created in ${homeRegion} but its DKIM records are not found yet`
    );
    expect(error.data.errorDescription).toContain('publish the three CNAME records');
  });

  it('a pending address identity: open the verification email', async () => {
    ses.fake.setRegions({
      [homeRegion]: { identities: { [senderAddress]: { verificationStatus: 'PENDING' } } },
    });
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));

    const error = await failure();

    expect(operations()).toEqual(['SendEmail', 'GetEmailIdentity', 'GetEmailIdentity']);
    expect(error.data.diagnosis?.senderIdentity).toEqual({
      identity: senderAddress,
      status: 'PENDING',
      dkim: 'NOT_STARTED',
    });
    expect(error.data.errorDescription).toContain('open the link in the verification email');
  });

  it('a failed domain verification says so, with its status', async () => {
    ses.fake.setRegions({
      [homeRegion]: {
        identities: { [senderDomain]: { verificationStatus: 'FAILED', dkimStatus: 'FAILED' } },
      },
    });
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderDomain)));

    const error = await failure();

    expect(error.data.diagnosis).toMatchObject({ failedIdentities: [senderDomain], senderFailed: true });
    expect(error.data.errorDescription).toContain(
      `Verification of the sender's identity ${senderDomain} failed in ${homeRegion} (status FAILED, DKIM FAILED)`
    );
  });

  it('AccessDenied on GetEmailIdentity: the parse alone, plus ses:GetEmailIdentity', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));
    ses.fake.setReadAction(
      'GetEmailIdentity',
      respond.sesError('AccessDeniedException', 403, 'not authorized')
    );

    const error = await failure();

    expect(operations()).toEqual(['SendEmail', 'GetEmailIdentity']);
    expect(error.data.diagnosis).toEqual({
      failedIdentities: [senderAddress],
      senderFailed: true,
      recipientFailed: false,
    });
    expect(error.data.errorDescription).toContain(
      `The sender ${senderAddress} is not a verified identity in ${homeRegion}`
    );
    expect(error.data.errorDescription).toContain(`or its domain ${senderDomain}`);
    expect(error.data.errorDescription).toContain(
      'allow the optional read-only IAM action ses:GetEmailIdentity.'
    );
  });

  it('both failed: GetAccount and the domain, two reads, both named', async () => {
    ses.fake.setRegions({ [homeRegion]: {} });
    ses.fake.plan(
      respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress, recipientAddress))
    );

    const error = await failure();

    expect(operations().sort()).toEqual(['GetAccount', 'GetEmailIdentity', 'SendEmail']);
    expect(error.data.diagnosis).toEqual({
      failedIdentities: [senderAddress, recipientAddress],
      senderFailed: true,
      recipientFailed: true,
      sandbox: true,
    });
    expect(error.data.errorDescription).toContain(`The sender ${senderAddress} is not a verified identity`);
    expect(error.data.errorDescription).toContain(`Also, the recipient ${recipientAddress} is not verified`);
  });
});

describe('failures that are not "not verified"', () => {
  it.each([
    ['another MessageRejected', respond.sesError('MessageRejected', 400, 'Illegal address')],
    [
      'a missing configuration set',
      respond.sesError(
        'NotFoundException',
        404,
        `Configuration set <${configurationSetName}> does not exist.`
      ),
    ],
    ['throttling', respond.sesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.')],
  ])('%s: keeps its classification and makes no read', async (_label, action) => {
    stored = configFor({ configurationSetName });
    ses.fake.setRegions(sesScenarios.missingConfigurationSet);
    ses.fake.setDefault(action);

    const error = await failure();

    expect(new Set(operations())).toEqual(new Set(['SendEmail']));
    expect(error.data).not.toHaveProperty('diagnosis');
  });

  it('no credentials anywhere: no request at all', async () => {
    stubNoAwsCredentials();
    stored = configFor();
    delete stored.accessKeyId;
    delete stored.accessKeySecret;

    const error = await failure();

    expect(error.data.sesErrorName).toBe('CredentialsProviderError');
    expect(error.data).not.toHaveProperty('diagnosis');
    expect(ses.fake.count).toBe(0);
  });

  it('an invalid config: no request at all', async () => {
    stored = configFor({ region: 'Ireland' });
    const error = await failure();
    expect(error.code).toBe(ConnectorErrorCodes.InvalidConfig);
    expect(ses.fake.count).toBe(0);
  });
});

describe('less common rejections', () => {
  it('identities SES lists that are neither the sender nor the recipient: the error is left as it was', async () => {
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, 'other@example.net')));
    const error = await failure();
    expect(error.data).not.toHaveProperty('diagnosis');
    expect(operations()).toEqual(['SendEmail']);
  });

  it('a bare From address, and a recipient listed although the account has production access', async () => {
    stored = configFor({ emailAddress: senderAddress });
    ses.fake.setRegions(sesScenarios.healthyProduction);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, recipientAddress)));

    const error = await failure();

    expect(error.data.diagnosis).toMatchObject({ recipientFailed: true, sandbox: false });
    expect(error.data.errorDescription).toContain('although the account has production access in eu-west-1');
  });

  it('a sender listed although its domain is verified: points at the identity ARN and policy', async () => {
    ses.fake.setRegions(sesScenarios.healthyProduction);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));

    const error = await failure();

    expect(error.data.diagnosis?.senderIdentity).toEqual({
      identity: senderDomain,
      status: 'SUCCESS',
      dkim: 'SUCCESS',
    });
    expect(error.data.errorDescription).toContain('check emailAddressIdentityArn');
  });

  it('the domain read fails in another way: the address is not read, the IAM clause is given', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));
    ses.fake.planRead('GetEmailIdentity', respond.serverError(400));

    const error = await failure();

    expect(operations()).toEqual(['SendEmail', 'GetEmailIdentity']);
    expect(error.data.diagnosis).not.toHaveProperty('senderIdentity');
    expect(error.data.errorDescription).toContain('ses:GetEmailIdentity');
  });

  it('the domain is not found and the address read fails: no sender identity, the IAM clause', async () => {
    ses.fake.setRegions(sesScenarios.senderElsewhere);
    ses.fake.plan(respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress)));
    ses.fake.planRead('GetEmailIdentity', respond.succeed());
    ses.fake.planRead('GetEmailIdentity', respond.serverError(400));

    const error = await failure();

    expect(operations()).toEqual(['SendEmail', 'GetEmailIdentity', 'GetEmailIdentity']);
    expect(error.data.diagnosis).not.toHaveProperty('senderIdentity');
    expect(error.data.errorDescription).toContain('ses:GetEmailIdentity');
  });

  it('both failed and both reads denied: one clause names both actions', async () => {
    ses.fake.setRegions({ [homeRegion]: {} });
    ses.fake.plan(
      respond.sesError('MessageRejected', 400, notVerified(homeRegion, senderAddress, recipientAddress))
    );
    ses.fake.setReadAction('GetAccount', respond.sesError('AccessDeniedException', 403, 'no'));
    ses.fake.setReadAction('GetEmailIdentity', respond.sesError('AccessDeniedException', 403, 'no'));

    const error = await failure();

    expect(error.data.errorDescription).toMatch(
      /allow the optional read-only IAM actions ses:(GetAccount|GetEmailIdentity) and ses:(GetAccount|GetEmailIdentity)\./
    );
  });
});

describe('secrets', () => {
  it('no diagnosis ever holds the access key secret or a session token', async () => {
    const sessionToken = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN/+=';
    vi.stubEnv('AWS_SESSION_TOKEN', sessionToken);
    const setups = Object.values(sesScenarios);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...setups),
        fc.subarray([senderAddress, senderDomain, recipientAddress], { minLength: 1 }),
        fc.constantFrom(
          undefined,
          respond.sesError('AccessDeniedException', 403, `denied for ${secret}`),
          respond.sesError('NotFoundException', 404, `no ${secret}`),
          respond.serverError(400)
        ),
        // SES's list may hold anything; a secret smuggled into it must not come out.
        fc.constantFrom([], [secret], [`${secret}@example.com`], [sessionToken]),
        async (regions, identities, readFault, smuggled) => {
          ses.fake.reset();
          ses.fake.setRegions(regions);
          ses.fake.plan(
            respond.sesError('MessageRejected', 400, notVerified(homeRegion, ...identities, ...smuggled))
          );
          if (readFault) {
            ses.fake.setReadAction('GetAccount', readFault);
            ses.fake.setReadAction('GetEmailIdentity', readFault);
          }
          const error = await failure();
          const printed = JSON.stringify({ data: error.data, message: error.message });
          expect(printed).not.toContain(secret);
          expect(printed).not.toContain(sessionToken);
          expect(error.data.diagnosis).toBeDefined();
        }
      ),
      { numRuns: 40 }
    );
  }, 30_000);

  it("drops a secret from SES's list even when nothing redacted the message before", async () => {
    ses.fake.setRegions(sesScenarios.sandbox);
    const raw = Object.assign(new Error(notVerified(homeRegion, `${secret}@example.com`, recipientAddress)), {
      name: 'MessageRejected',
    });
    const diagnosed = await diagnoseSendFailure(
      new ConnectorError(ConnectorErrorCodes.General, {
        errorDescription: 'rejected',
        sesErrorName: 'MessageRejected',
      }),
      {
        error: raw,
        config: {
          region: homeRegion,
          endpoint: ses.fake.endpoint,
          accessKeyId,
          accessKeySecret: secret,
          timeoutMs: 2000,
        },
        input: { FromEmailAddress: senderAddress, Destination: { ToAddresses: [recipientAddress] } },
        startedAt: performance.now(),
      }
    );
    expect(JSON.stringify(diagnosed.data)).not.toContain(secret);
    expect((diagnosed.data as { diagnosis: unknown }).diagnosis).toMatchObject({
      failedIdentities: [recipientAddress],
      recipientFailed: true,
    });
  });
});
