/**
 * SES set-ups the doctor and the send-path diagnosis are tested against, as fake SES regions
 * (test/support/fake-ses.ts). One sender, one recipient, one home region.
 */
import { type AwsSesConfig, type DoctorCheckId, type DoctorCheckStatus } from '../../src/index.js';
import { configAt } from '../fixtures.js';

import { type FakeSesRegion } from './fake-ses.js';

/** The region the configs name. */
export const homeRegion = 'eu-west-1';
/** The region where the "verified elsewhere" sender is verified. */
export const otherRegion = 'us-east-2';
export const senderAddress = 'noreply@example.com';
export const senderDomain = 'example.com';
export const recipientAddress = 'ada@example.org';
export const configurationSetName = 'logto-auth';

/** Fields of a config to replace; `undefined` removes the field. */
export type ConfigOverrides = { [Key in keyof AwsSesConfig]?: AwsSesConfig[Key] | undefined };

/**
 * A config for these set-ups: static credentials, {@link homeRegion}, the sender
 * {@link senderAddress}, {@link configurationSetName}, a 3000 ms bound, one Generic template, sending
 * to (and read through) the fake SES at `endpoint`. An override of `undefined` removes the field,
 * as JSON drops it.
 */
export const scenarioConfig = (endpoint: string, overrides: ConfigOverrides = {}): AwsSesConfig =>
  JSON.parse(
    JSON.stringify({
      ...configAt(endpoint, {
        region: homeRegion,
        emailAddress: `Acme <${senderAddress}>`,
        configurationSetName,
        timeoutMs: 3000,
      }),
      ...overrides,
    })
  ) as AwsSesConfig;

const production = {
  productionAccessEnabled: true,
  max24HourSend: 50_000,
  maxSendRate: 14,
  sentLast24Hours: 120,
};

/** SES's MessageRejected text for identities that failed the check in a region. */
export const notVerified = (region: string, ...identities: string[]) =>
  `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${identities.join(', ')}`;

/** The set-ups, by name. */
export const sesScenarios = {
  /** Production access, a verified domain with DKIM, a configuration set. */
  healthyProduction: {
    [homeRegion]: {
      account: production,
      identities: { [senderDomain]: {} },
      configurationSets: { [configurationSetName]: {} },
    },
  },
  /** The sandbox: the sender's domain is verified, the recipient is not. */
  sandbox: {
    [homeRegion]: { identities: { [senderDomain]: {} }, configurationSets: { [configurationSetName]: {} } },
  },
  /** The sender's domain is verified in another region only. */
  senderElsewhere: {
    [homeRegion]: { account: production, configurationSets: { [configurationSetName]: {} } },
    [otherRegion]: { account: production, identities: { [senderDomain]: {} } },
  },
  /** The sender's domain was created but its DKIM records are not published yet. */
  dkimPending: {
    [homeRegion]: {
      account: production,
      identities: { [senderDomain]: { verificationStatus: 'PENDING', dkimStatus: 'PENDING' } },
      configurationSets: { [configurationSetName]: {} },
    },
  },
  /** Healthy, but the configuration set does not exist. */
  missingConfigurationSet: {
    [homeRegion]: { account: production, identities: { [senderDomain]: {} } },
  },
  /** Healthy, but the recipient is on the account-level suppression list. */
  suppressedRecipient: {
    [homeRegion]: {
      account: production,
      identities: { [senderDomain]: {} },
      configurationSets: { [configurationSetName]: {} },
      suppressed: {
        [recipientAddress]: { reason: 'BOUNCE', lastUpdateTime: new Date('2026-11-30T10:00:00Z') },
      },
    },
  },
} satisfies Record<string, Record<string, FakeSesRegion>>;

/**
 * What the doctor reports for {@link sesScenarios}' `healthyProduction` account without a test
 * email: every check passes, and those that need more (another region, a test send) are skipped.
 */
export const healthyChecks: Record<DoctorCheckId, DoctorCheckStatus> = {
  config: 'pass',
  credentials: 'pass',
  account: 'pass',
  sandbox: 'pass',
  quota: 'pass',
  'sender-identity': 'pass',
  dkim: 'pass',
  'mail-from': 'pass',
  'other-regions': 'skip',
  // No endpointId, sesTemplates or tenantName in the healthy config.
  'multi-region-endpoint': 'skip',
  'configuration-set': 'pass',
  'ses-templates': 'skip',
  tenant: 'skip',
  recipient: 'pass',
  'test-send': 'skip',
};
