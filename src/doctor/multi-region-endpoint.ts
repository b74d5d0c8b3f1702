/**
 * The doctor's `multi-region-endpoint` check: the config's `endpointId` among the multi-region
 * (global) endpoints of its region, its status and regions, and the sender in each of them.
 */
import {
  ListMultiRegionEndpointsCommand,
  type MultiRegionEndpoint,
  type SESv2ClientConfig,
} from '@aws-sdk/client-sesv2';

import { type ParsedConfig } from '../config.js';
import { type SenderRead, readSenderInRegions, readWithin } from '../ses-read.js';

import { type DoctorContext, readFailure } from './checks.js';
import { answerOf } from './other-regions.js';
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

/** The sender in each region: the home region's read is reused (listed first), the others are read now. */
const senderInRegions = async (
  config: ParsedConfig,
  sender: SenderRead,
  regions: readonly string[],
  credentials: SESv2ClientConfig['credentials']
): Promise<Array<[string, SenderRead]>> => [
  ...(regions.includes(config.region) ? [[config.region, sender] as [string, SenderRead]] : []),
  ...(await readSenderInRegions(
    config,
    sender.address,
    regions.filter((region) => region !== config.region),
    credentials
  )),
];

/** The endpoint as the check's sentences name it: name, ID and regions. */
const describeEndpoint = ({ EndpointName, EndpointId = '', Regions = [] }: MultiRegionEndpoint): string =>
  `${EndpointName ?? EndpointId} (${EndpointId}), regions ${Regions.join(' and ') || 'unknown'}`;

const statusFixes: Record<string, string> = {
  CREATING: 'Wait until the SES console (Global endpoints) shows it READY; sends through it fail until then.',
  FAILED:
    'Delete it and create it again in the SES console (Global endpoints), or remove endpointId to send through the regional endpoint.',
  DELETING: 'Create a new global endpoint and put its ID in endpointId, or remove endpointId.',
};

/**
 * The sender (address or domain) in each region of a READY multi-region endpoint: the home
 * region's read is reused, the other regions are asked now, each with a client of its own on
 * `credentials` (the doctor's, resolved once), within `timeoutMs`.
 */
export const askEndpointRegions = async (
  config: ParsedConfig,
  sender: SenderRead,
  endpoint: MultiRegionEndpoint,
  credentials: SESv2ClientConfig['credentials']
): Promise<DoctorCheck> => {
  const where = describeEndpoint(endpoint);
  const answers = (await senderInRegions(config, sender, endpoint.Regions ?? [], credentials)).map(
    ([inRegion, read]) => [inRegion, answerOf(read)] as const
  );
  const missing = answers.filter(([, answer]) => answer === 'not-verified').map(([inRegion]) => inRegion);
  // A read that was denied or not answered: not known either way.
  const unknown = answers
    .filter(([, answer]) => answer === 'denied' || answer === 'unknown')
    .map(([inRegion]) => inRegion);
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

/**
 * `multi-region-endpoint`: skipped without `endpointId`; else finds it with
 * `ListMultiRegionEndpoints` in the config's region (an endpoint is listed in its primary region
 * only), reports its status and regions, and checks with {@link askEndpointRegions} that the
 * sender is verified in each region. With an endpoint override (a VPC endpoint, a proxy, an
 * emulator), which serves one region, the regions are not asked and the summary says why.
 */
export const checkMultiRegionEndpoint = async (
  doctor: DoctorContext,
  sender: SenderRead | undefined
): Promise<DoctorCheck> => {
  const { config, client, endpointOverride } = doctor;
  const { endpointId, region } = config;
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
  const where = describeEndpoint(found);
  const status = found.Status ?? 'unknown';
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
  if (endpointOverride !== undefined) {
    return {
      id: 'multi-region-endpoint',
      status: 'pass',
      summary: `The multi-region endpoint ${where} is READY. Whether ${sender.address} is verified in each of its regions was not checked: the endpoint override (${endpointOverride}) serves one region, so the endpoint's regions cannot be asked through it; run the doctor without it to check them.`,
    };
  }
  // The doctor's credentials, resolved once per run.
  return askEndpointRegions(config, sender, found, client.config.credentials);
};
