import { type SafeHtml, html } from '../html.js';
import { type FormErrors } from './form.js';

const keyFields = ['accessKeyId', 'accessKeySecret'] as const;

const given = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

/**
 * Whether a config leaves the AWS credentials to the SDK's default chain: both key fields empty
 * (the connector trims them, so blanks count as empty). The chain finds this server's own
 * credentials — its environment, shared files or IAM role — and a session token with them.
 */
export const usesServerCredentials = (config: Record<string, unknown>): boolean =>
  keyFields.every((key) => !given(config[key]));

/**
 * The form errors that keep the playground from signing with this server's own credentials:
 * anyone who reaches the playground chooses the endpoint, so those credentials would sign a
 * request to a host of their choosing. None when `allowServerCredentials`
 * (PLAYGROUND_SERVER_CREDENTIALS=on) or when a key is typed in.
 */
export const serverCredentialsErrors = (
  config: Record<string, unknown>,
  allowServerCredentials: boolean
): FormErrors => {
  if (allowServerCredentials || !usesServerCredentials(config)) {
    return {};
  }
  const why =
    "the playground does not send with this server's own AWS credentials unless PLAYGROUND_SERVER_CREDENTIALS=on.";
  return {
    accessKeyId: `Access key ID is required in the playground: ${why}`,
    accessKeySecret: `Access key secret is required in the playground: ${why}`,
  };
};

/** The page's note on where the playground's AWS credentials come from. */
export const serverCredentialsNote = (allowServerCredentials: boolean): SafeHtml =>
  allowServerCredentials
    ? html`<p id="server-credentials" class="meta">
        PLAYGROUND_SERVER_CREDENTIALS=on: with both access key fields empty, the playground uses this server's
        own AWS credentials (its environment, shared files or IAM role), as Logto on AWS would, and signs the
        request to whatever endpoint the form names.
      </p>`
    : html`<p id="server-credentials" class="meta">
        The access key fields are required here: the playground does not use this server's own AWS credentials
        (environment, shared files, IAM role), since anyone who reaches it picks the endpoint they would sign
        for. Logto itself uses them when both fields are empty; to try that here, set
        PLAYGROUND_SERVER_CREDENTIALS=on.
      </p>`;
