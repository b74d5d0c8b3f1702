/**
 * What SES receives, end to end over real HTTP: the connector, the AWS SDK and the local SES
 * emulator (aws-ses-v2-local on 127.0.0.1). For every Logto usage type, with config templates and
 * with Logto's per-language templates, the stored message is compared field by field.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type EmailTemplateDetails, type GetI18nEmailTemplate, TemplateType } from '@logto/connector-kit';
import { describe, expect, it, vi } from 'vitest';

import { runCli } from '../../src/cli.js';
import { type AwsSesConfig, type DoctorCheckId, type DoctorReport, doctorCheckIds } from '../../src/index.js';
import { allTemplateTypes, configAt, connectorWith, useEmulator } from '../fixtures.js';

import { type StoredEmail, decodeHeader } from '../support/emulator.js';

const emulator = useEmulator();

/** A line in another script (and an emoji) for each usage type, so every script travels the wire. */
const scriptLines: Record<TemplateType, string> = {
  [TemplateType.SignIn]: 'Anmeldung bei Müller-Lüdenscheidt ✅',
  [TemplateType.Register]: '登録コードをお送りします 🎌',
  [TemplateType.ForgotPassword]: 'إعادة تعيين كلمة المرور 🔑',
  [TemplateType.OrganizationInvitation]: '邀请您加入我们的团队 🏢',
  [TemplateType.Generic]: 'Ваш код подтверждения 📮',
  [TemplateType.UserPermissionValidation]: 'कृपया पुष्टि करें 🙏',
  [TemplateType.BindNewIdentifier]: 'Επαλήθευση διεύθυνσης ✉️',
  [TemplateType.MfaVerification]: '2단계 인증 코드 🔐',
  [TemplateType.BindMfa]: 'אימות דו-שלבי 👨‍👩‍👧',
};

const locales: Record<TemplateType, string> = {
  [TemplateType.SignIn]: 'de',
  [TemplateType.Register]: 'ja',
  [TemplateType.ForgotPassword]: 'ar',
  [TemplateType.OrganizationInvitation]: 'zh-CN',
  [TemplateType.Generic]: 'ru',
  [TemplateType.UserPermissionValidation]: 'hi',
  [TemplateType.BindNewIdentifier]: 'el',
  [TemplateType.MfaVerification]: 'ko',
  [TemplateType.BindMfa]: 'he',
};

/** Values that must be escaped in HTML and arrive intact everywhere else. */
const userName = `Zoë <i>"O'Brien"</i> & 李雷 🦄`;
const escapedUserName = 'Zoë &lt;i&gt;&quot;O&#39;Brien&quot;&lt;/i&gt; &amp; 李雷 🦄';
const organizationName = 'Ünïcødé Org <script>alert(1)</script>';
const escapedOrganizationName = 'Ünïcødé Org &lt;script&gt;alert(1)&lt;/script&gt;';
const applicationName = 'Acme 🚀 Portal';
const link = 'https://example.com/invite?a=1&b=<x>';
const escapedLink = 'https://example.com/invite?a=1&amp;b=&lt;x&gt;';

const codeOf = (type: TemplateType) => `${String(allTemplateTypes.indexOf(type) + 1).repeat(3)}-${type}`;
const recipientOf = (type: TemplateType, mode: string) => `${mode}.${type.toLowerCase()}@example.com`;

const payloadFor = (type: TemplateType) => ({
  code: codeOf(type),
  locale: locales[type],
  link,
  application: { id: 'app1', name: applicationName },
  organization: { id: 'org1', name: organizationName, branding: {} },
  user: { id: 'u1', name: userName, username: 'zoe', primaryEmail: 'zoe@example.com' },
  inviter: { id: 'u2', name: 'Инна 👩‍💼', primaryEmail: 'inna@example.com' },
});

const baseConfig = (endpoint: string, templates: AwsSesConfig['templates']): AwsSesConfig =>
  configAt(endpoint, {
    emailAddress: 'Zoë from Acme 🚀 <noreply@example.com>',
    replyTo: '"Support, EU" <eu@example.com>, Ünal Yılmaz <help@example.com>',
    templates,
  });

