import { type Difference, differences, withAdded } from './differences.js';
import { SetupError } from './errors.js';
import { type ManagementApi } from './management-api.js';

/** What one step did to Logto. */
export type Change = 'created' | 'updated' | 'replaced' | 'unchanged';

/** One step's report line: what was looked at, what happened, and the fields it changed. */
export type Outcome = { subject: string; change: Change; changed?: string[] };

/** The factory id of this package's connector (its `metadata.id`). */
export const connectorFactoryId = 'amazon-ses';

/** The name of the machine-to-machine app `setup-logto` makes for itself, found by it on later runs. */
export const setupAppName = 'setup-logto (connector-aws-ses example)';

/** The name of the example's Traditional web app, found by it on later runs. */
export const exampleAppName = 'connector-aws-ses example';

/** The role that gives a machine-to-machine app the Management API, seeded in every Logto. */
export const managementRoleName = 'Logto Management API access';

/** Dummy credentials: the local SES emulator checks none, and real AWS would refuse these. */
export const emulatorCredentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'the-local-emulator-accepts-any-secret',
};

type Application = {
  id: string;
  name: string;
  type: string;
  oidcClientMetadata?: { redirectUris?: string[]; postLogoutRedirectUris?: string[] } & Record<
    string,
    unknown
  >;
};
type Secret = { name: string; value: string; expiresAt?: number | null };
type Role = { id: string; name: string; type?: string };
type Factory = { id: string; type: string; formItems?: { key: string; defaultValue?: unknown }[] };
type Connector = { id: string; connectorId: string; type: string; config: Record<string, unknown> };

const paths = (found: Difference[]): string[] => found.map(({ path }) => path);

const findApplication = async (
  api: ManagementApi,
  name: string,
  type: string
): Promise<Application | undefined> => {
  const applications = await api.get<Application[]>(
    `/applications?page=1&page_size=100&types=${type}&search=${encodeURIComponent(name)}`
  );
  return applications.find((application) => application.name === name && application.type === type);
};

/** The app's current secret, or a new one when it has none left. */
const applicationSecret = async (api: ManagementApi, appId: string): Promise<string> => {
  const secrets = await api.get<Secret[]>(`/applications/${appId}/secrets`);
  const live = secrets.find(({ expiresAt }) => !expiresAt || expiresAt > Date.now());
  if (live) {
    return live.value;
  }
  const created = await api.post<Secret>(`/applications/${appId}/secrets`, { name: 'setup-logto' });
  return created.value;
};

/**
 * The machine-to-machine app `setup-logto` uses for the Management API: found by name or
 * created, with the role "Logto Management API access".
 */
export const ensureSetupApp = async (
  api: ManagementApi
): Promise<{ outcome: Outcome; appId: string; appSecret: string }> => {
  const subject = `Machine-to-machine app "${setupAppName}"`;
  let app = await findApplication(api, setupAppName, 'MachineToMachine');
  let change: Change = 'unchanged';
  if (!app) {
    app = await api.post<Application>('/applications', {
      name: setupAppName,
      type: 'MachineToMachine',
      description:
        'Used by `npm --prefix example run setup-logto` to configure this Logto for the example app.',
    });
    change = 'created';
  }
  const roles = await api.get<Role[]>('/roles?type=MachineToMachine&page=1&page_size=100');
  const role = roles.find(({ name }) => name === managementRoleName);
  if (!role) {
    throw new SetupError(
      `This Logto has no role "${managementRoleName}" (seeded with every Logto): seed its database with \`logto db seed\`.`
    );
  }
  const assigned = await api.get<Role[]>(`/applications/${app.id}/roles?page=1&page_size=100`);
  const changed: string[] = [];
  if (!assigned.some(({ id }) => id === role.id)) {
    await api.post(`/applications/${app.id}/roles`, { roleIds: [role.id] });
    changed.push(`role "${managementRoleName}"`);
    change = change === 'created' ? 'created' : 'updated';
  }
  const appSecret = await applicationSecret(api, app.id);
  return { outcome: { subject, change, ...(change === 'updated' && { changed }) }, appId: app.id, appSecret };
};

/** The connector config `setup-logto` wants, except the templates (kept when present). */
export const wantedConnectorConfig = ({
  sesEndpoint,
  sender,
}: {
  sesEndpoint: string;
  sender: string;
}): Record<string, unknown> => ({
  region: 'us-east-1',
  emailAddress: sender,
  ...emulatorCredentials,
  endpoint: sesEndpoint,
});

/**
 * The Amazon SES connector as the email connector, sending to the local SES emulator. Its
 * templates, when it has some, are left alone; a new one gets the connector's default templates
 * (the Console form's default value).
 */
