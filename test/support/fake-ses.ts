/**
 * A fake Amazon SES v2 endpoint on loopback, for fault injection, load tests and benchmarks.
 *
 * It speaks just enough of SES v2 `SendEmail` (`POST /v2/email/outbound-emails`, JSON in,
 * `{"MessageId": "…"}` out, an `x-amzn-RequestId` header) for `@aws-sdk/client-sesv2` to accept
 * its answers, and answers errors the way SES does: an HTTP status, an `x-amzn-ErrorType` header
 * and a JSON body `{"message": "…"}`. It does not check signatures.
 *
 * It also answers the SES v2 reads the doctor and the send-path diagnosis make — `GetAccount`,
 * `GetEmailIdentity`, `GetConfigurationSet`, `GetSuppressedDestination`, and the tenant reads
 * `GetTenant` and `ListTenantResources` (POSTs naming the tenant in the body) — from a per-region state
 * ({@link FakeSesRegion}, chosen by the region in the SigV4 credential scope of each request), with
 * SES's error shapes (`NotFoundException` 404 for a missing identity, configuration set or
 * suppressed address). Reads have their own plans ({@link FakeSes.planRead},
 * {@link FakeSes.setReadAction}); the SendEmail plan and default action never touch them.
 *
 * Every request is recorded with its parsed body and its headers; credential-bearing headers
 * (`authorization`, `x-amz-security-token`) are redacted when recorded, so nothing the fake keeps
 * or prints can leak a secret.
 *
 * @example
 * ```ts
 * const fake = await startFakeSes();
 * fake.plan(respond.serverError(503), 2); // the next two requests get a 503, then success
 * const config = { ...myConfig, endpoint: fake.endpoint };
 * // … send …
 * expect(fake.requests).toHaveLength(3);
 * expect(fake.accepted()).toHaveLength(1);
 * await fake.close();
 * ```
 */
import { createHash, randomUUID } from 'node:crypto';
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

import {
  type FakeSesTemplate,
  type RenderedTemplate,
  type TemplateOperation,
  answerTemplateOperation,
  renderSendEmailTemplate,
} from './fake-ses-templates.js';

/** The path of SES v2 `SendEmail`. */
export const sendEmailPath = '/v2/email/outbound-emails';

/**
 * The SES v2 operations other than SendEmail the fake answers: the reads, and the stored
 * templates (test/support/fake-ses-templates.ts), CreateEmailTemplate included.
 */
export type ReadOperation =
  | 'GetAccount'
  | 'GetEmailIdentity'
  | 'GetConfigurationSet'
  | 'GetSuppressedDestination'
  | 'GetTenant'
  | 'ListTenantResources'
  | 'ListMultiRegionEndpoints'
  | TemplateOperation;

/** Which operation a request is, from its method and path. */
export type FakeSesOperation = 'SendEmail' | ReadOperation | 'Unknown';

/** SES's identity verification states. */
export type IdentityStatus = 'SUCCESS' | 'PENDING' | 'FAILED' | 'TEMPORARY_FAILURE' | 'NOT_STARTED';

/** One email identity (an address or a domain) of a region. */
export type FakeSesIdentity = {
  /** @default 'SUCCESS' */
  verificationStatus?: IdentityStatus;
  /** @default verificationStatus === 'SUCCESS' */
  verifiedForSending?: boolean;
  /** DKIM status. @default 'SUCCESS' for a domain, 'NOT_STARTED' for an address */
  dkimStatus?: IdentityStatus;
  /** DKIM CNAME tokens. @default three fixed tokens for a domain, none for an address */
  dkimTokens?: string[];
  /** A custom MAIL FROM domain and its status. @default none */
  mailFrom?: { domain: string; status: IdentityStatus };
};

/** The account as `GetAccount` reports it. */
export type FakeSesAccount = {
  /** @default false (the sandbox) */
  productionAccessEnabled?: boolean;
  /** @default true */
  sendingEnabled?: boolean;
  /** @default 'HEALTHY' */
  enforcementStatus?: 'HEALTHY' | 'PROBATION' | 'SHUTDOWN';
  /** @default 200 (the sandbox quota) */
  max24HourSend?: number;
  /** @default 1 */
  maxSendRate?: number;
  /** @default 0 */
  sentLast24Hours?: number;
};