const sendAs = async (
  config: AwsSesConfig,
  type: TemplateType,
  to: string,
  getI18nEmailTemplate?: GetI18nEmailTemplate
) => (await connectorWith(config, getI18nEmailTemplate)).sendMessage({ to, type, payload: payloadFor(type) });

const onlyEmail = async (): Promise<StoredEmail> => {
  const emails = await emulator.emails();
  expect(emails).toHaveLength(1);
  return emails[0]!;
};

describe('config templates, one per usage type', () => {
  const configTemplate = (type: TemplateType) => ({
    usageType: type,
    subject: `${scriptLines[type]} · {{application.name}} · {{code}}`,
    content:
      `<h1>${scriptLines[type]}</h1>` +
      '<p>Hello {{user.name}} of {{organization.name}},</p>' +
      '<p>your code is <b>{{code}}</b>.</p>' +
      '<p><a href="{{link}}">Open</a></p>',
  });

  it.each(allTemplateTypes)(
    '%s arrives with the expected sender, recipient, subject and both parts',
    async (type) => {
      const config = baseConfig(
        emulator.endpoint,
        allTemplateTypes.map((each) => configTemplate(each))
      );
      const to = recipientOf(type, 'config');
      const messageId = await sendAs(config, type, to);
      const email = await onlyEmail();

      expect(email.messageId).toBe(messageId);
      expect(decodeHeader(email.from)).toBe('Zoë from Acme 🚀 <noreply@example.com>');
      // A non-ASCII display name must travel as RFC 2047 encoded words (SES refuses raw UTF-8 there).
      expect(email.from).toMatch(
        /^=\?UTF-8\?B\?[\w+/=]+\?=(?: =\?UTF-8\?B\?[\w+/=]+\?=)* <noreply@example\.com>$/
      );
      expect(email.replyTo.map(decodeHeader)).toEqual([
        '"Support, EU" <eu@example.com>',
        'Ünal Yılmaz <help@example.com>',
      ]);
      expect(email.destination).toEqual({ to: [to], cc: [], bcc: [] });
      expect(email.subject).toBe(`${scriptLines[type]} · ${applicationName} · ${codeOf(type)}`);
      expect(email.body.html).toBe(
        `<h1>${scriptLines[type]}</h1>` +
          `<p>Hello ${escapedUserName} of ${escapedOrganizationName},</p>` +
          `<p>your code is <b>${codeOf(type)}</b>.</p>` +
          `<p><a href="${escapedLink}">Open</a></p>`
      );
      expect(email.body.text).toBe(
        `${scriptLines[type]}\n\n` +
          `Hello ${userName} of ${organizationName},\n\n` +
          `your code is ${codeOf(type)}.\n\n` +
          `Open [${link}]`
      );
      // No value adds a header: the only one is the connector's own X-Entity-Ref-ID.
      expect(email.headers?.map(({ name }) => name)).toEqual(['X-Entity-Ref-ID']);
    }
  );

  it('sends the same message for a type without its own template through the Generic one', async () => {
    const config = baseConfig(emulator.endpoint, [configTemplate(TemplateType.Generic)]);
    await sendAs(config, TemplateType.BindMfa, 'fallback@example.com');
    const email = await onlyEmail();
    expect(email.subject).toBe(
      `${scriptLines[TemplateType.Generic]} · ${applicationName} · ${codeOf(TemplateType.BindMfa)}`
    );
    expect(email.body.html).toContain(`<b>${codeOf(TemplateType.BindMfa)}</b>`);
  });
});

