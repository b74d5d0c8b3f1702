// One scenario of the Logto host suite, in a process of its own (Logto's loader caches the
// connectors it loads for the life of the process), started by stock-logto.test.ts.
//
// This file plays Logto core: it calls the published @logto/cli loader of one Logto release on a
// throwaway instance folder where `logto connector add` extracted the packed connector, and it
// takes ConnectorError, ConnectorErrorCodes, connectorMetadataGuard and ZodError from the
// instance's packages/core/node_modules, the copies Logto core itself would use. It is plain
// JavaScript run by plain `node`, with no loader hooks, so the connector is imported exactly as
// Logto imports it. It imports no bare package itself: everything comes by absolute path.
//
// Input: one JSON argument (see ScenarioInput in logto-instance.ts). Output: assertion
// failures make the process exit non-zero; on success the last stdout line is
// `HOST-SCENARIO-RESULT <json>` with what the host saw, for the spec to check further.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** @type {import('./logto-instance.ts').ScenarioInput} */
const input = JSON.parse(process.argv[2] ?? '{}');
const { scenario, instanceDir, cliDir, credentials, endpoints, recipient } = input;

const coreDir = path.join(instanceDir, 'packages', 'core');
const connectorsDir = path.join(coreDir, 'connectors');
const connectorDir = path.join(connectorsDir, 'connector-aws-ses');
const importFile = async (file) => import(pathToFileURL(file).href);

// What Logto core holds: its build resolves these from packages/core/node_modules.
const { kit: hostKit, zod: hostZod } = await importFile(path.join(coreDir, 'build', 'host-modules.mjs'));
const { ConnectorError, ConnectorErrorCodes, connectorMetadataGuard } = hostKit;

// Everything the CLI prints (its consoleLog) is kept, to check that nothing was skipped.
const printed = [];
for (const level of ['log', 'info', 'warn', 'error']) {
  const original = console[level].bind(console);
  console[level] = (...parts) => {
    printed.push(parts.map(String).join(' '));
    original(...parts);
  };
}

const report = (facts) => {
  process.stdout.write(
    `\nHOST-SCENARIO-RESULT ${JSON.stringify({ scenario, node: process.version, ...facts })}\n`
  );
};

const loadCli = async () => ({
  ...(await importFile(path.join(cliDir, 'lib', 'connector', 'index.js'))),
  ...(await importFile(path.join(cliDir, 'lib', 'utils.js'))),
});

/** Discovery and loading as Logto core does at start-up, with the kit version check on. */
const loadOurFactory = async () => {
  const cli = await loadCli();
  const packages = await cli.getConnectorPackagesFromDirectory(connectorsDir);
  const factories = await cli.loadConnectorFactories(packages, false);
  const factory = factories.find(({ path: packagePath }) => packagePath === connectorDir);
  assert.ok(factory, `Logto's loader skipped the connector. It printed:\n${printed.join('\n')}`);
  return { cli, packages, factories, factory };
};

/**
 * The config the Admin Console submits from the connector's form: every form item with its
 * default (Json items as the JSON text the editor shows), the operator's entries on top; then
 * Json items parsed, empty strings dropped, and (the edit page) false and 0 dropped.
 */
const consoleFormConfig = (formItems, entries) => {
  const form = {};
  for (const item of formItems) {
    const value = item.key in entries ? entries[item.key] : item.defaultValue;
    form[item.key] =
      item.type === 'Json' ? JSON.stringify(value ?? null, null, 2) : value === undefined ? '' : value;
  }
  const submitted = {};
  for (const item of formItems) {
    const raw = form[item.key];
    const value = item.type === 'Json' && typeof raw === 'string' ? JSON.parse(raw) : raw;
    if (value !== '' && value !== false && value !== 0 && value !== null) {
      submitted[item.key] = value;
    }
  }
  return submitted;
};

