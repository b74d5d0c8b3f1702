/**
 * The doctor's tenant check against a mocked SES client (aws-sdk-client-mock): the cases the wire
 * suite (test/wire/doctor-tenant.test.ts) does not reach with the fake SES — paged resource lists,
 * a config with nothing to associate, a tenant without a sending status, throttling.
 */
import {
  GetTenantCommand,
  ListTenantResourcesCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { type AwsSesConfig, parseConfig } from '../src/config.js';
import { type DoctorContext } from '../src/doctor/checks.js';
import { checkTenant } from '../src/doctor/tenant.js';
import { secret } from './fixtures.js';

const ses = mockClient(SESv2Client);

const doctorFor = (fields: Partial<AwsSesConfig> = {}): DoctorContext => ({
  config: parseConfig({
    region: 'eu-west-1',
    emailAddress: 'noreply@example.com',
    configurationSetName: 'logto-auth',
    tenantName: 'acme',
    timeoutMs: 1000,
    templates: [{ usageType: 'Generic', subject: 's', content: 'c' }],
    ...fields,
  }),
  client: new SESv2Client({ region: 'eu-west-1' }),
  context: { region: 'eu-west-1', host: 'email.eu-west-1.amazonaws.com', timeoutMs: 1000, secrets: [secret] },
});

const arn = (resource: string) => `arn:aws:ses:eu-west-1:123456789012:${resource}`;

beforeEach(() => {
  ses.reset();
  ses.on(GetTenantCommand).resolves({ Tenant: { TenantName: 'acme', SendingStatus: 'ENABLED' } });
});

describe('checkTenant', () => {
  it('reads every page of the tenant resources, following NextToken', async () => {
    ses
      .on(ListTenantResourcesCommand)
      .resolvesOnce({ TenantResources: [{ ResourceArn: arn('identity/example.com') }], NextToken: 'page-2' })
      .resolvesOnce({ TenantResources: [{ ResourceArn: arn('configuration-set/logto-auth') }, {}] });

    const check = await checkTenant(doctorFor());

    expect(check.status).toBe('pass');
    const pages = ses.commandCalls(ListTenantResourcesCommand).map((call) => call.args[0].input.NextToken);
    expect(pages).toEqual([undefined, 'page-2']);
  });

  it('stops after ten pages, and then names what it did not find', async () => {
    ses
      .on(ListTenantResourcesCommand)
      .resolves({ TenantResources: [{ ResourceArn: arn('identity/other.example') }], NextToken: 'more' });

    const check = await checkTenant(doctorFor({ configurationSetName: '' }));

    expect(ses.commandCalls(ListTenantResourcesCommand)).toHaveLength(10);
    expect(check).toMatchObject({ status: 'fail', summary: expect.stringContaining('sender identity') });
  });

  it('passes on the tenant alone when the config has neither a sender nor a configuration set', async () => {
    const check = await checkTenant(doctorFor({ emailAddress: '', configurationSetName: '' }));

    expect(check).toMatchObject({ status: 'pass', summary: expect.stringContaining('(sending ENABLED)') });
    expect(ses.commandCalls(ListTenantResourcesCommand)).toHaveLength(0);
  });

  it('also needs each stored template of sesTemplates, by name or exactly by ARN', async () => {
    const templateArn = arn('template/logto-invite');
    ses.on(ListTenantResourcesCommand).resolves({
      TenantResources: [
        { ResourceArn: arn('identity/example.com') },
        { ResourceArn: arn('configuration-set/logto-auth') },
        { ResourceArn: arn('template/logto-sign-in') },
      ],
    });
    const fields = {
      sesTemplates: {
        SignIn: 'logto-sign-in',
        Register: 'logto-sign-in',
        OrganizationInvitation: templateArn,
      },
    };

    const missing = await checkTenant(doctorFor(fields));
    expect(missing).toMatchObject({ status: 'fail' });
    expect(missing.summary).toContain(`is not associated with the SES template ${templateArn}:`);
    expect(missing.summary).not.toContain('logto-sign-in');

    ses.on(ListTenantResourcesCommand).resolves({
      TenantResources: [
        { ResourceArn: arn('identity/example.com') },
        { ResourceArn: arn('configuration-set/logto-auth') },
        { ResourceArn: arn('template/logto-sign-in') },
        { ResourceArn: templateArn },
      ],
    });
    const held = await checkTenant(doctorFor(fields));
    expect(held.status).toBe('pass');
    // The template named twice is listed once.
    expect(held.summary.match(/logto-sign-in/g)).toHaveLength(1);
  });

  it('says "unknown" when SES gives no sending status', async () => {
    ses.on(GetTenantCommand).resolves({ Tenant: { TenantName: 'acme' } });
    const check = await checkTenant(doctorFor({ emailAddress: '', configurationSetName: '' }));
    expect(check.summary).toContain('(sending unknown)');
  });

  it('warns when SES throttles GetTenant', async () => {
    ses
      .on(GetTenantCommand)
      .rejects(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }));
    const check = await checkTenant(doctorFor());
    expect(check).toMatchObject({
      id: 'tenant',
      status: 'warn',
      summary: expect.stringContaining('GetTenant'),
    });
  });

  it('keeps a failure to list the resources a failure', async () => {
    ses.on(ListTenantResourcesCommand).rejects(
      Object.assign(new Error('boom'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      })
    );
    const check = await checkTenant(doctorFor());
    expect(check.status).toBe('fail');
    expect(check.summary).toMatch(
      /^The SES tenant acme exists in eu-west-1 \(sending ENABLED\); its resources were not read/
    );
  });
});
