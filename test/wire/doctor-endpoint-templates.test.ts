/**
 * The doctor's `multi-region-endpoint` and `ses-templates` checks over real HTTP, against the fake
 * SES: it lists multi-region endpoints per primary region, answers identities per region (by the
 * SigV4 scope of each read), stores templates and renders them as SES does.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type MultiRegionEndpoint } from '@aws-sdk/client-sesv2';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { runCli } from '../../src/cli.js';
import { parseConfig } from '../../src/config.js';
import { askEndpointRegions } from '../../src/doctor/multi-region-endpoint.js';
import { type SenderRead } from '../../src/ses-read.js';
import { withSesClient } from '../../src/ses-clients.js';

import { type AwsSesConfig, type DoctorCheck, runDoctor } from '../../src/index.js';
import { type FakeSesRegion, respond } from '../support/fake-ses.js';
import {
  type ConfigOverrides,
  configurationSetName,
  homeRegion,
  otherRegion,
  scenarioConfig,
  senderAddress,
  senderDomain,
} from '../support/ses-scenarios.js';
import { useFakeSes } from '../fixtures.js';

const endpointId = 'abcd1234.efgh';
const production = { productionAccessEnabled: true, max24HourSend: 50_000, maxSendRate: 14 };

const ses = useFakeSes();

const configFor = (overrides?: ConfigOverrides) => scenarioConfig(ses.fake.endpoint, overrides);

/** The home region with a verified sender and a configuration set, plus `extra`. */
const home = (extra: FakeSesRegion = {}): FakeSesRegion => ({
  account: production,
  identities: { [senderDomain]: {} },
  configurationSets: { [configurationSetName]: {} },
  ...extra,
});

const checkOf = async (
  id: 'multi-region-endpoint' | 'ses-templates',
  config: AwsSesConfig
): Promise<DoctorCheck> => {
  const report = await runDoctor(config);
  const check = report.checks.find((found) => found.id === id);
  expect(check).toBeDefined();
  return check!;
};

beforeEach(() => {
  ses.fake.templates.clear();
});