describe("Logto's per-language templates, one per usage type", () => {
  /**
   * Each type exercises a different combination of Logto's extras: HTML or plain text, a sender
   * as a display name, an address or both, with or without placeholders, and Reply-To variants.
   */
  const logtoTemplates: Record<TemplateType, EmailTemplateDetails & { expected: Expected }> = {
    [TemplateType.SignIn]: {
      subject: `${scriptLines.SignIn} {{code}}`,
      content: '<p>{{user.name}}: <b>{{code}}</b></p>',
      contentType: 'text/html',
      sendFrom: '{{application.name}} Team',
      replyTo: 'Hilfe Ä <hilfe@example.com>',
      expected: {
        from: `${applicationName} Team <noreply@example.com>`,
        replyTo: ['Hilfe Ä <hilfe@example.com>'],
      },
    },
    [TemplateType.Register]: {
      subject: `${scriptLines.Register} {{code}}`,
      content: '{{user.name}} さん、コードは {{code}} です。',
      contentType: 'text/plain',
      sendFrom: '登録係 <register@example.com>',
      expected: {
        from: '登録係 <register@example.com>',
        // No Reply-To in the Logto template: the config's applies.
        replyTo: ['"Support, EU" <eu@example.com>', 'Ünal Yılmaz <help@example.com>'],
      },
    },
    [TemplateType.ForgotPassword]: {
      subject: `${scriptLines.ForgotPassword} {{code}}`,
      content: '<p dir="rtl">مرحبا {{user.name}}، الرمز: <b>{{code}}</b></p>',
      contentType: 'text/html',
      sendFrom: 'reset@example.com',
      replyTo: 'no-reply-here@example.com',
      expected: {
        // An address alone keeps the config's display name.
        from: 'Zoë from Acme 🚀 <reset@example.com>',
        replyTo: ['no-reply-here@example.com'],
      },
    },
    [TemplateType.OrganizationInvitation]: {
      subject: `${scriptLines.OrganizationInvitation} {{organization.name}}`,
      content:
        '<p>{{inviter.name}} 邀请 {{user.name}} 加入 <b>{{organization.name}}</b>: <a href="{{link}}">{{link}}</a></p>',
      contentType: 'text/html',
      sendFrom: '{{inviter.name}} via {{organization.name}} <invites@example.com>',
      replyTo: '{{inviter.primaryEmail}}',
      expected: {
        from: `Инна 👩‍💼 via ${organizationName} <invites@example.com>`,
        replyTo: ['inna@example.com'],
      },
    },
    [TemplateType.Generic]: {
      subject: `${scriptLines.Generic} {{code}}`,
      content: 'Здравствуйте, {{user.name}}! Код: {{code}}',
      contentType: 'text/plain',
      expected: {
        from: 'Zoë from Acme 🚀 <noreply@example.com>',
        replyTo: ['"Support, EU" <eu@example.com>', 'Ünal Yılmaz <help@example.com>'],
      },
    },
    [TemplateType.UserPermissionValidation]: {
      subject: `${scriptLines.UserPermissionValidation} {{code}}`,
      content: '<div><p>नमस्ते {{user.name}}</p><p>कोड: <b>{{code}}</b></p></div>',
      contentType: 'text/html',
      sendFrom: 'Security <security@example.com>',
      replyTo: 'Security Desk <security@example.com>, "Ops, 24/7" <ops@example.com>',
      expected: {
        from: '"Security" <security@example.com>',
        replyTo: ['"Security Desk" <security@example.com>', '"Ops, 24/7" <ops@example.com>'],
      },
    },
    [TemplateType.BindNewIdentifier]: {
      subject: `${scriptLines.BindNewIdentifier} {{code}}`,
      content: '<p>Γεια σου {{user.name}}, κωδικός <b>{{code}}</b></p>',
      sendFrom: 'Ελληνικά 🇬🇷 <gr@example.com>',
      expected: {
        from: 'Ελληνικά 🇬🇷 <gr@example.com>',
        replyTo: ['"Support, EU" <eu@example.com>', 'Ünal Yılmaz <help@example.com>'],
      },
    },
    [TemplateType.MfaVerification]: {
      subject: `${scriptLines.MfaVerification} {{code}}`,
      content: '{{user.name}}님, 코드: {{code}}',
      contentType: 'text/plain',
      sendFrom: '"Acme, Inc." <mfa@example.com>',
      replyTo: '보안팀 <security@example.com>',
      expected: {
        from: '"Acme, Inc." <mfa@example.com>',
        replyTo: ['보안팀 <security@example.com>'],
      },
    },
    [TemplateType.BindMfa]: {
      subject: `${scriptLines.BindMfa} {{code}}`,
      content: '<p>שלום {{user.name}}, הקוד: <b>{{code}}</b></p>',
      contentType: 'text/html',
      sendFrom: '{{application.name}}',
      expected: {
        from: `${applicationName} <noreply@example.com>`,
        replyTo: ['"Support, EU" <eu@example.com>', 'Ünal Yılmaz <help@example.com>'],
      },
    },
  };

  type Expected = { from: string; replyTo: string[] };

  /** Fills a template by hand for the expectations: values escaped for HTML or left raw. */
  const expectedBody = (content: string, type: TemplateType, html: boolean) =>
    content
      .replaceAll('{{user.name}}', html ? escapedUserName : userName)
      .replaceAll('{{organization.name}}', html ? escapedOrganizationName : organizationName)
      .replaceAll('{{inviter.name}}', 'Инна 👩‍💼')
      .replaceAll('{{link}}', html ? escapedLink : link)
      .replaceAll('{{code}}', codeOf(type));

  const expectedText: Record<TemplateType, string> = {
    [TemplateType.SignIn]: `${userName}: ${codeOf(TemplateType.SignIn)}`,
    [TemplateType.Register]: `${userName} さん、コードは ${codeOf(TemplateType.Register)} です。`,
    [TemplateType.ForgotPassword]: `مرحبا ${userName}، الرمز: ${codeOf(TemplateType.ForgotPassword)}`,
    [TemplateType.OrganizationInvitation]: `Инна 👩‍💼 邀请 ${userName} 加入 ${organizationName}: ${link}`,
    [TemplateType.Generic]: `Здравствуйте, ${userName}! Код: ${codeOf(TemplateType.Generic)}`,
    [TemplateType.UserPermissionValidation]: `नमस्ते ${userName}\n\nकोड: ${codeOf(TemplateType.UserPermissionValidation)}`,
    [TemplateType.BindNewIdentifier]: `Γεια σου ${userName}, κωδικός ${codeOf(TemplateType.BindNewIdentifier)}`,
    [TemplateType.MfaVerification]: `${userName}님, 코드: ${codeOf(TemplateType.MfaVerification)}`,
    [TemplateType.BindMfa]: `שלום ${userName}, הקוד: ${codeOf(TemplateType.BindMfa)}`,
  };

  it.each(allTemplateTypes)(
    '%s arrives with the template’s sender, Reply-To, subject and body',
    async (type) => {
      // The config templates must lose to Logto's: they say something else entirely.
      const config = baseConfig(emulator.endpoint, [
        { usageType: 'Generic', subject: 'CONFIG {{code}}', content: '<p>CONFIG</p>' },
      ]);
      const lookup = vi.fn<GetI18nEmailTemplate>(async (requested) => {
        const { subject, content, contentType, sendFrom, replyTo } = logtoTemplates[requested];
        return Promise.resolve({
          subject,
          content,
          ...(contentType && { contentType }),
          ...(sendFrom && { sendFrom }),
          ...(replyTo && { replyTo }),
        });
      });
      const to = recipientOf(type, 'logto');
      const messageId = await sendAs(config, type, to, lookup);
      const email = await onlyEmail();
      const template = logtoTemplates[type];

      expect(lookup).toHaveBeenCalledWith(type, locales[type]);
      expect(email.messageId).toBe(messageId);
      expect(decodeHeader(email.from)).toBe(template.expected.from);
      expect(email.replyTo.map(decodeHeader)).toEqual(template.expected.replyTo);
      expect(email.destination).toEqual({ to: [to], cc: [], bcc: [] });
      expect(email.subject).toBe(
        template.subject.replace('{{code}}', codeOf(type)).replace('{{organization.name}}', organizationName)
      );
      if (template.contentType === 'text/plain') {
        expect(email.body.html).toBeUndefined();
        expect(email.body.text).toBe(expectedBody(template.content, type, false));
      } else {
        expect(email.body.html).toBe(expectedBody(template.content, type, true));
        expect(email.body.text).toBe(expectedText[type]);
      }
      // No value adds a header: the only one is the connector's own X-Entity-Ref-ID.
      expect(email.headers?.map(({ name }) => name)).toEqual(['X-Entity-Ref-ID']);
    }
  );
});

