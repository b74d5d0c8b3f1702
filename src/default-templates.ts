import { TemplateType } from '@logto/connector-kit';

import { type EmailTemplate } from './config.js';

const codeBlock = '<p style="font-size:28px;font-weight:bold;letter-spacing:6px;margin:24px 0">{{code}}</p>';
const expiry = '<p>The code expires in 10 minutes.</p>';
const ignore = (action: string) =>
  `<p style="color:#666">If you did not ${action}, you can ignore this email: nothing changes without the code.</p>`;

const codeEmail = (
  usageType: TemplateType,
  subject: string,
  lead: string,
  action: string
): EmailTemplate => ({
  usageType,
  subject,
  content: `<p>${lead}</p>${codeBlock}${expiry}${ignore(action)}`,
  contentType: 'text/html',
});

/**
 * The templates a new connector starts with: one per Logto usage type, HTML, using only
 * placeholders Logto always sends for that type (`{{code}}`; `{{link}}` and
 * `{{organization.name}}` for invitations), so none shows a raw placeholder.
 */
export const defaultTemplates: EmailTemplate[] = [
  codeEmail(
    TemplateType.SignIn,
    'Your sign-in code is {{code}}',
    'Use this code to sign in:',
    'try to sign in'
  ),
  codeEmail(
    TemplateType.Register,
    'Your verification code is {{code}}',
    'Welcome! Use this code to verify your email address and create your account:',
    'try to create an account'
  ),
  codeEmail(
    TemplateType.ForgotPassword,
    'Your password reset code is {{code}}',
    'Use this code to reset your password:',
    'ask to reset your password'
  ),
  {
    usageType: TemplateType.OrganizationInvitation,
    subject: 'You are invited to join {{organization.name}}',
    content:
      '<p>You have been invited to join <strong>{{organization.name}}</strong>.</p><p><a href="{{link}}">Accept the invitation</a></p><p style="color:#666">If you were not expecting this invitation, you can ignore this email.</p>',
    contentType: 'text/html',
  },
  codeEmail(
    TemplateType.Generic,
    'Your verification code is {{code}}',
    'Your verification code is:',
    'request this code'
  ),
  codeEmail(
    TemplateType.UserPermissionValidation,
    'Confirm it is you: {{code}}',
    'Use this code to confirm it is you before changing your account:',
    'try to change your account'
  ),
  codeEmail(
    TemplateType.BindNewIdentifier,
    'Verify your new email address: {{code}}',
    'Use this code to link this email address to your account:',
    'try to link this address'
  ),
  codeEmail(
    TemplateType.MfaVerification,
    'Your two-step verification code is {{code}}',
    'Use this code to finish signing in with two-step verification:',
    'try to sign in'
  ),
  codeEmail(
    TemplateType.BindMfa,
    'Set up email two-step verification: {{code}}',
    'Use this code to turn on email as your two-step verification method:',
    'try to set up two-step verification'
  ),
];
