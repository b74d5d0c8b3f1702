/**
 * The built lib/index.js signs a send through a multi-region endpoint with SigV4a: the signer the
 * bundle carries registered itself when the bundle loaded (no tree-shaking dropped its
 * side-effect import), and needs nothing outside lib/.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type * as Source from '../../src/index.js';

import { type FakeSes, startFakeSes } from '../support/fake-ses.js';
import { repoRoot } from '../support/repo.js';
import { configAt } from '../fixtures.js';

type Built = typeof Source;

let fake: FakeSes;
let built: Built;

beforeAll(async () => {
  fake = await startFakeSes();
  built = (await import(pathToFileURL(join(repoRoot, 'lib', 'index.js')).href)) as Built;
});
afterAll(async () => {
  built.resetConnectorState();
  await fake.close();
});

describe('lib/index.js with endpointId', () => {
  it('sends one SigV4a-signed request carrying the EndpointId', async () => {
    const connector = await built.default({ getConfig: async () => Promise.resolve({}) });
    await connector.sendMessage(
      { to: 'ada@example.com', type: TemplateType.Generic, payload: { code: '000000' } },
      configAt(fake.endpoint, { endpointId: 'abcd1234.efgh' })
    );
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      signingAlgorithm: 'AWS4-ECDSA-P256-SHA256',
      headers: expect.objectContaining({ 'x-amz-region-set': '*' }),
      body: expect.objectContaining({ EndpointId: 'abcd1234.efgh' }),
    });
  });
});