/** One SES tenant of a region. */
export type FakeSesTenant = {
  /** @default 'ENABLED' */
  sendingStatus?: 'ENABLED' | 'DISABLED' | 'REINSTATED';
  /** The ARNs of the identities, configuration sets and templates associated with it. @default [] */
  resources?: string[];
};

/**
 * What SES knows in one region. A region the fake was told nothing about is a new account's:
 * the sandbox, no identities, no configuration sets, an empty suppression list.
 */
export type FakeSesRegion = {
  account?: FakeSesAccount;
  /** Identities by name: `noreply@example.com`, `example.com` (matched case-insensitively). */
  identities?: Record<string, FakeSesIdentity>;
  /** Configuration sets by name; `sendingEnabled` defaults to true. */
  configurationSets?: Record<string, { sendingEnabled?: boolean }>;
  /** The account-level suppression list, by address. */
  suppressed?: Record<string, { reason: 'BOUNCE' | 'COMPLAINT'; lastUpdateTime: Date }>;
  /** SES tenants by name. */
  tenants?: Record<string, FakeSesTenant>;
  /** The multi-region (global) endpoints whose primary region this is. */
  multiRegionEndpoints?: FakeSesMultiRegionEndpoint[];
};

/** A multi-region (global) endpoint, as `ListMultiRegionEndpoints` reports it. */
export type FakeSesMultiRegionEndpoint = {
  name: string;
  id: string;
  /** @default 'READY' */
  status?: 'CREATING' | 'READY' | 'FAILED' | 'DELETING';
  /** The primary region first, then the secondary one. */
  regions: string[];
};

const readRoutes: ReadonlyArray<{ operation: ReadOperation; pattern: RegExp; method?: 'POST' }> = [
  { operation: 'GetAccount', pattern: /^\/v2\/email\/account$/ },
  { operation: 'GetEmailIdentity', pattern: /^\/v2\/email\/identities\/([^/]+)$/ },
  { operation: 'GetConfigurationSet', pattern: /^\/v2\/email\/configuration-sets\/([^/]+)$/ },
  { operation: 'GetSuppressedDestination', pattern: /^\/v2\/email\/suppression\/addresses\/([^/]+)$/ },
  { operation: 'ListMultiRegionEndpoints', pattern: /^\/v2\/email\/multi-region-endpoints$/ },
  { operation: 'GetEmailTemplate', pattern: /^\/v2\/email\/templates\/([^/]+)$/ },
  { operation: 'CreateEmailTemplate', pattern: /^\/v2\/email\/templates$/, method: 'POST' },
  {
    operation: 'TestRenderEmailTemplate',
    pattern: /^\/v2\/email\/templates\/([^/]+)\/render$/,
    method: 'POST',
  },
  // The tenant reads are POSTs whose JSON body names the tenant (`{"TenantName": …}`).
  { operation: 'GetTenant', pattern: /^\/v2\/email\/tenants\/get$/, method: 'POST' },
  { operation: 'ListTenantResources', pattern: /^\/v2\/email\/tenants\/resources\/list$/, method: 'POST' },
];

/**
 * The operation of a request and its one path parameter (decoded), if any. The tenant reads
 * carry theirs in the body.
 */
export const operationOf = (
  method: string | undefined,
  url: string | undefined
): { operation: FakeSesOperation; parameter?: string } => {
  const path = (url ?? '').split('?')[0] ?? '';
  if (method === 'POST' && path === sendEmailPath) {
    return { operation: 'SendEmail' };
  }
  if (method === 'GET' || method === 'POST') {
    for (const { operation, pattern, method: routeMethod = 'GET' } of readRoutes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (match) {
        const raw = match[1];
        if (raw === undefined) {
          return { operation };
        }
        try {
          return { operation, parameter: decodeURIComponent(raw) };
        } catch {
          return { operation: 'Unknown' };
        }
      }
    }
  }
  return { operation: 'Unknown' };
};