describe('recipients and addresses', () => {
  const genericOnly = (endpoint: string) =>
    baseConfig(endpoint, [{ usageType: 'Generic', subject: 'Code {{code}}', content: '<p>{{code}}</p>' }]);

  it('sends to an internationalised domain as punycode, which the emulator stores as sent', async () => {
    await sendAs(genericOnly(emulator.endpoint), TemplateType.Generic, 'ada@bücher.example');
    expect((await onlyEmail()).destination.to).toEqual(['ada@xn--bcher-kva.example']);
  });

  it('passes a recipient already in punycode through unchanged', async () => {
    await sendAs(genericOnly(emulator.endpoint), TemplateType.Generic, 'ada@xn--80ak6aa92e.com');
    expect((await onlyEmail()).destination.to).toEqual(['ada@xn--80ak6aa92e.com']);
  });

  it('encodes a long non-ASCII display name in encoded words of at most 75 characters', async () => {
    const name = '東京都千代田区の非常に長い名前の送信者アカウント 🏯 '.repeat(3).trim();
    await sendAs(
      { ...genericOnly(emulator.endpoint), emailAddress: `${name} <long@example.com>` },
      TemplateType.Generic,
      'long@example.com'
    );
    const email = await onlyEmail();
    expect(decodeHeader(email.from)).toBe(`${name} <long@example.com>`);
    for (const word of email.from.match(/=\?[^?]+\?B\?[^?]*\?=/g) ?? []) {
      expect(word.length).toBeLessThanOrEqual(75);
    }
    expect(email.from.match(/=\?/g)?.length).toBeGreaterThan(1);
  });
});

