import { configIssuesOf, errorDescriptionOf } from 'connector-aws-ses';

import { ConnectorError, ConnectorErrorCodes } from '../host-kit.js';

/** What Logto's "Send test email" answers for a failed send, and what the Console shows of it. */
export type ConsoleError = {
  /** The HTTP status Logto answers with. */
  status: number;
  /** The message the Console's toast shows. */
  message: string;
  /** The details the Console shows under it (for an invalid config, one line per issue). */
  details: string[];
  /** The connector error's `errorDescription`, when the Console's message does not carry it. */
  connectorDescription?: string;
};

// Logto's English phrases for connector error codes (`errors:connector.<code>`).
const phrases: Partial<Record<string, string>> = {
  invalid_metadata: "The connector's metadata is invalid.",
  invalid_config_guard: "The connector's config guard is invalid.",
  unexpected_type: "The connector's type is unexpected.",
  invalid_request_parameters: 'The request is with wrong input parameter(s).',
  insufficient_request_parameters: 'The request might miss some input parameters.',
  invalid_config: "The connector's config is invalid.",
  invalid_response: "The connector's response is invalid.",
  template_not_found: 'Unable to find correct template in connector config.',
  rate_limit_exceeded: 'Trigger rate limit. Please try again later.',
};

const statusByCode: Partial<Record<string, number>> = {
  rate_limit_exceeded: 429,
  usage_limit_exceeded: 429,
  not_implemented: 501,
};

type ConfigIssue = ReturnType<typeof configIssuesOf>[number];

/** Logto's own wording for zod issues in an error's details. */
const formatIssue = (issue: ConfigIssue): string => {
  const base = `Error in key path "${issue.path.map(String).join('.')}": (${issue.code}) `;
  return issue.code === 'invalid_type'
    ? `${base}Expected ${issue.expected} but received ${issue.received}.`
    : base + issue.message;
};

/**
 * What Logto makes of an error thrown by `sendMessage` in its test route: only the host kit's
 * `ConnectorError` gets a message of its own; anything else is a bare 500.
 */
export const toConsoleError = (error: unknown): ConsoleError => {
  if (!(error instanceof ConnectorError)) {
    return { status: 500, message: 'Internal server error.', details: [] };
  }
  const { code, data } = error as { code: string; data: unknown };
  const description = errorDescriptionOf(error);
  if (code === ConnectorErrorCodes.General) {
    // JSON.stringify(undefined) is undefined, which Logto's message then shows as "undefined".
    const json = JSON.stringify(data) as string | undefined;
    return {
      status: 400,
      message: `Error occurred in connector: ${description ?? json ?? 'undefined'}`,
      details: [],
    };
  }
  return {
    status: statusByCode[code] ?? 400,
    message: phrases[code] ?? `connector.${code}`,
    details: configIssuesOf(error).map(formatIssue),
    ...(description !== undefined && { connectorDescription: description }),
  };
};