/** What the fake does with one request. Build these with {@link respond}. */
export type FakeSesAction =
  /** Accept the message: 200 with a `MessageId`. */
  | { kind: 'succeed'; delayMs?: number }
  /**
   * Answer like an SES service exception: `status`, `x-amzn-ErrorType: <name>` and a JSON body
   * `{"message": message}`.
   */
  | { kind: 'sesError'; name: string; status: number; message: string; delayMs?: number }
  /** Answer a bare 5xx (or any status) with a short JSON body and no error type header. */
  | { kind: 'serverError'; status: number; delayMs?: number }
  /**
   * Answer like an SES service exception whose message echoes the request's headers after
   * `prefix` (and before `suffix`), as a proxy or a misbehaving endpoint may: `lines` (`X-Amz-Security-Token: …` and
   * `Authorization: …`, one header a line, as HTTP writes them) or `json` (the headers as a JSON
   * object, the credential ones first) or `values` (only the values, one a line, no names: what
   * no pattern can recognise). The echo is only answered, never recorded.
   */
  | {
      kind: 'echoHeaders';
      name: string;
      status: number;
      prefix: string;
      form: 'lines' | 'json' | 'values';
      suffix?: string;
      delayMs?: number;
    }
  /** Read the request and never answer (until {@link FakeSes.close}). */
  | { kind: 'hang' }
  /** Reset the TCP connection (RST) without answering. */
  | { kind: 'reset'; delayMs?: number };

/** The kinds of {@link FakeSesAction}. */
export type FakeSesOutcome = FakeSesAction['kind'];

/** Builders for {@link FakeSesAction}s. */
export const respond = {
  /** Accept the message (optionally after `delayMs`). */
  succeed: (delayMs?: number): FakeSesAction => ({ kind: 'succeed', ...(delayMs && { delayMs }) }),
  /**
   * An SES service exception, e.g. `respond.sesError('MessageRejected', 400, 'Email address is not verified.')`.
   * @param status - the HTTP status SES uses for `name` (400 for most, 429 for throttling, 404 for NotFound, 403 for credentials).
   */
  sesError: (name: string, status: number, message: string, delayMs?: number): FakeSesAction => ({
    kind: 'sesError',
    name,
    status,
    message,
    ...(delayMs && { delayMs }),
  }),
  /** A bare server error. @default 500 */
  serverError: (status = 500, delayMs?: number): FakeSesAction => ({
    kind: 'serverError',
    status,
    ...(delayMs && { delayMs }),
  }),
  /** An SES service exception whose message echoes the request's headers (see {@link FakeSesAction}). */
  echoHeaders: (
    name: string,
    status: number,
    form: 'lines' | 'json' | 'values',
    { prefix = 'Request headers: ', suffix }: { prefix?: string; suffix?: string } = {}
  ): FakeSesAction => ({ kind: 'echoHeaders', name, status, form, prefix, ...(suffix && { suffix }) }),
  /** Never answer. */
  hang: (): FakeSesAction => ({ kind: 'hang' }),
  /** Reset the connection (optionally after `delayMs`). */
  reset: (delayMs?: number): FakeSesAction => ({ kind: 'reset', ...(delayMs && { delayMs }) }),
  /** Wait `ms`, then do `then`. @default then: succeed */
  delay: (ms: number, then: FakeSesAction = { kind: 'succeed' }): FakeSesAction =>
    then.kind === 'hang' ? then : { ...then, delayMs: ms },
} as const;

/** The parts of an SES v2 `SendEmail` JSON body these tests read; anything else stays `unknown`. */
export type SendEmailBody = {
  FromEmailAddress?: string;
  FromEmailAddressIdentityArn?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  ReplyToAddresses?: string[];
  FeedbackForwardingEmailAddress?: string;
  FeedbackForwardingEmailAddressIdentityArn?: string;
  ConfigurationSetName?: string;
  EmailTags?: Array<{ Name: string; Value: string }>;
  ConfigurationOverrides?: {
    Tracking?: {
      OpenTrackingEnabled?: 'ENABLED' | 'DISABLED';
      ClickTrackingEnabled?: 'ENABLED' | 'DISABLED';
    };
  };
  TenantName?: string;
  Content?: {
    Simple?: {
      Subject?: { Data?: string; Charset?: string };
      Body?: { Html?: { Data?: string; Charset?: string }; Text?: { Data?: string; Charset?: string } };
      Headers?: Array<{ Name: string; Value: string }>;
    };
    Template?: {
      TemplateName?: string;
      TemplateArn?: string;
      TemplateData?: string;
      Headers?: Array<{ Name: string; Value: string }>;
    };
    [other: string]: unknown;
  };
  EndpointId?: string;
  [other: string]: unknown;
};

