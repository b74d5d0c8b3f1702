import { MessageRejected, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ConnectorError, ConnectorErrorCodes, TemplateType } from '@logto/connector-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';

import createConnector, { connectorId } from '../src/index.js';
import { consoleTestCode } from '../src/test-email.js';
import {
  connectorWith,
  fullConfig,
  i18nTemplates,
  minimalConfig,
  rejectionOf,
  sendData,
  sentInput,
  signInPayload,
  useMockedSes,
  withDefaultTemplates,
} from './fixtures.js';

const ses = useMockedSes();

afterEach(() => {
  vi.useRealTimers();
});

describe('a send as Logto makes it', () => {
  it('sends the full SendEmail input and resolves with the MessageId', async () => {
    const connector = await connectorWith(fullConfig);
    await expect(connector.sendMessage(sendData())).resolves.toBe('msg-1');
    expect(sentInput(ses)).toEqual({
      FromEmailAddress: '"Logto" <noreply@example.com>',
      FromEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      ReplyToAddresses: ['"Support" <support@example.com>', 'help@example.com'],
      FeedbackForwardingEmailAddress: 'bounces@example.com',
      FeedbackForwardingEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
      ConfigurationSetName: 'logto-auth',
      EmailTags: [
        { Name: 'logto-usage-type', Value: 'SignIn' },
        { Name: 'app', Value: 'logto' },
        { Name: 'env', Value: 'test' },
      ],
      ConfigurationOverrides: {
        Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
      },
      Content: {
        Simple: {
          Subject: { Data: 'Sign in to Acme Portal: 123456', Charset: 'UTF-8' },
          Body: {
            Html: { Data: '<p>Hi Ada, your code is <b>123456</b>.</p>', Charset: 'UTF-8' },
            Text: { Data: 'Hi Ada, your code is 123456.', Charset: 'UTF-8' },
          },
          Headers: [{ Name: 'X-Entity-Ref-ID', Value: expect.any(String) as string }],
        },
      },
    });
  });

  it("reads the stored config with the connector's id when no config is passed", async () => {
    const getConfig = vi.fn(async () => Promise.resolve(minimalConfig));
    const connector = await createConnector({ getConfig });
    await connector.sendMessage(sendData());
    expect(getConfig).toHaveBeenCalledWith(connectorId);
  });

  it('leaves optional fields out of the input when the config has none', async () => {
    const connector = await connectorWith(minimalConfig);
    await connector.sendMessage(sendData());
    expect(Object.keys(sentInput(ses)).sort()).toEqual([
      'ConfigurationOverrides',
      'Content',
      'Destination',
      'EmailTags',
      'FromEmailAddress',
    ]);
  });

  it('sends a text/plain template as text only', async () => {
    const connector = await connectorWith(fullConfig);
    await connector.sendMessage(sendData(TemplateType.Register));
    expect(sentInput(ses).Content?.Simple?.Body).toEqual({
      Text: { Data: 'Your code is 123456.', Charset: 'UTF-8' },
    });
  });

  it('sends a recipient with an international domain in punycode', async () => {
    const connector = await connectorWith(minimalConfig);
    await connector.sendMessage(sendData(TemplateType.SignIn, signInPayload, ' ada@bücher.de '));
    expect(sentInput(ses).Destination).toEqual({ ToAddresses: ['ada@xn--bcher-kva.de'] });
  });

  it('tolerates a missing payload', async () => {
    const connector = await connectorWith(minimalConfig);
    const data = { to: 'a@example.com', type: TemplateType.Generic } as unknown as Parameters<
      typeof connector.sendMessage
    >[0];
    await connector.sendMessage(data);
    expect(sentInput(ses).Content?.Simple?.Subject?.Data).toBe('Code {{code}}');
  });

  it('tags an unexpected usage type with a value SES accepts', async () => {
    const connector = await connectorWith(minimalConfig);
    await connector.sendMessage(sendData('New Type!' as unknown as TemplateType));
    expect(sentInput(ses).EmailTags?.[0]).toEqual({ Name: 'logto-usage-type', Value: 'New_Type_' });
  });
});