/** What Logto stores and later hands to getConfig: '', null, [] and {} removed at every depth. */
const deepClean = (value) => {
  if (Array.isArray(value)) {
    return value.map(deepClean).filter((item) => !isEmpty(item));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, deepClean(item)])
        .filter(([, item]) => !isEmpty(item))
    );
  }
  return value;
};
const isEmpty = (value) =>
  value === '' ||
  value === null ||
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

const operatorEntries = (formItems, endpoint) => ({
  region: 'us-east-1',
  emailAddress: 'Logto Host Suite <noreply@example.com>',
  accessKeyId: credentials.accessKeyId,
  accessKeySecret: credentials.accessKeySecret,
  replyTo: 'Support <support@example.com>',
  endpoint,
  templates: formItems.find(({ key }) => key === 'templates').defaultValue,
  headers: { 'X-Logto-Host-Suite': 'yes' },
  tenantName: 'host-suite',
});

/** Everything an error carries that a log line or the Console could show. */
const errorText = (error) =>
  [error.message, error.stack, JSON.stringify(error.data ?? null), String(error.cause?.stack ?? '')].join(
    '\n'
  );

/** Runs a send that must fail, the way Logto's route handlers see the failure. */
const failure = async (send) => {
  const started = performance.now();
  try {
    await send();
  } catch (error) {
    const elapsedMs = Math.round(performance.now() - started);
    assert.ok(
      error instanceof ConnectorError,
      `expected the host's ConnectorError, got ${error?.constructor?.name}: ${error?.message}`
    );
    assert.ok(
      !errorText(error).includes(credentials.accessKeySecret),
      'the access key secret appears in the error'
    );
    return { error, elapsedMs };
  }
  assert.fail('the send succeeded, a failure was expected');
};

const describeError = ({ error, elapsedMs }) => ({
  hostConnectorError: error instanceof ConnectorError,
  code: error.code,
  codeIsDefinedByHostKit: Object.values(ConnectorErrorCodes).includes(error.code),
  data:
    error.data instanceof hostZod.ZodError
      ? { zodIssues: error.data.issues.map(({ message }) => message) }
      : error.data,
  elapsedMs,
});