/** One request as the fake saw it. Holds no secret. */
export type RecordedRequest = {
  /** 1 for the first request the fake received, and so on. */
  index: number;
  method: string;
  path: string;
  /** The SES operation the method and path name. */
  operation: FakeSesOperation;
  /** The region of the SigV4 credential scope, when the request was signed. */
  region?: string;
  /** Lower-cased header names; `authorization` and `x-amz-security-token` redacted. */
  headers: Record<string, string>;
  /** The access key ID and scope of the SigV4 `Authorization` header (`AKIA…/date/region/ses/aws4_request`). */
  credentialScope?: string;
  /** Whether the request carried an `x-amz-security-token` (a session token), without its value. */
  hasSecurityToken: boolean;
  /**
   * The SHA-256 (hex) of the SigV4 signature of the `Authorization` header, when it has one: lets
   * a test recognise the signature in a text without the fake keeping it.
   */
  signatureDigest?: string;
  /** The parsed JSON body, or `undefined` when it was not JSON (see {@link rawBodyLength}). */
  body: SendEmailBody | undefined;
  rawBodyLength: number;
  /**
   * The algorithm of the `Authorization` header (`AWS4-HMAC-SHA256`, or `AWS4-ECDSA-P256-SHA256`
   * for SigV4a), without the credentials and signature that follow it.
   */
  signingAlgorithm?: string;
  /** For a SendEmail with `Content.Template`: what SES would render, or its rendering failure. */
  rendered?: RenderedTemplate;
  /** What the fake did with it. */
  outcome: FakeSesOutcome;
  /** The `x-amzn-RequestId` the fake answered with (absent for `hang` and `reset`). */
  requestId?: string;
  /** The `MessageId` the fake answered with, for `succeed`. */
  messageId?: string;
};

/** Options of {@link startFakeSes}. */
export type FakeSesOptions = {
  /**
   * What to do when the plan is empty.
   * @default respond.succeed()
   */
  defaultAction?: FakeSesAction;
  /**
   * Benchmark mode: answer every request at once with a success and do the least work possible
   * (no body parsing, nothing recorded but {@link FakeSes.count}). Planned actions still apply.
   * @default false
   */
  instant?: boolean;
  /**
   * The port to listen on, e.g. to bring an endpoint back on the port of one that was closed.
   * @default 0 (a free port)
   */
  port?: number;
  /** What SES knows in each region, for the reads. @default {} (every region a new sandbox account) */
  regions?: Record<string, FakeSesRegion>;
  /** Stored templates by name (shared by every region). @default {} */
  templates?: Record<string, FakeSesTemplate>;
};

/** A running fake SES endpoint. */
export type FakeSes = {
  /** `http://127.0.0.1:<port>`: use as the connector's `endpoint`. */
  endpoint: string;
  port: number;
  /** Every request so far, oldest first (empty in instant mode). */
  readonly requests: readonly RecordedRequest[];
  /** How many requests arrived (in every mode). */
  readonly count: number;
  /** Requests answered with a `MessageId`: the messages "SES" accepted. */
  accepted: () => RecordedRequest[];
  /** The next `times` requests get `action`, after whatever is already planned. @default times 1 */
  plan: (action: FakeSesAction, times?: number) => void;
  /** Queues several actions, one request each, in order. */
  planSequence: (...actions: FakeSesAction[]) => void;
  /** How many planned actions (SendEmail's and the reads') are still waiting for a request. */
  readonly pending: number;
  /** Changes what happens when the plan is empty. */
  setDefault: (action: FakeSesAction) => void;
  /**
   * The next `times` requests of a read `operation` get `action` instead of the answer from the
   * region's state (`respond.succeed()` means "answer from the state"). @default times 1
   */
  planRead: (operation: ReadOperation, action: FakeSesAction, times?: number) => void;
  /**
   * Every later request of `operation` (in `region` only, when given) gets `action` once its
   * plan is empty, until {@link FakeSes.reset}; `undefined` goes back to answering from the state.
   */
  setReadAction: (operation: ReadOperation, action: FakeSesAction | undefined, region?: string) => void;
  /** Replaces what SES knows in every region. */
  setRegions: (regions: Record<string, FakeSesRegion>) => void;
  /** The stored templates by name (CreateEmailTemplate adds to them); {@link FakeSes.reset} keeps them. */
  readonly templates: Map<string, FakeSesTemplate>;
  /**
   * Forgets recorded requests, the count and the plans, the read plans and read actions included
   * (the default action and the regions stay).
   */
  reset: () => void;
  /** Open TCP connections now (the server's own count). */
  openConnections: () => Promise<number>;
  /** How many TCP connections were accepted since start. */
  readonly connectionsAccepted: number;
  /** Stops listening and destroys every socket, hung ones included. */
  close: () => Promise<void>;
};

