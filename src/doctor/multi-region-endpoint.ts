/**
 * The doctor's `multi-region-endpoint` check: the config's `endpointId` among the multi-region
 * (global) endpoints of its region, its status and regions, and the sender in each of them.
 */
import { ListMultiRegionEndpointsCommand, type MultiRegionEndpoint } from '@aws-sdk/client-sesv2';

import { readWithin } from '../ses-read.js';
import { createClient } from '../ses-client.js';

import {
  type DoctorContext,
  type IdentityRead,
  type SenderRead,
  readFailure,
  readIdentity,
} from './checks.js';
import { type DoctorCheck } from './report.js';

/** Pages of `ListMultiRegionEndpoints` read at most (1,000 endpoints each). */
const maxPages = 10;

const findEndpoint = async (
  { client, config }: DoctorContext,
  endpointId: string
): Promise<{ found?: MultiRegionEndpoint; listed: number }> => {
  let listed = 0;
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const output = await readWithin(
      async (abortSignal) =>
        client.send(
          new ListMultiRegionEndpointsCommand({ PageSize: 1000, ...(nextToken && { NextToken: nextToken }) }),
          { abortSignal }
        ),
      config.timeoutMs
    );
    const endpoints = output.MultiRegionEndpoints ?? [];
    listed += endpoints.length;
    const found = endpoints.find((endpoint) => endpoint.EndpointId === endpointId);
    if (found || !output.NextToken) {
      return { ...(found && { found }), listed };
    }
    nextToken = output.NextToken;
  }
  return { listed };
};

type RegionAnswer = 'verified' | 'not-verified' | 'unknown';

const answerOf = (reads: IdentityRead[]): RegionAnswer => {
  if (reads.some((read) => 'output' in read && read.output.VerifiedForSendingStatus === true)) {
    return 'verified';
  }
  return reads.every((read) => !('error' in read)) ? 'not-verified' : 'unknown';
};

/** Whether the sender (address or domain) is verified in each region, each read with a client of its own. */
const senderInRegions = async (
  doctor: DoctorContext,
  sender: SenderRead,
  regions: readonly string[]
): Promise<Array<[string, RegionAnswer]>> => {
  const deadline = performance.now() + doctor.config.timeoutMs;
  return Promise.all(
    regions.map(async (region): Promise<[string, RegionAnswer]> => {
      if (region === doctor.config.region) {
        return [region, answerOf([sender.addressRead, sender.domainRead])];
      }
      const client = createClient({ ...doctor.config, region });
      try {
        const left = deadline - performance.now();
        const reads = await Promise.all([
          readIdentity(client, sender.address, left),
          readIdentity(client, sender.domain, left),
        ]);
        return [region, answerOf(reads)];
      } finally {
        client.destroy();
      }
    })
  );
};

const statusFixes: Record<string, string> = {
  CREATING: 'Wait until the SES console (Global endpoints) shows it READY; sends through it fail until then.',
  FAILED:
    'Delete it and create it again in the SES console (Global endpoints), or remove endpointId to send through the regional endpoint.',
  DELETING: 'Create a new global endpoint and put its ID in endpointId, or remove endpointId.',
};

/**
 * `multi-region-endpoint`: skipped without `endpointId`; else finds it with
 * `ListMultiRegionEndpoints` in the config's region (an endpoint is listed in its primary region
 * only), reports its status and regions, and checks that the sender is verified in each region.
 */
export const checkMultiRegionEndpoint = async (
  doctor: DoctorContext,
  sender: SenderRead | undefined
): Promise<DoctorCheck> => {
  const { endpointId, region } = doctor.config;
  if (!endpointId) {
    return { id: 'multi-region-endpoint', status: 'skip', summary: 'No endpointId in the config.' };
  }
  let found: MultiRegionEndpoint | undefined;
  let listed: number;
  try {
    ({ found, listed } = await findEndpoint(doctor, endpointId));
  } catch (error: unknown) {
    return readFailure('multi-region-endpoint', 'ListMultiRegionEndpoints', error, doctor);
  }
  if (!found) {
    return {
      id: 'multi-region-endpoint',
      status: 'fail',
      summary: `No multi-region endpoint with ID ${endpointId} has ${region} as its primary region (${listed} listed there).`,
      fix: "Copy the Endpoint ID from the SES console (Global endpoints) in the endpoint's primary region, and set region to that primary region.",
    };
  }
  const name = found.EndpointName ?? endpointId;
  const status = found.Status ?? 'unknown';
  const regions = found.Regions ?? [];
  const where = `${name} (${endpointId}), regions ${regions.join(' and ') || 'unknown'}`;
  if (status !== 'READY') {
    return {
      id: 'multi-region-endpoint',
      status: status === 'CREATING' ? 'warn' : 'fail',
      summary: `The multi-region endpoint ${where} is ${status}, not READY.`,
      fix: statusFixes[status] ?? 'Check the endpoint in the SES console (Global endpoints).',
    };
  }
  if (!sender) {
    return {
      id: 'multi-region-endpoint',
      status: 'pass',
      summary: `The multi-region endpoint ${where} is READY (no emailAddress in the config, so no sender to check in its regions).`,
    };
  }
  const answers = await senderInRegions(doctor, sender, regions);
  const missing = answers.filter(([, answer]) => answer === 'not-verified').map(([inRegion]) => inRegion);
  const unknown = answers.filter(([, answer]) => answer === 'unknown').map(([inRegion]) => inRegion);
  if (missing.length > 0) {
    return {
      id: 'multi-region-endpoint',
      status: 'fail',
      summary: `The multi-region endpoint ${where} is READY, but ${sender.address} (or ${sender.domain}) is not verified for sending in ${missing.join(' and ')}: SES fails the sends it routes there.`,
      fix: `Verify ${sender.domain} (or ${sender.address}) in the SES console for ${missing.join(' and ')} (global endpoints can replicate Easy DKIM identities; see Global endpoints in the SES console).`,
    };
  }
  if (unknown.length > 0) {
    return {
      id: 'multi-region-endpoint',
      status: 'warn',
      summary: `The multi-region endpoint ${where} is READY; whether ${sender.address} is verified in ${unknown.join(' and ')} could not be read.`,
      fix: 'Allow ses:GetEmailIdentity in every region of the endpoint (the optional read-only policy in docs/doctor.md), then run the doctor again.',
    };
  }
  return {
    id: 'multi-region-endpoint',
    status: 'pass',
    summary: `The multi-region endpoint ${where} is READY, and ${sender.address} can send in each of its regions.`,
  };
};
