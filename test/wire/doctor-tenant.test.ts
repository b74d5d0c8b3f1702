/**
 * The doctor's `tenant` check and its `config` line about the send options, over real HTTP
 * against the fake SES, whose regions hold SES tenants and the resources associated with them.
 */
import { describe, expect, it } from 'vitest';

import { type AwsSesConfig, type DoctorCheck, runDoctor } from '../../src/index.js';
import { type FakeSesTenant, respond } from '../support/fake-ses.js';
import {
  type ConfigOverrides,
  configurationSetName,
  healthyChecks,
  homeRegion,
  recipientAddress,
  senderAddress,
  senderDomain,
  scenarioConfig,
  sesScenarios,
} from '../support/ses-scenarios.js';
import { useFakeSes } from '../fixtures.js';

const ses = useFakeSes();

const account = '123456789012';
const domainArn = `arn:aws:ses:${homeRegion}:${account}:identity/${senderDomain}`;
const configurationSetArn = `arn:aws:ses:${homeRegion}:${account}:configuration-set/${configurationSetName}`;

const configFor = (overrides?: ConfigOverrides) => scenarioConfig(ses.fake.endpoint, overrides);

/** The healthy production account of the other doctor tests, with these tenants. */
const withTenants = (tenants: Record<string, FakeSesTenant>) => {
  const healthy = sesScenarios.healthyProduction[homeRegion];
  ses.fake.setRegions({ [homeRegion]: { ...healthy, tenants } });
};

const tenantCheck = async (config: AwsSesConfig): Promise<DoctorCheck> => {
  const report = await runDoctor(config);
  const check = report.checks.find(({ id }) => id === 'tenant');
  expect(check).toBeDefined();
  return check!;
};

const tenantRequests = () =>
  ses.fake.requests.filter(
    ({ operation }) => operation === 'GetTenant' || operation === 'ListTenantResources'
  );

describe('the tenant check', () => {
  it('is skipped, with no tenant request, when the config names no tenant', async () => {
    withTenants({});
    const report = await runDoctor(configFor(), { to: recipientAddress });
    expect(Object.fromEntries(report.checks.map(({ id, status }) => [id, status]))).toEqual(healthyChecks);
    expect(report.checks.find(({ id }) => id === 'tenant')?.summary).toBe('No tenantName in the config.');
    expect(tenantRequests()).toEqual([]);
  });

  it('passes when the tenant may send and holds the sender domain and the configuration set', async () => {
    withTenants({ acme: { resources: [domainArn, configurationSetArn] } });
    const check = await tenantCheck(configFor({ tenantName: 'acme' }));
    expect(check.status).toBe('pass');
    expect(check.summary).toContain('acme');
    expect(check.summary).toContain('ENABLED');
    expect(tenantRequests().map(({ operation, body }) => [operation, body?.TenantName])).toEqual([
      ['GetTenant', 'acme'],
      ['ListTenantResources', 'acme'],
    ]);
  });

  it('accepts the sender address itself as the identity', async () => {
    const addressArn = `arn:aws:ses:${homeRegion}:${account}:identity/${senderAddress}`;
    withTenants({ acme: { resources: [addressArn] } });
    const check = await tenantCheck(configFor({ tenantName: 'acme', configurationSetName: undefined }));
    expect(check.status).toBe('pass');
  });

  it('fails when the tenant does not exist in the region', async () => {
    withTenants({ other: {} });
    const check = await tenantCheck(configFor({ tenantName: 'acme' }));
    expect(check).toMatchObject({ status: 'fail', summary: expect.stringContaining('does not exist') });
    expect(check.fix).toContain('Tenants');
  });

  it('fails when sending is disabled for the tenant', async () => {
    withTenants({ acme: { sendingStatus: 'DISABLED', resources: [domainArn, configurationSetArn] } });
    const check = await tenantCheck(configFor({ tenantName: 'acme' }));
    expect(check).toMatchObject({ status: 'fail', summary: expect.stringContaining('disabled') });
  });

  it('fails naming the configuration set the tenant does not hold, and only it', async () => {
    withTenants({ acme: { resources: [domainArn] } });
    const check = await tenantCheck(configFor({ tenantName: 'acme' }));
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(`configuration set ${configurationSetName}`);
    expect(check.summary).not.toContain('sender identity');
    expect(check.fix).toContain('CreateTenantResourceAssociation');
  });

  it('fails naming the sender identity when the tenant holds another domain', async () => {
    withTenants({
      acme: {
        resources: [`arn:aws:ses:${homeRegion}:${account}:identity/other.example`, configurationSetArn],
      },
    });
    const check = await tenantCheck(configFor({ tenantName: 'acme' }));
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(`sender identity (${senderDomain} or ${senderAddress})`);
  });

  it('matches the identity ARN of the config exactly under sending authorization', async () => {
    const ownerArn = `arn:aws:ses:${homeRegion}:999999999999:identity/${senderDomain}`;
    withTenants({ acme: { resources: [domainArn, configurationSetArn] } });
    const check = await tenantCheck(configFor({ tenantName: 'acme', emailAddressIdentityArn: ownerArn }));
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(ownerArn);
  });

  it('is skipped with the IAM action to allow when GetTenant is denied', async () => {
    withTenants({ acme: {} });
    ses.fake.setReadAction('GetTenant', respond.sesError('AccessDeniedException', 403, 'not authorized'));
    const check = await tenantCheck(configFor({ tenantName: 'acme' }));
    expect(check).toMatchObject({ status: 'skip', fix: expect.stringContaining('ses:GetTenant') });
  });

  it('warns when the tenant exists but its resources may not be listed', async () => {
    withTenants({ acme: { resources: [domainArn, configurationSetArn] } });
    ses.fake.setReadAction(
      'ListTenantResources',
      respond.sesError('AccessDeniedException', 403, 'not authorized')
    );
    const check = await tenantCheck(configFor({ tenantName: 'acme' }));
    expect(check.status).toBe('warn');
    expect(check.summary).toContain('exists');
    expect(check.fix).toContain('ses:ListTenantResources');
  });
});

describe("the config line's send options", () => {
  it('reports the defaults: tracking off and X-Entity-Ref-ID on', async () => {
    withTenants({});
    const { checks } = await runDoctor(configFor());
    expect(checks[0]?.summary).toBe(
      `The config is valid (SES region ${homeRegion}; open and click tracking off, X-Entity-Ref-ID on).`
    );
  });

  it('reports tracking left to the configuration set, the headers by name and the tenant', async () => {
    withTenants({ acme: { resources: [domainArn, configurationSetArn] } });
    const { checks } = await runDoctor(
      configFor({
        tracking: 'configuration-set',
        entityRefId: 'off',
        headers: { 'X-Logto-Tenant': 'acme', 'X-App': 'portal' },
        tenantName: 'acme',
      })
    );
    expect(checks[0]?.summary).toBe(
      `The config is valid (SES region ${homeRegion}; tracking as the account and configuration set say, X-Entity-Ref-ID off, 2 custom headers (X-Logto-Tenant, X-App), SES tenant acme).`
    );
  });
});