export const ensureEmailConnector = async (
  api: ManagementApi,
  settings: { sesEndpoint: string; sender: string }
): Promise<Outcome> => {
  const subject = `Email connector ${connectorFactoryId}`;
  const factories = await api.get<Factory[]>('/connector-factories');
  const factory = factories.find(({ id }) => id === connectorFactoryId);
  if (!factory) {
    throw new SetupError(
      `The Amazon SES connector (factory ${connectorFactoryId}) is not installed in this Logto: in Logto's folder run \`npx @logto/cli connector add <absolute path of connector-aws-ses-<version>.tgz>\` (\`npm pack\` at this repository's root makes it), restart Logto, and run this again.`
    );
  }
  const wanted = wantedConnectorConfig(settings);
  const connectors = await api.get<Connector[]>('/connectors');
  const email = connectors.find(({ type }) => type === 'Email');
  if (email?.connectorId === connectorFactoryId) {
    const found = differences(email.config, wanted);
    const hasTemplates = Array.isArray(email.config.templates) && email.config.templates.length > 0;
    if (found.length === 0 && hasTemplates) {
      return { subject, change: 'unchanged' };
    }
    const templates = hasTemplates ? email.config.templates : defaultTemplatesOf(factory);
    await api.patch(`/connectors/${email.id}`, { config: { ...email.config, ...wanted, templates } });
    return { subject, change: 'updated', changed: [...paths(found), ...(hasTemplates ? [] : ['templates'])] };
  }
  await api.post('/connectors', {
    connectorId: connectorFactoryId,
    config: { ...wanted, templates: defaultTemplatesOf(factory) },
  });
  return email
    ? { subject, change: 'replaced', changed: [`email connector ${email.connectorId}`] }
    : { subject, change: 'created' };
};

const defaultTemplatesOf = (factory: Factory): unknown => {
  const templates = factory.formItems?.find(({ key }) => key === 'templates')?.defaultValue;
  if (!Array.isArray(templates) || templates.length === 0) {
    throw new SetupError(
      `The installed ${connectorFactoryId} connector offers no default templates: install this repository's connector-aws-ses with \`logto connector add\`, restart Logto, and run again.`
    );
  }
  return templates;
};

/** The example app's sign-in redirect URI and post sign-out URI for a BASE_URL. */
export const exampleRedirectUris = (baseUrl: string): { redirectUri: string; postSignOutUri: string } => ({
  redirectUri: `${baseUrl}/logto/sign-in-callback`,
  postSignOutUri: baseUrl,
});

/**
 * The example's Traditional web app, found by name or created, with the example's redirect and
 * post sign-out URIs added (URIs already there for other addresses stay).
 */
export const ensureExampleApp = async (
  api: ManagementApi,
  baseUrl: string
): Promise<{ outcome: Outcome; appId: string; appSecret: string }> => {
  const subject = `Traditional web app "${exampleAppName}"`;
  const { redirectUri, postSignOutUri } = exampleRedirectUris(baseUrl);
  let app = await findApplication(api, exampleAppName, 'Traditional');
  let outcome: Outcome;
  if (app) {
    const metadata = app.oidcClientMetadata ?? {};
    const redirectUris = withAdded(metadata.redirectUris, [redirectUri]);
    const postLogoutRedirectUris = withAdded(metadata.postLogoutRedirectUris, [postSignOutUri]);
    const found = differences(metadata, { redirectUris, postLogoutRedirectUris });
    if (found.length > 0) {
      app = await api.patch<Application>(`/applications/${app.id}`, {
        oidcClientMetadata: { ...metadata, redirectUris, postLogoutRedirectUris },
      });
      outcome = { subject, change: 'updated', changed: paths(found) };
    } else {
      outcome = { subject, change: 'unchanged' };
    }
  } else {
    app = await api.post<Application>('/applications', {
      name: exampleAppName,
      type: 'Traditional',
      description: 'The Express example app of connector-aws-ses (made by setup-logto).',
      oidcClientMetadata: { redirectUris: [redirectUri], postLogoutRedirectUris: [postSignOutUri] },
    });
    outcome = { subject, change: 'created' };
  }
  return { outcome, appId: app.id, appSecret: await applicationSecret(api, app.id) };
};

/** The sign-in experience `setup-logto` wants: sign up and sign in by email with a code, no password. */
export const wantedSignInExperience = {
  signInMode: 'SignInAndRegister',
  signUp: { identifiers: ['email'], password: false, verify: true },
  signIn: {
    methods: [{ identifier: 'email', verificationCode: true, password: false, isPasswordPrimary: false }],
  },
  // The breach check calls an outside service: off, so sign-up works offline.
  passwordPolicy: { rejects: { pwned: false } },
};

type SignInExperience = {
  signUp?: Record<string, unknown>;
  passwordPolicy?: { rejects?: Record<string, unknown> } & Record<string, unknown>;
} & Record<string, unknown>;

/** The PATCH body that turns `current` into the wanted sign-in experience, keeping its other fields. */
export const signInExperiencePatch = (current: SignInExperience): Record<string, unknown> => ({
  signInMode: wantedSignInExperience.signInMode,
  signUp: { ...current.signUp, ...wantedSignInExperience.signUp },
  signIn: wantedSignInExperience.signIn,
  passwordPolicy: {
    ...current.passwordPolicy,
    rejects: { ...current.passwordPolicy?.rejects, ...wantedSignInExperience.passwordPolicy.rejects },
  },
});

/** Email sign-up and passwordless email sign-in with a verification code (needs the email connector first). */
export const ensureSignInExperience = async (api: ManagementApi): Promise<Outcome> => {
  const subject = 'Sign-in experience (email, verification code)';
  const current = await api.get<SignInExperience>('/sign-in-exp');
  const found = differences(current, wantedSignInExperience);
  if (found.length === 0) {
    return { subject, change: 'unchanged' };
  }
  await api.patch('/sign-in-exp', signInExperiencePatch(current));
  return { subject, change: 'updated', changed: paths(found) };
};