describe('the multi-region-endpoint check', () => {
  const endpoint = { name: 'logto-global', id: endpointId, regions: [homeRegion, otherRegion] };

  it('is skipped without endpointId', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    expect(await checkOf('multi-region-endpoint', configFor())).toMatchObject({
      status: 'skip',
      summary: 'No endpointId in the config.',
    });
  });

  it('with an endpoint override (the config, or AWS_ENDPOINT_URL_SESV2) lists the endpoint there but asks none of its regions, and says why', async () => {
    // The secondary region has no sender: asking it would fail the check.
    ses.fake.setRegions({
      [homeRegion]: home({ multiRegionEndpoints: [endpoint] }),
      [otherRegion]: { account: production },
    });
    vi.stubEnv('AWS_ENDPOINT_URL_SESV2', ses.fake.endpoint);
    for (const config of [configFor({ endpointId }), configFor({ endpointId, endpoint: undefined })]) {
      ses.fake.reset();
      expect(await checkOf('multi-region-endpoint', config)).toEqual({
        id: 'multi-region-endpoint',
        status: 'pass',
        summary: `The multi-region endpoint logto-global (${endpointId}), regions ${homeRegion} and ${otherRegion} is READY. Whether ${senderAddress} is verified in each of its regions was not checked: the endpoint override (${ses.fake.endpoint}) serves one region, so the endpoint's regions cannot be asked through it; run the doctor without it to check them.`,
      });
      const lists = ses.fake.requests.filter(({ operation }) => operation === 'ListMultiRegionEndpoints');
      expect(lists.map(({ region }) => region)).toEqual([homeRegion]);
      expect(new Set(ses.fake.requests.map(({ region }) => region))).toEqual(new Set([homeRegion]));
    }
  });

  describe('asking the sender in its regions (without an endpoint override)', () => {
    /** The home region's read as the doctor hands it over: the domain verified there. */
    const verifiedAtHome: SenderRead = {
      address: senderAddress,
      domain: senderDomain,
      addressRead: { missing: true },
      domainRead: { output: { VerifiedForSendingStatus: true, $metadata: {} } },
    };
    const ready: MultiRegionEndpoint = {
      EndpointName: endpoint.name,
      EndpointId: endpointId,
      Status: 'READY',
      Regions: endpoint.regions,
    };
    /** Asks the endpoint's regions as the doctor does: with the credentials of the doctor's client. */
    const askAsTheDoctorDoes = async (raw: AwsSesConfig) => {
      const config = parseConfig(raw);
      return withSesClient(config, async (client) =>
        askEndpointRegions(config, verifiedAtHome, ready, client.config.credentials)
      );
    };

    it('passes when both regions have the sender verified, naming them; the home read is reused', async () => {
      ses.fake.setRegions({
        [homeRegion]: home(),
        [otherRegion]: { account: production, identities: { [senderDomain]: {} } },
      });
      const check = await askAsTheDoctorDoes(configFor({ endpointId }));
      expect(check.status).toBe('pass');
      expect(check.summary).toContain(
        `logto-global (${endpointId}), regions ${homeRegion} and ${otherRegion} is READY`
      );
      // Only the other region was asked (the address and the domain).
      expect(ses.fake.requests.map(({ operation, region }) => `${operation} ${region}`)).toEqual([
        `GetEmailIdentity ${otherRegion}`,
        `GetEmailIdentity ${otherRegion}`,
      ]);
    });

    it('fails, naming the region, when the sender is not verified in the secondary region', async () => {
      ses.fake.setRegions({ [homeRegion]: home(), [otherRegion]: { account: production } });
      const check = await askAsTheDoctorDoes(configFor({ endpointId }));
      expect(check.status).toBe('fail');
      expect(check.summary).toContain(`is not verified for sending in ${otherRegion}`);
      expect(check.fix).toContain(`Verify ${senderDomain}`);
    });

    it('warns, naming the region, when the secondary region denies the read', async () => {
      ses.fake.setRegions({ [homeRegion]: home(), [otherRegion]: { account: production } });
      ses.fake.setReadAction(
        'GetEmailIdentity',
        respond.sesError('AccessDeniedException', 403, 'denied'),
        otherRegion
      );
      expect(await askAsTheDoctorDoes(configFor({ endpointId }))).toMatchObject({
        status: 'warn',
        summary: `The multi-region endpoint logto-global (${endpointId}), regions ${homeRegion} and ${otherRegion} is READY; whether ${senderAddress} is verified in ${otherRegion} could not be read.`,
        fix: expect.stringContaining('Allow ses:GetEmailIdentity') as string,
      });
    });
  });

  it.each([
    ['CREATING', 'warn', 'Wait until'],
    ['FAILED', 'fail', 'create it again'],
    ['DELETING', 'fail', 'Create a new global endpoint'],
  ] as const)('reports an endpoint %s as %s', async (status, expected, fix) => {
    ses.fake.setRegions({ [homeRegion]: home({ multiRegionEndpoints: [{ ...endpoint, status }] }) });
    const check = await checkOf('multi-region-endpoint', configFor({ endpointId }));
    expect(check.status).toBe(expected);
    expect(check.summary).toContain(`is ${status}, not READY`);
    expect(check.fix).toContain(fix);
  });

  it('fails when no endpoint of the region has the ID (another region is its primary)', async () => {
    ses.fake.setRegions({
      [homeRegion]: home({ multiRegionEndpoints: [{ ...endpoint, id: 'other.id' }] }),
      [otherRegion]: { multiRegionEndpoints: [endpoint] },
    });
    const check = await checkOf('multi-region-endpoint', configFor({ endpointId }));
    expect(check.status).toBe('fail');
    expect(check.summary).toBe(
      `No multi-region endpoint with ID ${endpointId} has ${homeRegion} as its primary region (1 listed there).`
    );
    expect(check.fix).toContain('set region to that primary region');
  });

  it('is skipped with the IAM action when ListMultiRegionEndpoints is denied', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    ses.fake.setReadAction(
      'ListMultiRegionEndpoints',
      respond.sesError('AccessDeniedException', 403, 'denied')
    );
    const check = await checkOf('multi-region-endpoint', configFor({ endpointId }));
    expect(check).toMatchObject({
      status: 'skip',
      fix: expect.stringContaining('ses:ListMultiRegionEndpoints'),
    });
  });
});

