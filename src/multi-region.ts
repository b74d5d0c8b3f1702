// SES multi-region (global) endpoints: the `EndpointId` of a send and the SigV4a signer it needs.
//
// Importing the AWS SDK's pure-JavaScript SigV4a signer registers it with the SDK: a SendEmail
// with an `EndpointId` is then signed `AWS4-ECDSA-P256-SHA256` with `X-Amz-Region-Set: *`, as
// the endpoint rules of @aws-sdk/client-sesv2 ask. Without it the SDK refuses such a send
// ("Neither CRT nor JS SigV4a implementation is available"). It is bundled into lib/, so
// `logto connector add` still needs nothing but Logto's own connector-kit and zod.
import '@aws-sdk/signature-v4a';

import { type SendEmailCommandInput } from '@aws-sdk/client-sesv2';

import { type ParsedConfig } from './config.js';

/** The `EndpointId` field of a SendEmail input: present only when the config names an endpoint. */
export const endpointIdField = ({
  endpointId,
}: Pick<ParsedConfig, 'endpointId'>): Pick<SendEmailCommandInput, 'EndpointId'> =>
  endpointId ? { EndpointId: endpointId } : {};

/**
 * The host a send goes to, for error sentences: the `endpoint` override's; else, with an
 * `endpointId`, the multi-region endpoint's (`<endpointId>.endpoints.email.amazonaws.com`, as the
 * SDK's endpoint rules build it in the commercial partition); else SES's regional host.
 */
export const sendHostOf = ({
  region,
  endpoint,
  endpointId,
}: Pick<ParsedConfig, 'region' | 'endpoint' | 'endpointId'>): string => {
  if (endpoint) {
    return new URL(endpoint).host;
  }
  return endpointId ? `${endpointId}.endpoints.email.amazonaws.com` : `email.${region}.amazonaws.com`;
};
