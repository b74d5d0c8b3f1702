import { type SESv2Client } from '@aws-sdk/client-sesv2';

import { type ParsedConfig } from '../config.js';
import { quoteScrubbed } from '../redact.js';
import { readWithin } from '../ses-read.js';

import { type DoctorCheck } from './report.js';

/** `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`: enough to recognise a key, not to use it. */
export const maskAccessKeyId = (accessKeyId: string): string =>
  accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…';

/** The SDK marks resolved credentials with the providers that produced them (`$source`). */
const sourceNames: ReadonlyArray<[RegExp, () => string]> = [
  [/WEB_ID/, () => 'a web identity role (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, e.g. EKS IRSA)'],
  [/^CREDENTIALS_ENV_VARS$/, () => 'the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)'],
  [/SSO/, () => 'AWS IAM Identity Center (SSO), through the shared config file'],
  [/PROCESS/, () => 'a credential_process of the shared config file'],
  [/ASSUME_ROLE|SOURCE_PROFILE/, () => 'an assumed role (role_arn in the shared config file)'],
  [/LOGIN/, () => 'an AWS console login session (aws login)'],
  [/PROFILE/, () => `the shared credentials files (profile ${process.env.AWS_PROFILE ?? 'default'})`],
  [/HTTP/, () => 'the container credentials endpoint (an ECS task role or EKS Pod Identity)'],
];

const describeSource = (source: Record<string, unknown> | undefined): string => {
  const features = Object.keys(source ?? {});
  for (const [pattern, name] of sourceNames) {
    if (features.some((feature) => pattern.test(feature))) {
      return name();
    }
  }
  return process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI || process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    ? 'the container credentials endpoint (an ECS task role or EKS Pod Identity)'
    : 'the EC2 instance role (instance metadata)';
};

/** Where the credentials come from, never their secret. Fails when none resolve, with the SDK's reason. */
export const checkCredentials = async (
  config: ParsedConfig,
  client: SESv2Client,
  secrets: readonly string[]
): Promise<DoctorCheck> => {
  if (config.accessKeyId) {
    return {
      id: 'credentials',
      status: 'pass',
      summary: `From the config: accessKeyId ${maskAccessKeyId(config.accessKeyId)} and its accessKeySecret.`,
    };
  }
  try {
    const identity = await readWithin(async () => client.config.credentials(), config.timeoutMs);
    const source = (identity as { $source?: Record<string, unknown> }).$source;
    return {
      id: 'credentials',
      status: 'pass',
      summary: `From the AWS default chain: ${describeSource(source)}, access key ${maskAccessKeyId(identity.accessKeyId)}${identity.sessionToken ? ' (temporary, with a session token)' : ''}.`,
    };
  } catch (error: unknown) {
    const reason = quoteScrubbed(error instanceof Error ? error.message : String(error), secrets);
    return {
      id: 'credentials',
      status: 'fail',
      summary: `No AWS credentials were found: ${reason}`,
      fix: 'Fill in accessKeyId and accessKeySecret, or give the process credentials the AWS SDK finds (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared credentials file, or an IAM role for ECS, EKS or EC2).',
    };
  }
};