const redactedHeaders = new Set(['authorization', 'x-amz-security-token']);

const recordHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const recorded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      recorded[name] = redactedHeaders.has(name)
        ? '[redacted]'
        : Array.isArray(value)
          ? value.join(', ')
          : value;
    }
  }
  return recorded;
};

const signatureDigestOf = (authorization: string | undefined): string | undefined => {
  const signature = /Signature=([\da-f]+)/.exec(authorization ?? '')?.[1];
  return signature && createHash('sha256').update(signature).digest('hex');
};

const credentialScopeOf = (authorization: string | undefined): string | undefined =>
  /Credential=([^,\s]+)/.exec(authorization ?? '')?.[1];

/**
 * `AKID/date/REGION/ses/aws4_request` → `REGION`. A SigV4a scope (`AKID/date/ses/aws4_request`)
 * names no region: its regions are in the `x-amz-region-set` header.
 */
const regionOfScope = (scope: string | undefined): string | undefined => {
  const parts = scope?.split('/');
  return parts?.length === 5 ? parts[2] : undefined;
};

/** The first word of an `Authorization` header: the signing algorithm, never a secret. */
const signingAlgorithmOf = (authorization: string | undefined): string | undefined =>
  /^(AWS4-[A-Z\d-]+)\s/.exec(authorization ?? '')?.[1];

const defaultDkimTokens = ['fakedkimtokenone', 'fakedkimtokentwo', 'fakedkimtokenthree'];

/** What a read answers: a JSON body for 200, or an SES error. */
type ReadAnswer =
  { status: 200; body: unknown } | { status: 404; name: 'NotFoundException'; message: string };

const notFound = (message: string): ReadAnswer => ({ status: 404, name: 'NotFoundException', message });

const findIgnoringCase = <Value>(
  entries: Record<string, Value> | undefined,
  key: string
): Value | undefined =>
  Object.entries(entries ?? {}).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];

/** What SES answers to `GetTenant` and `ListTenantResources`. */
const answerTenantRead = (
  operation: 'GetTenant' | 'ListTenantResources',
  name: string,
  state: FakeSesRegion,
  region: string
): ReadAnswer => {
  const tenant = state.tenants?.[name];
  if (!tenant) {
    return notFound(`Tenant ${name} does not exist.`);
  }
  if (operation === 'ListTenantResources') {
    return {
      status: 200,
      body: {
        TenantResources: (tenant.resources ?? []).map((arn) => ({
          ResourceType: arn.includes(':configuration-set/')
            ? 'CONFIGURATION_SET'
            : arn.includes(':template/')
              ? 'EMAIL_TEMPLATE'
              : 'EMAIL_IDENTITY',
          ResourceArn: arn,
        })),
      },
    };
  }
  return {
    status: 200,
    body: {
      Tenant: {
        TenantName: name,
        TenantId: `tn-fake-${name}`,
        TenantArn: `arn:aws:ses:${region}:123456789012:tenant/${name}/tn-fake-${name}`,
        CreatedTimestamp: Date.UTC(2026, 10, 1) / 1000,
        SendingStatus: tenant.sendingStatus ?? 'ENABLED',
        Tags: [],
      },
    },
  };
};

