/**
 * The AWS regions of the commercial partition where Amazon SES (v2 API) has an endpoint, from
 * "Amazon Simple Email Service endpoints and quotas" in the AWS General Reference. The doctor
 * looks for a sender identity in each of them; keep this the only list.
 * Opt-in regions (af-south-1, ap-south-2, …) answer only accounts that enabled them; the doctor
 * counts their refusals as "could not check".
 */
export const sesRegions: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'sa-east-1',
];
