/**
 * A send on the SDK's default credential chain whose last link, the EC2 instance metadata
 * service, never answers (a host outside EC2 whose firewall drops the packets): the send ends
 * within timeoutMs and says that no credentials were found and where the chain looked, not that
 * SES did not answer, since no request ever left for SES. Once the chain has found credentials and
 * the request has left, a send that runs out of time says SES did not answer.
 */
import { type Server, type Socket, createServer } from 'node:net';

import { ConnectorError, TemplateType } from '@logto/connector-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import createConnector, { type AwsSesConfig, resetConnectorState } from '../../src/index.js';
import { rejectionOf } from '../fixtures.js';
import { type FakeSes, respond, startFakeSes } from '../support/fake-ses.js';

let fake: FakeSes;
/** A TCP server on 127.0.0.1 that accepts connections and never answers: an unreachable IMDS. */
let silentMetadata: Server;
const held = new Set<Socket>();

beforeAll(async () => {
  fake = await startFakeSes();
  silentMetadata = createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((resolve) => silentMetadata.listen(0, '127.0.0.1', resolve));
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetConnectorState();
});

afterAll(async () => {
  for (const socket of held) {
    socket.destroy();
  }
  await new Promise((resolve) => silentMetadata.close(resolve));
  await fake.close();
});

describe('no credentials within the budget', () => {
  it('says no AWS credentials could be found and where the chain looked, and sends nothing', async () => {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_EC2_METADATA_DISABLED',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    const address = silentMetadata.address();
    if (typeof address !== 'object' || address === null) {
      throw new Error('The silent metadata server has no port.');
    }
    vi.stubEnv('AWS_EC2_METADATA_SERVICE_ENDPOINT', `http://127.0.0.1:${address.port}`);
    const config: AwsSesConfig = {
      region: 'eu-west-1',
      endpoint: fake.endpoint,
      emailAddress: 'noreply@example.com',
      timeoutMs: 600,
      templates: [{ usageType: 'Generic', subject: 'Code {{code}}', content: '<p>{{code}}</p>' }],
    };
    const connector = await createConnector({ getConfig: async () => Promise.resolve(config) });

    const started = performance.now();
    const error = await rejectionOf(
      connector.sendMessage({ to: 'ada@example.com', type: TemplateType.Generic, payload: { code: '1' } })
    );
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).data).toMatchObject({
      sesErrorName: 'CredentialsProviderError',
      errorDescription: expect.stringMatching(
        /^No AWS credentials could be found within 600 ms, so nothing was sent to Amazon SES\. .*EC2 instance metadata service/
      ),
    });
    // The chain did look at the metadata service, and SES never saw a request.
    expect(held.size).toBeGreaterThan(0);
    expect(fake.count).toBe(0);
    expect(elapsed).toBeLessThan(600 + 2000);
  });

  it('says SES did not answer once the chain found credentials and the request left', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAENVIRONMENTKEY01');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'from-the-environment');
    fake.setDefault(respond.hang());
    const config: AwsSesConfig = {
      region: 'eu-west-1',
      endpoint: fake.endpoint,
      emailAddress: 'noreply@example.com',
      timeoutMs: 600,
      templates: [{ usageType: 'Generic', subject: 'Code {{code}}', content: '<p>{{code}}</p>' }],
    };
    const connector = await createConnector({ getConfig: async () => Promise.resolve(config) });

    const error = await rejectionOf(
      connector.sendMessage({ to: 'ada@example.com', type: TemplateType.Generic, payload: { code: '1' } })
    );

    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).data).toMatchObject({ sesErrorName: 'Timeout' });
    expect(fake.count).toBe(1);
  });
});