describe("the doctor on the emulator (the demo's own SES, which implements sending only)", () => {
  it('skips the reads the emulator does not implement, saying so, passes the test send: no failure, exit 0, the email stored', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'doctor-emulator-'));
    try {
      const path = join(folder, 'config.json');
      await writeFile(path, JSON.stringify(configAt(emulator.endpoint, { configurationSetName: 'demo' })));
      const host = new URL(emulator.endpoint).host;
      for (const json of [true, false]) {
        await emulator.clear();
        const lines: string[] = [];
        const code = await runCli(
          ['doctor', '--config', path, '--to', 'ada@example.com', '--send', ...(json ? ['--json'] : [])],
          { out: (line) => lines.push(line), err: (line) => lines.push(line) }
        );
        expect(code).toBe(0);
        const emails = await emulator.emails();
        expect(emails.map(({ destination }) => destination.to)).toEqual([['ada@example.com']]);
        if (!json) {
          expect(lines.join('\n')).toMatch(/^No check failed \(SES region eu-west-1\)/m);
          continue;
        }
        const report = JSON.parse(lines.join('\n')) as DoctorReport;
        expect(report.ok).toBe(true);
        const byId = Object.fromEntries(report.checks.map((check) => [check.id, check]));
        // Only the config, the credentials and the test send can be checked there.
        const checked: Partial<Record<DoctorCheckId, string>> = {
          config: 'pass',
          credentials: 'pass',
          'test-send': 'pass',
        };
        expect(Object.fromEntries(report.checks.map(({ id, status }) => [id, status]))).toEqual(
          Object.fromEntries(doctorCheckIds.map((id) => [id, checked[id] ?? 'skip']))
        );
        for (const [id, operation] of [
          ['account', 'GetAccount'],
          ['sender-identity', 'GetEmailIdentity'],
          ['configuration-set', 'GetConfigurationSet'],
          ['recipient', 'GetSuppressedDestination'],
        ] as const) {
          expect(byId[id]?.summary).toBe(
            `Not checked: this endpoint (${host}) does not implement ${operation}; checked on Amazon SES only.`
          );
        }
        expect(byId['test-send']?.summary).toContain('Sent the Generic test email');
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