/** The answer SES would give to a read, from what the fake knows about the region. */
const answerRead = (
  operation: ReadOperation,
  parameter: string | undefined,
  state: FakeSesRegion,
  region = 'us-east-1'
): ReadAnswer => {
  switch (operation) {
    case 'GetTenant':
    case 'ListTenantResources': {
      return answerTenantRead(operation, parameter ?? '', state, region);
    }
    case 'GetAccount': {
      const account = state.account ?? {};
      return {
        status: 200,
        body: {
          DedicatedIpAutoWarmupEnabled: false,
          EnforcementStatus: account.enforcementStatus ?? 'HEALTHY',
          ProductionAccessEnabled: account.productionAccessEnabled ?? false,
          SendingEnabled: account.sendingEnabled ?? true,
          SendQuota: {
            Max24HourSend: account.max24HourSend ?? 200,
            MaxSendRate: account.maxSendRate ?? 1,
            SentLast24Hours: account.sentLast24Hours ?? 0,
          },
          SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
        },
      };
    }
    case 'GetEmailIdentity': {
      const name = parameter ?? '';
      const identity = findIgnoringCase(state.identities, name);
      if (!identity) {
        return notFound(`Email identity ${name} does not exist.`);
      }
      const isDomain = !name.includes('@');
      const verificationStatus = identity.verificationStatus ?? 'SUCCESS';
      return {
        status: 200,
        body: {
          IdentityType: isDomain ? 'DOMAIN' : 'EMAIL_ADDRESS',
          FeedbackForwardingStatus: true,
          VerifiedForSendingStatus: identity.verifiedForSending ?? verificationStatus === 'SUCCESS',
          VerificationStatus: verificationStatus,
          DkimAttributes: {
            SigningEnabled: isDomain,
            Status: identity.dkimStatus ?? (isDomain ? 'SUCCESS' : 'NOT_STARTED'),
            Tokens: identity.dkimTokens ?? (isDomain ? defaultDkimTokens : []),
            SigningAttributesOrigin: 'AWS_SES',
          },
          ...(identity.mailFrom && {
            MailFromAttributes: {
              MailFromDomain: identity.mailFrom.domain,
              MailFromDomainStatus: identity.mailFrom.status,
              BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
            },
          }),
          Policies: {},
          Tags: [],
        },
      };
    }
    case 'GetConfigurationSet': {
      const name = parameter ?? '';
      const set = state.configurationSets?.[name];
      if (!set) {
        return notFound(`Configuration set <${name}> does not exist.`);
      }
      return {
        status: 200,
        body: {
          ConfigurationSetName: name,
          SendingOptions: { SendingEnabled: set.sendingEnabled ?? true },
          ReputationOptions: { ReputationMetricsEnabled: false },
          Tags: [],
        },
      };
    }
    case 'ListMultiRegionEndpoints': {
      return {
        status: 200,
        body: {
          MultiRegionEndpoints: (state.multiRegionEndpoints ?? []).map(({ name, id, status, regions }) => ({
            EndpointName: name,
            EndpointId: id,
            Status: status ?? 'READY',
            Regions: regions,
            CreatedTimestamp: 1_767_225_600,
            LastUpdatedTimestamp: 1_767_225_600,
          })),
        },
      };
    }
    case 'CreateEmailTemplate':
    case 'GetEmailTemplate':
    case 'TestRenderEmailTemplate': {
      // Answered from the templates, in performRead.
      return notFound(`Unknown ${operation} request.`);
    }
    case 'GetSuppressedDestination': {
      const address = parameter ?? '';
      const entry = findIgnoringCase(state.suppressed, address);
      if (!entry) {
        return notFound(`Email address ${address} does not exist on your suppression list.`);
      }
      return {
        status: 200,
        body: {
          SuppressedDestination: {
            EmailAddress: address,
            Reason: entry.reason,
            // restJson1 timestamps are epoch seconds.
            LastUpdateTime: entry.lastUpdateTime.getTime() / 1000,
          },
        },
      };
    }
  }
};

const parseBody = (raw: Buffer): SendEmailBody | undefined => {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as SendEmailBody) : undefined;
  } catch {
    return undefined;
  }
};

const tenantNameOf = (body: SendEmailBody | undefined): string | undefined =>
  typeof body?.TenantName === 'string' ? body.TenantName : undefined;

const json = (response: ServerResponse, status: number, headers: Record<string, string>, body: unknown) => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
};

