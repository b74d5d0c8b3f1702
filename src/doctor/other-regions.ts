import { type SESv2ClientConfig } from '@aws-sdk/client-sesv2';

import { type ParsedConfig } from '../config.js';
import { sesRegions } from '../regions.js';
import { type SenderRead, readFailureKind, readSenderInRegions } from '../ses-read.js';

import { type DoctorCheck } from './report.js';

/** What the reads of a sender's address and domain in one region say. */
export type RegionAnswer = 'verified' | 'not-verified' | 'denied' | 'unknown';

/** Verified when the address or the domain is; not verified only when both reads answered. */
export const answerOf = ({ addressRead, domainRead }: SenderRead): RegionAnswer => {
  const reads = [addressRead, domainRead];
  if (reads.some((read) => 'output' in read && read.output.VerifiedForSendingStatus === true)) {
    return 'verified';
  }
  if (reads.every((read) => !('error' in read))) {
    return 'not-verified';
  }
  return reads.some((read) => 'error' in read && readFailureKind(read.error) === 'denied')
    ? 'denied'
    : 'unknown';
};

/** What {@link checkOtherRegions} needs of the doctor's run besides the config. */
export type OtherRegionsOptions = {
  /** The endpoint override the doctor's client uses, if any: it serves one region. */
  endpointOverride: string | undefined;
  /** The credentials of the doctor's client (its provider, resolved once and cached). */
  credentials: SESv2ClientConfig['credentials'];
};

/**
 * Only when `sender-identity` failed: in which other SES regions the sender (address or domain)
 * is verified, with {@link askOtherRegions}. Skipped with an endpoint override (a VPC endpoint, a
 * proxy, an emulator), which serves one region only.
 */
export const checkOtherRegions = async (
  config: ParsedConfig,
  sender: SenderRead | undefined,
  senderCheck: DoctorCheck,
  { endpointOverride, credentials }: OtherRegionsOptions
): Promise<DoctorCheck> => {
  if (!sender || senderCheck.status !== 'fail') {
    return {
      id: 'other-regions',
      status: 'skip',
      summary:
        senderCheck.status === 'pass'
          ? `Not needed: the sender is verified in ${config.region}.`
          : 'Not needed: runs only when sender-identity fails.',
    };
  }
  if (endpointOverride !== undefined) {
    return {
      id: 'other-regions',
      status: 'skip',
      summary: `Not checked: the endpoint override (${endpointOverride}) serves one region, so other SES regions cannot be asked through it.`,
      fix: `Run the doctor without the endpoint override (on SES's regional endpoints) to find the region where ${sender.address} is verified.`,
    };
  }
  return askOtherRegions(config, sender, credentials);
};

/**
 * Asks every region of {@link sesRegions} but the config's at once whether the sender (address
 * or domain) is verified there, each with a client of its own on `credentials` (so they are
 * resolved once, not once per region), all within `timeoutMs`.
 */
export const askOtherRegions = async (
  config: ParsedConfig,
  sender: SenderRead,
  credentials: SESv2ClientConfig['credentials']
): Promise<DoctorCheck> => {
  const regions = sesRegions.filter((region) => region !== config.region);
  const answers = (await readSenderInRegions(config, sender.address, regions, credentials)).map(
    ([region, read]): [string, RegionAnswer] => [region, answerOf(read)]
  );
  const inState = (state: RegionAnswer) =>
    answers.filter(([, answer]) => answer === state).map(([region]) => region);
  const found = inState('verified');
  const denied = inState('denied');
  const unknown = inState('unknown');
  const unchecked = denied.length + unknown.length;
  const gaps =
    unchecked > 0
      ? ` ${unchecked} of ${regions.length} regions could not be checked${denied.length > 0 ? ` (${denied.length} AccessDenied)` : ''}${unknown.length > 0 ? ` (${unknown.length} without an answer within ${config.timeoutMs} ms, or not enabled for this account)` : ''}.`
      : '';
  const [first] = found;
  if (first) {
    return {
      id: 'other-regions',
      status: 'warn',
      summary: `${sender.address} (or ${sender.domain}) is verified for sending in ${found.join(', ')}, not in ${config.region}.${gaps}`,
      fix: `Set region to ${first} in the connector config (or verify the identity in ${config.region}).`,
    };
  }
  if (denied.length === regions.length) {
    return {
      id: 'other-regions',
      status: 'skip',
      summary: 'Not checked: the AWS identity may not call GetEmailIdentity (AccessDenied).',
      fix: 'Allow ses:GetEmailIdentity (the optional read-only policy in docs/doctor.md) to run this check.',
    };
  }
  return {
    id: 'other-regions',
    status: 'fail',
    summary: `${sender.address} is not verified in any other SES region either (${regions.length - unchecked} checked).${gaps}`,
    fix: `Create and verify ${sender.domain} or ${sender.address} in the SES console for ${config.region}.`,
  };
};
