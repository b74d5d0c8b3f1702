import { type SESv2Client } from '@aws-sdk/client-sesv2';
import { fromHttp } from '@aws-sdk/credential-provider-http';

import { type ParsedConfig } from '../config.js';
import { quoteScrubbed } from '../redact.js';
import { readFailureKind, readWithin } from '../ses-read.js';

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

/** The container credentials endpoint the SDK's chain asks, when the environment names one. */
const containerEndpoint = (): string | undefined => {
  const { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: relative, AWS_CONTAINER_CREDENTIALS_FULL_URI: full } =
    process.env;
  // The SDK's own order: the relative URI (ECS) wins over the full one.
  return relative ? `http://169.254.170.2${relative}` : full || undefined;
};

/** How long the doctor waits for its one look at a failing container credentials endpoint. */
const probeTimeoutMs = 1000;

/**
 * Why the container credentials endpoint gave the chain nothing: the doctor asks it once more,
 * with the SDK's own provider (`fromHttp`, no retries), and says how it answered.
 */
const containerFailure = async (url: string, secrets: readonly string[]): Promise<string> => {
  const where = `the container credentials endpoint ${url}`;
  try {
    await readWithin(
      async () => fromHttp({ maxRetries: 0, timeout: probeTimeoutMs })(),
      probeTimeoutMs + 200
    );
    return `${where} answers now, but not in time for the AWS SDK's default chain: run the doctor again.`;
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    const status = /status:? (\d{3})/i.exec(message)?.[1];
    if (status) {
      return `${where} answered HTTP ${status}.`;
    }
    if (readFailureKind(error) === 'timeout' || /timeout|did not complete/i.test(message)) {
      return `${where} did not answer within ${probeTimeoutMs} ms.`;
    }
    return `${where} could not be asked: ${quoteScrubbed(message, secrets)}`;
  }
};

/** Which source of the SDK's default chain failed, and how; never a secret. */
const whyNoCredentials = async (
  error: unknown,
  timeoutMs: number,
  secrets: readonly string[]
): Promise<string> => {
  const container = containerEndpoint();
  if (container) {
    return containerFailure(container, secrets);
  }
  if (readFailureKind(error) === 'timeout') {
    return process.env.AWS_EC2_METADATA_DISABLED === 'true'
      ? `the AWS SDK's default chain found none within ${timeoutMs} ms.`
      : `the AWS SDK's default chain found none within ${timeoutMs} ms; last, it asks the EC2 instance metadata service, which did not answer.`;
  }
  return quoteScrubbed(error instanceof Error ? error.message : String(error), secrets);
};

/**
 * Where the credentials come from, never their secret. Fails when none resolve, naming the source
 * that failed and how (the container credentials endpoint's HTTP status, a timeout), or the SDK's
 * reason.
 */
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
    return {
      id: 'credentials',
      status: 'fail',
      summary: `No AWS credentials were found: ${await whyNoCredentials(error, config.timeoutMs, secrets)}`,
      fix: 'Fill in accessKeyId and accessKeySecret, or give the process credentials the AWS SDK finds (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared credentials file, or an IAM role for ECS, EKS or EC2).',
    };
  }
};