const instantBody = Buffer.from('{"MessageId":"fake-instant"}');
const instantHeaders = {
  'content-type': 'application/json',
  'content-length': instantBody.length,
  'x-amzn-requestid': 'fake-instant',
};

/**
 * Starts a fake SES v2 endpoint on 127.0.0.1 at a free port. Stop it with {@link FakeSes.close}.
 */
export const startFakeSes = async (options: FakeSesOptions = {}): Promise<FakeSes> => {
  let defaultAction: FakeSesAction = options.defaultAction ?? respond.succeed();
  const instant = options.instant ?? false;
  const queue: FakeSesAction[] = [];
  const readQueues = new Map<ReadOperation, FakeSesAction[]>();
  /** Keyed by `operation` or `operation region`. */
  const readActions = new Map<string, FakeSesAction>();
  let regions: Record<string, FakeSesRegion> = options.regions ?? {};
  const templates = new Map(Object.entries(options.templates ?? {}));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;
  let connectionsAccepted = 0;
  let messageCounter = 0;

  const perform = (action: FakeSesAction, request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    switch (action.kind) {
      case 'succeed': {
        messageCounter += 1;
        const messageId = `fake-${String(messageCounter).padStart(6, '0')}-${requestId}`;
        json(response, 200, { 'x-amzn-requestid': requestId }, { MessageId: messageId });
        return { requestId, messageId };
      }
      case 'sesError': {
        json(
          response,
          action.status,
          { 'x-amzn-requestid': requestId, 'x-amzn-errortype': action.name },
          { message: action.message }
        );
        return { requestId };
      }
      case 'echoHeaders': {
        const { authorization, 'x-amz-security-token': token, ...rest } = request.headers;
        const echoed = { 'x-amz-security-token': token, authorization, ...rest };
        const headers =
          action.form === 'json'
            ? JSON.stringify(echoed)
            : Object.entries(echoed)
                .filter(([, value]) => value !== undefined)
                .map(([name, value]) =>
                  action.form === 'values'
                    ? String(value)
                    : `${name.replace(/(^|-)([a-z])/g, (_all: string, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`)}: ${String(value)}`
                )
                .join('\n');
        json(
          response,
          action.status,
          { 'x-amzn-requestid': requestId, 'x-amzn-errortype': action.name },
          { message: `${action.prefix}${headers}${action.suffix ?? ''}` }
        );
        return { requestId };
      }
      case 'serverError': {
        json(response, action.status, { 'x-amzn-requestid': requestId }, { message: 'Service unavailable' });
        return { requestId };
      }
      case 'reset': {
        request.socket.resetAndDestroy();
        return {};
      }
      case 'hang': {
        return {};
      }
    }
  };

  /** A read: `succeed` answers from the region's state, every other action as for SendEmail. */
  const performRead = (
    action: FakeSesAction,
    operation: ReadOperation,
    parameter: string | undefined,
    region: string | undefined,
    body: SendEmailBody | undefined,
    request: IncomingMessage,
    response: ServerResponse
  ): { requestId?: string; messageId?: string } => {
    if (action.kind !== 'succeed') {
      return perform(action, request, response);
    }
    const requestId = randomUUID();
    const state = region !== undefined && Object.hasOwn(regions, region) ? regions[region] : undefined;
    const answer =
      operation === 'CreateEmailTemplate' ||
      operation === 'GetEmailTemplate' ||
      operation === 'TestRenderEmailTemplate'
        ? answerTemplateOperation(operation, parameter, body, templates)
        : answerRead(operation, parameter, state ?? {}, region);
    if (answer.status === 200) {
      json(response, 200, { 'x-amzn-requestid': requestId }, answer.body);
    } else {
      json(
        response,
        answer.status,
        { 'x-amzn-requestid': requestId, 'x-amzn-errortype': answer.name },
        { message: answer.message }
      );
    }
    return { requestId };
  };

  const later = (delayMs: number | undefined, run: () => void) => {
    if (!delayMs) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delayMs);
    timers.add(timer);
  };

  const server = createServer((request, response) => {
    count += 1;
    const { operation, parameter } = operationOf(request.method, request.url);
    const isRead = operation !== 'SendEmail' && operation !== 'Unknown';
    // Reads follow their own plans; SendEmail (and anything unknown) the main one, as before.
    const planned = isRead ? readQueues.get(operation)?.shift() : queue.shift();
    if (instant && !planned && !isRead) {
      request.on('end', () => {
        response.writeHead(200, instantHeaders);
        response.end(instantBody);
      });
      request.resume();
      return;
    }
    const credentialScope = credentialScopeOf(request.headers.authorization);
    const signatureDigest = signatureDigestOf(request.headers.authorization);
    const region = regionOfScope(credentialScope);
    const signingAlgorithm = signingAlgorithmOf(request.headers.authorization);
    const action =
      planned ??
      (isRead
        ? (readActions.get(`${operation} ${region ?? ''}`) ?? readActions.get(operation) ?? respond.succeed())
        : defaultAction);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const record: RecordedRequest = {
        index: count,
        method: request.method ?? '',
        path: request.url ?? '',
        operation,
        ...(region !== undefined && { region }),
        headers: recordHeaders(request.headers),
        ...(credentialScope !== undefined && { credentialScope }),
        ...(signingAlgorithm !== undefined && { signingAlgorithm }),
        hasSecurityToken: request.headers['x-amz-security-token'] !== undefined,
        ...(signatureDigest !== undefined && { signatureDigest }),
        body: instant ? undefined : parseBody(raw),
        rawBodyLength: raw.length,
        outcome: action.kind,
      };
      if (!instant) {
        requests.push(record);
      }
      // A SendEmail that would be accepted, with a stored template: SES looks the template up.
      const templated =
        operation === 'SendEmail' && action.kind === 'succeed' && record.body
          ? renderSendEmailTemplate(record.body.Content, templates)
          : undefined;
      if (templated && 'rendered' in templated) {
        record.rendered = templated.rendered;
      }
      const sendAction =
        templated && 'answer' in templated && templated.answer.status !== 200
          ? respond.sesError(templated.answer.name, templated.answer.status, templated.answer.message)
          : action;
      record.outcome = sendAction.kind;
      later('delayMs' in action ? action.delayMs : undefined, () => {
        if (response.destroyed || request.socket.destroyed) {
          return;
        }
        // The tenant reads name their tenant in the body.
        const readParameter = parameter ?? tenantNameOf(record.body);
        const answered =
          operation === 'SendEmail'
            ? perform(sendAction, request, response)
            : isRead
              ? performRead(action, operation, readParameter, region, record.body, request, response)
              : perform(
                  respond.sesError('UnknownOperationException', 404, 'Unknown operation'),
                  request,
                  response
                );
        if (answered.requestId) {
          record.requestId = answered.requestId;
        }
        if (answered.messageId) {
          record.messageId = answered.messageId;
        }
      });
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    connectionsAccepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    get count() {
      return count;
    },
    accepted: () => requests.filter((request) => request.messageId !== undefined),
    plan: (action, times = 1) => {
      for (let index = 0; index < times; index += 1) {
        queue.push(action);
      }
    },
    planSequence: (...actions) => {
      queue.push(...actions);
    },
    get pending() {
      return queue.length + [...readQueues.values()].reduce((sum, readQueue) => sum + readQueue.length, 0);
    },
    setDefault: (action) => {
      defaultAction = action;
    },
    planRead: (operation, action, times = 1) => {
      const readQueue = readQueues.get(operation) ?? [];
      for (let index = 0; index < times; index += 1) {
        readQueue.push(action);
      }
      readQueues.set(operation, readQueue);
    },
    setReadAction: (operation, action, region) => {
      const key = region === undefined ? operation : `${operation} ${region}`;
      if (action) {
        readActions.set(key, action);
      } else {
        readActions.delete(key);
      }
    },
    setRegions: (next) => {
      regions = next;
    },
    templates,
    reset: () => {
      readQueues.clear();
      readActions.clear();
      queue.length = 0;
      requests.length = 0;
      count = 0;
    },
    openConnections: async () =>
      new Promise<number>((resolve, reject) => {
        server.getConnections((error, connections) => {
          if (error) {
            reject(error);
          } else {
            resolve(connections);
          }
        });
      }),
    get connectionsAccepted() {
      return connectionsAccepted;
    },
    close: async () => {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      timers.clear();
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      for (const socket of sockets) {
        socket.destroy();
      }
      server.closeAllConnections();
      await closed;
    },
  };
};
