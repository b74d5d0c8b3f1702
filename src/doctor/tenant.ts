/**
 * The doctor's `tenant` check: the SES tenant of `tenantName` exists, may send, and holds the
 * sender identity, the configuration set and the stored templates (`sesTemplates`) the config
 * uses (SES accepts an email for a tenant only then).
 */
import { GetTenantCommand, ListTenantResourcesCommand } from '@aws-sdk/client-sesv2';

import { domainOf, readFailureKind, readWithin } from '../ses-read.js';
import { isTemplateArn, templateNameOf } from '../ses-templates.js';

import { type DoctorContext, readFailure } from './checks.js';
import { type DoctorCheck } from './report.js';

/** At most this many pages of `ListTenantResources` (100 resources each) are read. */
const maxResourcePages = 10;

const listTenantResources = async (
  { client, config }: DoctorContext,
  tenantName: string
): Promise<string[]> => {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxResourcePages; page += 1) {
    const output = await readWithin(
      async (abortSignal) =>
        client.send(
          new ListTenantResourcesCommand({
            TenantName: tenantName,
            PageSize: 100,
            ...(nextToken && { NextToken: nextToken }),
          }),
          { abortSignal }
        ),
      config.timeoutMs
    );
    for (const { ResourceArn: arn } of output.TenantResources ?? []) {
      if (arn) {
        arns.push(arn);
      }
    }
    nextToken = output.NextToken;
    if (!nextToken) {
      break;
    }
  }
  return arns;
};

/** The resources of the config a send for the tenant needs, each with how its ARN ends. */
const neededResources = ({
  config,
}: DoctorContext): Array<{ label: string; matches: (arn: string) => boolean }> => {
  const needed: Array<{ label: string; matches: (arn: string) => boolean }> = [];
  const address = config.emailAddress?.address;
  if (config.emailAddressIdentityArn) {
    const identityArn = config.emailAddressIdentityArn;
    needed.push({ label: `the sender identity ${identityArn}`, matches: (arn) => arn === identityArn });
  } else if (address) {
    const domain = domainOf(address).toLowerCase();
    needed.push({
      label: `the sender identity (${domain} or ${address})`,
      matches: (arn) => {
        const lower = arn.toLowerCase();
        return lower.endsWith(`:identity/${domain}`) || lower.endsWith(`:identity/${address.toLowerCase()}`);
      },
    });
  }
  if (config.configurationSetName) {
    const name = config.configurationSetName;
    needed.push({
      label: `the configuration set ${name}`,
      matches: (arn) => arn.endsWith(`:configuration-set/${name}`),
    });
  }
  // Each distinct template of sesTemplates: SES refuses a template send for a tenant without it.
  for (const reference of new Set(Object.values(config.sesTemplates ?? {}))) {
    needed.push({
      label: `the SES template ${reference}`,
      matches: (arn) =>
        isTemplateArn(reference) ? arn === reference : arn.endsWith(`:template/${templateNameOf(reference)}`),
    });
  }
  return needed;
};

/**
 * `GetTenant` for `tenantName` (fail when it does not exist or its sending is disabled), then
 * `ListTenantResources`: fail naming each of the sender identity, the configuration set and the
 * stored templates that is not associated with the tenant. Skipped without `tenantName`.
 */
export const checkTenant = async (doctor: DoctorContext): Promise<DoctorCheck> => {
  const { tenantName, region } = doctor.config;
  if (!tenantName) {
    return { id: 'tenant', status: 'skip', summary: 'No tenantName in the config.' };
  }
  let sendingStatus: string;
  try {
    const output = await readWithin(
      async (abortSignal) =>
        doctor.client.send(new GetTenantCommand({ TenantName: tenantName }), { abortSignal }),
      doctor.config.timeoutMs
    );
    sendingStatus = output.Tenant?.SendingStatus ?? 'unknown';
  } catch (error: unknown) {
    if (readFailureKind(error) === 'notFound') {
      return {
        id: 'tenant',
        status: 'fail',
        summary: `The SES tenant ${tenantName} does not exist in ${region}.`,
        fix: `Create ${tenantName} in the SES console for ${region} (Tenants) and associate the sender identity and configuration set with it, or correct tenantName.`,
      };
    }
    return readFailure('tenant', 'GetTenant', error, doctor);
  }
  if (sendingStatus === 'DISABLED') {
    return {
      id: 'tenant',
      status: 'fail',
      summary: `Sending is disabled for the SES tenant ${tenantName} in ${region}.`,
      fix: `Enable sending for ${tenantName} in the SES console for ${region} (Tenants), or ask AWS Support why it was disabled.`,
    };
  }
  const needed = neededResources(doctor);
  if (needed.length === 0) {
    return {
      id: 'tenant',
      status: 'pass',
      summary: `The SES tenant ${tenantName} exists in ${region} (sending ${sendingStatus}).`,
    };
  }
  let arns: string[];
  try {
    arns = await listTenantResources(doctor, tenantName);
  } catch (error: unknown) {
    const unread = readFailure('tenant', 'ListTenantResources', error, doctor);
    return {
      ...unread,
      status: unread.status === 'fail' ? 'fail' : 'warn',
      summary: `The SES tenant ${tenantName} exists in ${region} (sending ${sendingStatus}); its resources were not read: ${unread.summary}`,
    };
  }
  const missing = needed.filter(({ matches }) => !arns.some((arn) => matches(arn)));
  if (missing.length > 0) {
    const labels = missing.map(({ label }) => label).join(' and ');
    return {
      id: 'tenant',
      status: 'fail',
      summary: `The SES tenant ${tenantName} in ${region} is not associated with ${labels}: SES refuses to send for the tenant.`,
      fix: `Associate ${labels} with ${tenantName} (SES console > Tenants > ${tenantName} > Resources, or CreateTenantResourceAssociation).`,
    };
  }
  return {
    id: 'tenant',
    status: 'pass',
    summary: `The SES tenant ${tenantName} exists in ${region} (sending ${sendingStatus}) and holds ${needed.map(({ label }) => label).join(' and ')}.`,
  };
};
