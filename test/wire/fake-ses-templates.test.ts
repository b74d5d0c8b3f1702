/**
 * The fake SES's stored templates and multi-region endpoints, checked with the raw SDK (the
 * connector's suites trust them): CreateEmailTemplate, GetEmailTemplate, TestRenderEmailTemplate
 * failing on a missing variable as SES does, SendEmail with Content.Template, and
 * ListMultiRegionEndpoints by primary region.
 */
import {
  CreateEmailTemplateCommand,
  GetEmailTemplateCommand,
  ListMultiRegionEndpointsCommand,
  SESv2Client,
  SendEmailCommand,
  TestRenderEmailTemplateCommand,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type FakeSes, startFakeSes } from '../support/fake-ses.js';
import { accessKeyId, rejectionOf, secret } from '../fixtures.js';

let fake: FakeSes;
const clients: SESv2Client[] = [];

const clientIn = (region: string) => {
  const client = new SESv2Client({
    region,
    endpoint: fake.endpoint,
    credentials: { accessKeyId, secretAccessKey: secret },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  fake = await startFakeSes({
    regions: {
      'eu-west-1': {
        multiRegionEndpoints: [{ name: 'global', id: 'abcd.efgh', regions: ['eu-west-1', 'us-east-2'] }],
      },
    },
  });
});
beforeEach(() => {
  fake.reset();
  fake.templates.clear();
});
afterAll(async () => {
  for (const client of clients) {
    client.destroy();
  }
  await fake.close();
});

describe('stored templates at the fake SES', () => {
  it('stores a template with CreateEmailTemplate and answers it with GetEmailTemplate', async () => {
    const client = clientIn('eu-west-1');
    await client.send(
      new CreateEmailTemplateCommand({
        TemplateName: 'code',
        TemplateContent: { Subject: 'Code {{code}}', Text: '{{code}}' },
      })
    );
    const output = await client.send(new GetEmailTemplateCommand({ TemplateName: 'code' }));
    expect(output.TemplateContent).toEqual({ Subject: 'Code {{code}}', Text: '{{code}}' });
    expect(fake.requests.map(({ operation }) => operation)).toEqual([
      'CreateEmailTemplate',
      'GetEmailTemplate',
    ]);
  });

  it('answers NotFoundException for a template it does not have', async () => {
    const error = await rejectionOf(
      clientIn('eu-west-1').send(new GetEmailTemplateCommand({ TemplateName: 'nope' }))
    );
    expect(error).toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('renders with TestRenderEmailTemplate, and fails naming a variable the data lacks', async () => {
    fake.templates.set('code', { subject: 'Code {{code}}', text: 'Hi {{user.name}}' });
    const client = clientIn('eu-west-1');
    const rendered = await client.send(
      new TestRenderEmailTemplateCommand({
        TemplateName: 'code',
        TemplateData: JSON.stringify({ code: '1', user: { name: 'Ada' } }),
      })
    );
    expect(rendered.RenderedTemplate).toContain('Subject: Code 1');
    expect(rendered.RenderedTemplate).toContain('Hi Ada');

    const error = await rejectionOf(
      client.send(new TestRenderEmailTemplateCommand({ TemplateName: 'code', TemplateData: '{"code":"1"}' }))
    );
    expect(error).toMatchObject({
      name: 'BadRequestException',
      message: "Attribute 'name' is not present in the rendering data.",
    });
  });

  it('accepts a SendEmail naming a stored template by name or ARN and records its rendering', async () => {
    fake.templates.set('code', { subject: 'Code {{code}}', html: '<b>{{code}}</b>' });
    const client = clientIn('eu-west-1');
    for (const Template of [
      { TemplateName: 'code', TemplateData: '{"code":"42"}' },
      { TemplateArn: 'arn:aws:ses:eu-west-1:123456789012:template/code', TemplateData: '{"code":"43"}' },
    ]) {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: 'a@example.com',
          Destination: { ToAddresses: ['b@example.com'] },
          Content: { Template },
        })
      );
    }
    expect(fake.requests.map(({ rendered }) => rendered)).toEqual([
      { subject: 'Code 42', html: '<b>42</b>' },
      { subject: 'Code 43', html: '<b>43</b>' },
    ]);
  });

  it('answers a SendEmail naming an unknown template with NotFoundException, accepting nothing', async () => {
    const error = await rejectionOf(
      clientIn('eu-west-1').send(
        new SendEmailCommand({
          FromEmailAddress: 'a@example.com',
          Destination: { ToAddresses: ['b@example.com'] },
          Content: { Template: { TemplateName: 'nope', TemplateData: '{}' } },
        })
      )
    );
    expect(error).toMatchObject({ name: 'NotFoundException', message: 'Template nope does not exist.' });
    expect(fake.accepted()).toEqual([]);
  });
});

describe('multi-region endpoints at the fake SES', () => {
  it('lists the endpoints whose primary region signed the request, and none elsewhere', async () => {
    const listed = await clientIn('eu-west-1').send(new ListMultiRegionEndpointsCommand({}));
    expect(listed.MultiRegionEndpoints).toEqual([
      expect.objectContaining({
        EndpointName: 'global',
        EndpointId: 'abcd.efgh',
        Status: 'READY',
        Regions: ['eu-west-1', 'us-east-2'],
      }),
    ]);
    const elsewhere = await clientIn('us-east-2').send(new ListMultiRegionEndpointsCommand({}));
    expect(elsewhere.MultiRegionEndpoints).toEqual([]);
  });

  it('records the signing algorithm of every request, SigV4 in a region', async () => {
    await clientIn('eu-west-1').send(new ListMultiRegionEndpointsCommand({}));
    expect(fake.requests[0]).toMatchObject({ signingAlgorithm: 'AWS4-HMAC-SHA256', region: 'eu-west-1' });
    expect(fake.requests[0]?.headers.authorization).toBe('[redacted]');
  });
});
