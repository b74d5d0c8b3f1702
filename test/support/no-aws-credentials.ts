import { vi } from 'vitest';

/**
 * Leaves the AWS SDK's default credential chain nothing to find on this machine: no key or
 * session token in the environment, no profile, no shared files, no instance metadata. Undo with
 * `vi.unstubAllEnvs()`.
 */
export const stubNoAwsCredentials = (): void => {
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
};