describe("the Console's Send test email", () => {
  it('validates and uses the unsaved config passed as the second argument, not the stored one', async () => {
    const getConfig = vi.fn(async () =>
      Promise.reject(new ConnectorError(ConnectorErrorCodes.NotImplemented))
    );
    const connector = await createConnector({ getConfig });
    const config = withDefaultTemplates({ emailAddress: 'Test <test@example.com>', region: 'ap-south-1' });
    await connector.sendMessage(
      { to: 'me@example.com', type: TemplateType.Generic, payload: { code: consoleTestCode } },
      config
    );
    expect(getConfig).not.toHaveBeenCalled();
    const input = sentInput(ses);
    expect(input.FromEmailAddress).toBe('"Test" <test@example.com>');
    expect(input.Content?.Simple?.Subject?.Data).toBe(`Your verification code is ${consoleTestCode}`);
    expect(input.Content?.Simple?.Body?.Text?.Data).toContain(consoleTestCode);
  });

  it('rejects an invalid unsaved config with InvalidConfig carrying the ZodError', async () => {
    const connector = await connectorWith(minimalConfig);
    const error = await rejectionOf(
      connector.sendMessage(sendData(), { ...minimalConfig, region: 'US East' })
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: ConnectorErrorCodes.InvalidConfig });
    expect((error as ConnectorError).data).toBeInstanceOf(ZodError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('reading the stored config', () => {
  it('rejects an invalid stored config with InvalidConfig', async () => {
    const connector = await connectorWith({ region: 'us-east-1' });
    await expect(connector.sendMessage(sendData())).rejects.toMatchObject({
      code: ConnectorErrorCodes.InvalidConfig,
    });
  });

  it("passes Logto's own ConnectorError through", async () => {
    const connector = await createConnector({
      getConfig: async () => Promise.reject(new ConnectorError(ConnectorErrorCodes.NotImplemented)),
    });
    await expect(connector.sendMessage(sendData())).rejects.toMatchObject({
      code: ConnectorErrorCodes.NotImplemented,
    });
  });

  it.each([
    ['an Error', new Error('connection pool closed')],
    ['a string', 'connection pool closed'],
  ])('turns %s thrown by getConfig into a ConnectorError with a sentence', async (_name, thrown) => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a host may reject with anything
    const connector = await createConnector({ getConfig: async () => Promise.reject(thrown) });
    const error = await rejectionOf(connector.sendMessage(sendData()));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription:
          "Logto could not read this connector's saved configuration (connection pool closed). Save the connector's settings again.",
      },
    });
  });
});

describe('From and Reply-To of Logto per-language templates', () => {
  const sendWithLogtoTemplate = async (
    template: { sendFrom?: string; replyTo?: string },
    config: unknown = minimalConfig,
    payload: Record<string, unknown> = signInPayload
  ) => {
    const connector = await connectorWith(
      config,
      i18nTemplates({ SignIn: { subject: 'S {{code}}', content: '<p>{{code}}</p>', ...template } })
    );
    return connector.sendMessage(sendData(TemplateType.SignIn, payload));
  };

  it('uses a display-name-only sendFrom with the config address', async () => {
    await sendWithLogtoTemplate({ sendFrom: '{{application.name}} via Acme' });
    expect(sentInput(ses).FromEmailAddress).toBe('"Acme Portal via Acme" <noreply@example.com>');
  });

  it('uses a full sendFrom, name and address', async () => {
    await sendWithLogtoTemplate({ sendFrom: '{{organization.name}} <team@example.org>' });
    expect(sentInput(ses).FromEmailAddress).toBe('"Acme Corp" <team@example.org>');
  });

  it('keeps the config display name when sendFrom is an address alone', async () => {
    await sendWithLogtoTemplate(
      { sendFrom: 'other@example.org' },
      { ...minimalConfig, emailAddress: 'Logto <noreply@example.com>' }
    );
    expect(sentInput(ses).FromEmailAddress).toBe('"Logto" <other@example.org>');
  });

  it('never lets an inserted name change the sending address', async () => {
    const payload = {
      ...signInPayload,
      application: { name: 'Evil <attacker@evil.test>\r\nBcc: x@evil.test' },
    };
    await sendWithLogtoTemplate({ sendFrom: '{{application.name}}' }, minimalConfig, payload);
    expect(sentInput(ses).FromEmailAddress).toBe(
      '"Evil <attacker@evil.test> Bcc: x@evil.test" <noreply@example.com>'
    );
  });

  it('fails with a sentence when sendFrom renders to something that is not an address', async () => {
    const error = await rejectionOf(sendWithLogtoTemplate({ sendFrom: 'Team <{{user.username}}>' }));
    expect(error).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringContaining(
          'The sender (sendFrom) of Logto\'s email template, "Team <{{user.username}}>", gives "ada", which is not an email address'
        ),
      },
    });
  });

  it('fails with a sentence when sendFrom has stray brackets', async () => {
    await expect(sendWithLogtoTemplate({ sendFrom: 'a <b> c' })).rejects.toMatchObject({
      code: ConnectorErrorCodes.General,
    });
  });

  it('asks for emailAddress when neither the config nor sendFrom gives an address', async () => {
    const config = { region: 'us-east-1', templates: minimalConfig.templates };
    for (const template of [{}, { sendFrom: 'Just A Name' }]) {
      const error = await rejectionOf(sendWithLogtoTemplate(template, config));
      expect(error).toMatchObject({ code: ConnectorErrorCodes.InvalidConfig });
      expect((error as ConnectorError).data).toBeInstanceOf(ZodError);
      expect(((error as ConnectorError).data as ZodError).issues[0]).toMatchObject({
        path: ['emailAddress'],
        message: expect.stringMatching(/^emailAddress is required/),
      });
    }
  });

  it('sends from sendFrom alone when the config has no emailAddress', async () => {
    await sendWithLogtoTemplate(
      { sendFrom: 'Acme <noreply@acme.test>' },
      { region: 'us-east-1', templates: minimalConfig.templates }
    );
    expect(sentInput(ses).FromEmailAddress).toBe('"Acme" <noreply@acme.test>');
  });

  it("replaces the config's Reply-To with the template's, placeholders filled", async () => {
    await sendWithLogtoTemplate(
      { replyTo: '{{user.primaryEmail}}, "Help, Desk" <help@example.com>' },
      { ...minimalConfig, replyTo: 'config@example.com' }
    );
    expect(sentInput(ses).ReplyToAddresses).toEqual(['ada@example.com', '"Help, Desk" <help@example.com>']);
  });

  it('fails with a sentence when a Reply-To is not an address', async () => {
    const error = await rejectionOf(sendWithLogtoTemplate({ replyTo: 'Help Desk' }));
    expect(error).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: { errorDescription: expect.stringContaining('reply-to address (replyTo)') },
    });
  });
});

