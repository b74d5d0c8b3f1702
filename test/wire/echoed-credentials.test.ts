/**
 * An endpoint that echoes the request's headers back in its error (a proxy, a VPC endpoint, an
 * SES error quoting the canonical request): the role session token and the SigV4 signature must
 * appear on no surface that quotes the answer, whether the endpoint names the headers (a header
 * line, JSON) or echoes their values alone (which only scrubbing by value catches) — the send's ConnectorError (errorDescription,
 * message, JSON), its cause's message and stack, the send-path diagnosis, and the doctor's report
 * in text and --json. The credentials come from a container credentials endpoint on loopback, so
 * the secret and the session token are in no environment variable: only scrubbing by the values
 * of the resolved credentials (and of the signed request) can catch them.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ConnectorError, TemplateType } from '@logto/connector-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { runCli } from '../../src/cli.js';
import createConnector, { type AwsSesConfig, resetConnectorState } from '../../src/index.js';
import { rejectionOf } from '../fixtures.js';
import { type FakeSes, respond, startFakeSes } from '../support/fake-ses.js';
import { stubNoAwsCredentials } from '../support/no-aws-credentials.js';
import { homeRegion, notVerified, recipientAddress, senderAddress } from '../support/ses-scenarios.js';

const roleSecret = 'roleSecretFromTheContainerEndpoint/0123456789';
const roleToken = 'IQoJb3JpZ2luX2VjEXAMPLEROLESESSIONTOKEN/0123456789+abc=';

let fake: FakeSes;
let roleEndpoint: Server;
let folder: string;

const config = (): AwsSesConfig => ({
  region: homeRegion,
  endpoint: fake.endpoint,
  emailAddress: senderAddress,
  timeoutMs: 3000,
  templates: [{ usageType: 'Generic', subject: 'Code {{code}}', content: '<p>{{code}}</p>' }],
});

beforeAll(async () => {
  fake = await startFakeSes();
  roleEndpoint = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        AccessKeyId: 'ASIAROLEKEYEXAMPLE01',
        SecretAccessKey: roleSecret,
        Token: roleToken,
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      })
    );
  });
  await new Promise<void>((resolve) => roleEndpoint.listen(0, '127.0.0.1', resolve));
  folder = await mkdtemp(join(tmpdir(), 'echoed-credentials-'));
});

beforeEach(() => {
  stubNoAwsCredentials();
  vi.stubEnv(
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    `http://127.0.0.1:${(roleEndpoint.address() as AddressInfo).port}/role`
  );
  fake.reset();
  fake.setRegions({});
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetConnectorState();
});

afterAll(async () => {
  await fake.close();
  roleEndpoint.closeAllConnections();
  await new Promise((resolve) => roleEndpoint.close(resolve));
  await rm(folder, { recursive: true, force: true });
});

const expectNoCredentials = (surface: string, text: string) => {
  expect(text, surface).not.toContain(roleToken);
  expect(text, surface).not.toContain(roleSecret);
  // A SigV4 signature is 64 hexadecimal digits; the fake keeps the digest of each one it saw.
  const signatures = new Set(fake.requests.map(({ signatureDigest }) => signatureDigest));
  expect(signatures.size).toBeGreaterThan(0);
  for (const [hex] of text.matchAll(/[\da-f]{64}/g)) {
    expect(signatures.has(createHash('sha256').update(hex).digest('hex')), `${surface}: a signature`).toBe(
      false
    );
  }
};

const sendSurfaces = async () => {
  const connector = await createConnector({ getConfig: async () => Promise.resolve(config()) });
  const error = (await rejectionOf(
    connector.sendMessage({ to: recipientAddress, type: TemplateType.Generic, payload: { code: '1' } })
  )) as ConnectorError;
  const cause = error.cause as Error;
  return {
    errorDescription: String((error.data as { errorDescription?: unknown }).errorDescription),
    'error.message': error.message,
    'JSON.stringify(error)': JSON.stringify(error),
    'cause.message': cause.message,
    'cause.stack': cause.stack ?? '',
  };
};

describe.each(['lines', 'json', 'values'] as const)('headers echoed as %s', (form) => {
  it('the send: no token, secret or signature in the error, its JSON, or its cause', async () => {
    fake.setDefault(respond.echoHeaders('BadRequestException', 400, form));

    const surfaces = await sendSurfaces();

    // The echo reached the sentence: the credential headers' values are replaced.
    expect(surfaces.errorDescription).toContain('[redacted]');
    expect(fake.requests[0]?.hasSecurityToken).toBe(true);
    for (const [surface, text] of Object.entries(surfaces)) {
      expectNoCredentials(surface, text);
    }
  });

  it('the send-path diagnosis of a "not verified" rejection: none either', async () => {
    fake.setDefault(
      respond.echoHeaders('MessageRejected', 400, form, {
        suffix: `\n${notVerified(homeRegion, senderAddress)}`,
      })
    );

    const surfaces = await sendSurfaces();

    expect(surfaces.errorDescription).toContain(`the sender ${senderAddress}`);
    expect(fake.requests.map(({ operation }) => operation)).toContain('GetEmailIdentity');
    for (const [surface, text] of Object.entries(surfaces)) {
      expectNoCredentials(surface, text);
    }
  });

  it("the doctor's report, text and --json, with a test email: none either", async () => {
    fake.setDefault(respond.echoHeaders('BadRequestException', 400, form));
    fake.setReadAction('GetAccount', respond.echoHeaders('BadRequestException', 400, form));
    fake.setReadAction('GetEmailIdentity', respond.echoHeaders('BadRequestException', 400, form));
    const path = join(folder, `config-${form}.json`);
    await writeFile(path, JSON.stringify(config()));

    for (const json of [false, true]) {
      const lines: string[] = [];
      const code = await runCli(
        ['doctor', '--config', path, '--to', recipientAddress, '--send', ...(json ? ['--json'] : [])],
        { out: (line) => lines.push(line), err: (line) => lines.push(line) }
      );
      const printed = lines.join('\n');
      expect(code).toBe(1);
      expect(printed).toContain('[redacted]');
      expectNoCredentials(json ? 'doctor --json' : 'doctor', printed);
    }
  });
});