const scenarios = {
  /** 1. The instance looks as `logto connector add <tarball>` leaves it. */
  async layout() {
    const connectorFiles = readdirSync(connectorDir, { recursive: true }).map(String).sort();
    assert.ok(
      !existsSync(path.join(connectorDir, 'node_modules')),
      'the connector folder has a node_modules'
    );
    const coreModules = readdirSync(path.join(coreDir, 'node_modules')).flatMap((entry) =>
      entry.startsWith('@')
        ? readdirSync(path.join(coreDir, 'node_modules', entry)).map((name) => `${entry}/${name}`)
        : [entry]
    );
    assert.deepEqual(coreModules.sort(), ['@logto/connector-kit', 'zod']);
    // No node_modules elsewhere on the way up either (connectors/, packages/, the instance and
    // every folder above it): a bare import from the connector reaches only core's.
    for (let dir = connectorsDir; ; dir = path.dirname(dir)) {
      if (dir !== coreDir) {
        assert.ok(!existsSync(path.join(dir, 'node_modules')), `${dir} has a node_modules`);
      }
      if (dir === path.dirname(dir)) {
        break;
      }
    }
    const fromConnector = createRequire(path.join(connectorDir, 'package.json'));
    assert.throws(() => fromConnector.resolve('@aws-sdk/client-sesv2'), { code: 'MODULE_NOT_FOUND' });
    const readVersion = (name) =>
      JSON.parse(readFileSync(path.join(coreDir, 'node_modules', name, 'package.json'), 'utf8')).version;
    const manifest = JSON.parse(readFileSync(path.join(connectorDir, 'package.json'), 'utf8'));
    report({
      connectorFiles,
      coreModules,
      hostKitVersion: readVersion('@logto/connector-kit'),
      hostZodVersion: readVersion('zod'),
      manifest: { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    });
  },

  /** 2. Discovered and loaded by Logto's loader, version check on; metadata as the Console gets it. */
  async load() {
    const { cli, packages, factories, factory } = await loadOurFactory();
    const guarded = connectorMetadataGuard.safeParse(factory.metadata);
    assert.ok(guarded.success, `connectorMetadataGuard refused the metadata: ${guarded.error?.message}`);
    const { rawConnector, rawMetadata } = await cli.buildRawConnector(factory);
    const svg = (file) =>
      `data:image/svg+xml;base64,${readFileSync(path.join(connectorDir, file)).toString('base64')}`;
    assert.equal(rawMetadata.logo, svg('logo.svg'));
    assert.equal(rawMetadata.logoDark, svg('logo-dark.svg'));
    // The Console's "Check README" drawer shows the Console guide, read from a path with a folder
    // (Logto's readUrl falls back to the path itself when the file is missing).
    assert.equal(
      rawMetadata.readme,
      readFileSync(path.join(connectorDir, 'docs', 'console-guide.md'), 'utf8')
    );
    // notImplemented (getConfig at load time) throws core's own ConnectorError: the CLI and core
    // share one connector-kit, as in Logto's image.
    await assert.rejects(
      async () => cli.notImplemented(),
      (error) => error instanceof ConnectorError
    );
    // How `logto connector add <spec>` rewrites what it is given, before `npm pack <spec>`.
    const { normalizePackageName } = await importFile(
      path.join(cliDir, 'lib', 'commands', 'connector', 'utils.js')
    );
    const specs = [
      'connector-aws-ses',
      'aws-ses',
      '/srv/connector-aws-ses-1.0.0.tgz',
      '/srv/aws-ses-1.0.0.tgz',
    ];
    report({
      discovered: packages.map(({ name }) => name),
      loaded: factories.map(({ metadata }) => metadata.id),
      id: factory.metadata.id,
      type: rawConnector.type,
      hasConfigGuard: typeof rawConnector.configGuard?.safeParse === 'function',
      logoIsDataUrl: factory.metadata.logo.startsWith('data:image/svg+xml;base64,'),
      readmeStart: factory.metadata.readme.slice(0, 40),
      skipped: printed.filter((line) => line.includes('skip')),
      addSpecs: Object.fromEntries(specs.map((spec) => [spec, normalizePackageName(spec)])),
    });
  },

  /** 3. The Console's "Send test email": the unsaved form config as second argument. */
  async 'console-test'() {
    const { cli, factory } = await loadOurFactory();
    const config = consoleFormConfig(
      factory.metadata.formItems,
      operatorEntries(factory.metadata.formItems, endpoints.emulator)
    );
    const { rawConnector } = await cli.buildRawConnector(factory);
    const returned = await rawConnector.sendMessage(
      { to: recipient, type: 'Generic', payload: { code: '000000' }, ip: '127.0.0.1' },
      config
    );
    report({ configKeys: Object.keys(config).sort(), returned: returned ?? null });
  },

  /**
   * 3b. The Console's "Send test email" with the form's newer fields filled in: a template stored
   * in SES for Generic (sesTemplates, a Json item) and a multi-region endpoint (endpointId, signed
   * with the bundled SigV4a signer).
   */
  async 'stored-template'() {
    const { cli, factory } = await loadOurFactory();
    const { formItems } = factory.metadata;
    const config = consoleFormConfig(formItems, {
      ...operatorEntries(formItems, endpoints.emulator),
      sesTemplates: { Generic: input.sesTemplateName },
      endpointId: 'host-suite.global',
    });
    const { rawConnector } = await cli.buildRawConnector(factory);
    const returned = await rawConnector.sendMessage(
      { to: recipient, type: 'Generic', payload: { code: '000000' }, ip: '127.0.0.1' },
      config
    );
    report({ configKeys: Object.keys(config).sort(), returned: returned ?? null });
  },

  /** 4. A real sign-in code: stored config through getConfig, no second argument. */
  async 'sign-in'() {
    const { cli, factory } = await loadOurFactory();
    const stored = deepClean(
      consoleFormConfig(
        factory.metadata.formItems,
        operatorEntries(factory.metadata.formItems, endpoints.emulator)
      )
    );
    const configRequests = [];
    const templateRequests = [];
    const { rawConnector } = await cli.buildRawConnector(
      factory,
      async (id) => {
        configRequests.push(id);
        return stored;
      },
      undefined,
      // No per-language template saved in Logto for this locale.
      async (type, locale) => {
        templateRequests.push([type, locale]);
        return undefined;
      }
    );
    await rawConnector.sendMessage({
      to: recipient,
      type: 'SignIn',
      payload: {
        code: '314159',
        locale: 'de',
        uiLocales: 'de en',
        application: { id: 'app-1', name: 'Acme Portal', displayName: 'Acme', branding: {} },
        organization: { id: 'org-1', name: 'Acme Org', branding: {} },
      },
    });
    report({ storedKeys: Object.keys(stored).sort(), configRequests, templateRequests });
  },

  /** 5. Failures as Logto's error handler sees them. */
  async failures() {
    const { cli, factory } = await loadOurFactory();
    const { formItems } = factory.metadata;
    const { rawConnector } = await cli.buildRawConnector(factory);
    const testSend = (config) =>
      rawConnector.sendMessage({ to: recipient, type: 'Generic', payload: { code: '000000' } }, config);
    const invalidConfig = await failure(async () =>
      testSend(
        consoleFormConfig(formItems, { ...operatorEntries(formItems, endpoints.emulator), region: 'US East' })
      )
    );
    assert.ok(
      invalidConfig.error.data instanceof hostZod.ZodError,
      "an invalid config must carry the host's ZodError, so Logto shows the issues"
    );
    const rejected = await failure(async () =>
      testSend(consoleFormConfig(formItems, operatorEntries(formItems, endpoints.rejecting)))
    );
    const unreachable = await failure(async () =>
      testSend(consoleFormConfig(formItems, operatorEntries(formItems, endpoints.closed)))
    );
    report({
      invalidConfig: describeError(invalidConfig),
      rejected: describeError(rejected),
      unreachable: describeError(unreachable),
    });
  },

  /** 6. Throttling and the daily quota map to codes the host's kit defines (429 in Logto). */
  async 'rate-limits'() {
    const { cli, factory } = await loadOurFactory();
    const { formItems } = factory.metadata;
    const { rawConnector } = await cli.buildRawConnector(factory);
    const testSend = (endpoint) =>
      rawConnector.sendMessage(
        { to: recipient, type: 'Generic', payload: { code: '000000' } },
        consoleFormConfig(formItems, operatorEntries(formItems, endpoint))
      );
    const dailyQuota = await failure(async () => testSend(endpoints.quota));
    const throttled = await failure(async () => testSend(endpoints.throttling));
    report({
      hostKitHasUsageLimitExceeded: 'UsageLimitExceeded' in ConnectorErrorCodes,
      dailyQuota: describeError(dailyQuota),
      throttled: describeError(throttled),
    });
  },

  /**
   * Control: the instance of `second-kit` has a private copy of connector-kit and zod in the
   * connector folder, as `npm install` there would leave. Errors are then not the host's class.
   */
  async 'second-kit'() {
    const { cli, factory } = await loadOurFactory();
    const { formItems } = factory.metadata;
    const { rawConnector } = await cli.buildRawConnector(factory);
    let caught;
    try {
      await rawConnector.sendMessage(
        { to: recipient, type: 'Generic', payload: { code: '000000' } },
        consoleFormConfig(formItems, operatorEntries(formItems, endpoints.rejecting))
      );
    } catch (error) {
      caught = error;
    }
    assert.ok(caught, 'the send succeeded, a failure was expected');
    report({
      errorClassName: caught.constructor.name,
      hostConnectorError: caught instanceof ConnectorError,
      code: caught.code,
    });
  },
};

const run = scenarios[scenario];
assert.ok(run, `unknown scenario ${scenario}`);
await run();