describe('recipients', () => {
  it.each(['not-an-address', '', 42])(
    'rejects the recipient %j with a sentence, before calling SES',
    async (to) => {
      const connector = await connectorWith(minimalConfig);
      const error = await rejectionOf(
        connector.sendMessage({ ...sendData(), to } as Parameters<typeof connector.sendMessage>[0])
      );
      expect(error).toMatchObject({
        code: ConnectorErrorCodes.General,
        data: {
          errorDescription: `The recipient ${JSON.stringify(to)} is not an email address Amazon SES can deliver to.`,
        },
      });
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    }
  );
});

describe('failures of the SES call', () => {
  it('turns an SES rejection into a ConnectorError with the reason and the region', async () => {
    ses.on(SendEmailCommand).rejects(
      new MessageRejected({
        $metadata: { httpStatusCode: 400, requestId: 'r-9' },
        message: 'Email address is not verified.',
      })
    );
    const connector = await connectorWith(fullConfig);
    const error = await rejectionOf(connector.sendMessage(sendData()));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringMatching(
          /^Amazon SES rejected the message in eu-west-1\. SES said: "Email address is not verified\."/
        ),
        sesErrorName: 'MessageRejected',
        httpStatus: 400,
        requestId: 'r-9',
        region: 'eu-west-1',
      },
    });
  });

  it('names the endpoint host in network errors when an endpoint is set', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const connector = await connectorWith({ ...minimalConfig, endpoint: 'http://127.0.0.1:9' });
    await expect(connector.sendMessage(sendData())).rejects.toMatchObject({
      data: { errorDescription: expect.stringContaining('The connection to 127.0.0.1:9 was refused') },
    });
  });

  it('stops a send that runs past timeoutMs with a timeout sentence', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    ses.on(SendEmailCommand).callsFake(async () => new Promise(() => undefined));
    const send = vi.spyOn(SESv2Client.prototype, 'send');
    const connector = await connectorWith({ ...minimalConfig, timeoutMs: 1500 });
    const pending = rejectionOf(connector.sendMessage(sendData()));
    await vi.advanceTimersByTimeAsync(1499);
    const signal = (send.mock.calls[0]?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(signal?.aborted).toBe(true);
    expect(error).toMatchObject({
      code: ConnectorErrorCodes.General,
      data: {
        errorDescription: expect.stringMatching(
          /^Amazon SES did not answer within 1500 ms \(retries included\) at email\.us-east-1\.amazonaws\.com/
        ),
        sesErrorName: 'Timeout',
      },
    });
    send.mockRestore();
  });
});