describe('the ses-templates check', () => {
  it('is skipped without sesTemplates', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    expect(await checkOf('ses-templates', configFor())).toMatchObject({ status: 'skip' });
  });

  it('passes when every named template exists and renders with what Logto sends for its type', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    ses.fake.templates.set('logto-sign-in', {
      subject: '{{application.name}}: {{code}}',
      text: '{{code}} ({{locale}})',
    });
    ses.fake.templates.set('logto-invite', {
      subject: 'Join {{organization.name}}',
      html: '<a href="{{link}}">Join</a>',
    });
    const check = await checkOf(
      'ses-templates',
      configFor({
        sesTemplates: {
          SignIn: 'logto-sign-in',
          OrganizationInvitation: `arn:aws:ses:${homeRegion}:123456789012:template/logto-invite`,
        },
      })
    );
    expect(check).toMatchObject({
      status: 'pass',
      summary: `2 SES templates exist in ${homeRegion} and render with the data Logto sends: SignIn → logto-sign-in, OrganizationInvitation → logto-invite.`,
    });
    const renders = ses.fake.requests.filter(({ operation }) => operation === 'TestRenderEmailTemplate');
    expect(renders).toHaveLength(2);
  });

  it('fails naming a variable Logto does not send with every email of the type', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    ses.fake.templates.set('logto-sign-in', { subject: 'Code {{code}}', text: 'Hello {{nickname}}' });
    const check = await checkOf('ses-templates', configFor({ sesTemplates: { SignIn: 'logto-sign-in' } }));
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(
      `SignIn: the SES template logto-sign-in does not render with the data Logto sends with every SignIn email (SES said: "Attribute 'nickname' is not present in the rendering data.").`
    );
    expect(check.fix).toContain('(code, locale, application)');
    expect(check.fix).toContain('{{#if …}}');
  });

  it('accepts a value Logto sends only sometimes when the template wraps it in {{#if}}', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    ses.fake.templates.set('logto-sign-in', {
      subject: 'Code {{code}}',
      text: '{{#if organization}}For {{organization.name}}{{/if}}',
    });
    const check = await checkOf('ses-templates', configFor({ sesTemplates: { SignIn: 'logto-sign-in' } }));
    expect(check.status).toBe('pass');
  });

  it('fails for a template that does not exist, and names where the ARN of another region points', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    const check = await checkOf(
      'ses-templates',
      configFor({
        sesTemplates: {
          Generic: 'missing-template',
          SignIn: `arn:aws:ses:${otherRegion}:123456789012:template/logto-sign-in`,
        },
      })
    );
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(
      `Generic: the SES template missing-template does not exist in ${homeRegion}.`
    );
    expect(check.summary).toContain(`SignIn: the template ARN is in ${otherRegion}, not ${homeRegion}`);
    expect(check.fix).toContain('Create missing-template in the SES console');
  });

  it('is skipped with the IAM action when GetEmailTemplate is denied', async () => {
    ses.fake.setRegions({ [homeRegion]: home() });
    ses.fake.templates.set('logto-sign-in', { subject: 'Code {{code}}' });
    ses.fake.setReadAction('GetEmailTemplate', respond.sesError('AccessDeniedException', 403, 'denied'));
    const check = await checkOf('ses-templates', configFor({ sesTemplates: { SignIn: 'logto-sign-in' } }));
    expect(check).toMatchObject({ status: 'skip', fix: expect.stringContaining('ses:GetEmailTemplate') });
  });
});

describe('connector-aws-ses doctor', () => {
  it('prints both checks in its text report, with the fix for a failing one', async () => {
    ses.fake.setRegions({
      [homeRegion]: home({
        multiRegionEndpoints: [{ name: 'g', id: endpointId, regions: [homeRegion, otherRegion] }],
      }),
      [otherRegion]: { account: production, identities: { [senderDomain]: {} } },
    });
    const folder = await mkdtemp(join(tmpdir(), 'doctor-endpoint-templates-'));
    try {
      const file = join(folder, 'config.json');
      await writeFile(file, JSON.stringify(configFor({ endpointId, sesTemplates: { Generic: 'missing' } })));
      const out: string[] = [];
      const code = await runCli(['doctor', '--config', file], {
        out: (line) => out.push(line),
        err: () => undefined,
      });
      const text = out.join('\n');
      expect(code).toBe(1);
      expect(text).toMatch(/^✓ multi-region-endpoint +The multi-region endpoint g \(abcd1234\.efgh\)/m);
      expect(text).toMatch(
        /^✗ ses-templates +Generic: the SES template missing does not exist in eu-west-1\./m
      );
      expect(text).toContain('→ Create missing in the SES console for eu-west-1 (Email templates)');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
