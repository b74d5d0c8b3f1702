/**
 * The doctor's `ses-templates` check: every template `sesTemplates` names exists in SES
 * (`GetEmailTemplate`) and renders with the data Logto sends with every email of its usage type
 * (`TestRenderEmailTemplate`), so a variable Logto does not send is found before SES drops a
 * sign-in email for it.
 */
import { GetEmailTemplateCommand, TestRenderEmailTemplateCommand } from '@aws-sdk/client-sesv2';
import { TemplateType } from '@logto/connector-kit';

import { type UsageType } from '../config.js';
import { quoteScrubbed } from '../redact.js';
import { readFailureKind, readWithin } from '../ses-read.js';
import { isTemplateArn, templateNameOf } from '../ses-templates.js';

import { type DoctorContext, readFailure } from './checks.js';
import { type DoctorCheck, failedCheck } from './report.js';

const application = { id: 'sample-app', name: 'Sample App', displayName: 'Sample', branding: {} };
const user = { id: 'sample-user', name: 'Ada Lovelace', username: 'ada', primaryEmail: 'ada@example.com' };
const organization = { id: 'sample-org', name: 'Sample Org', branding: {} };

/** What a sign-in flow's email always carries (Experience API). */
const experiencePayload = { code: '123456', locale: 'en', application };
/** What an account flow's email always carries (verification of the signed-in user). */
const accountPayload = { code: '123456', user };

/**
 * A sample of what Logto sends with every email of each usage type: a template that renders with
 * it uses nothing Logto may leave out. (`organization` in a sign-in flow, `inviter` in an
 * invitation, are sent only sometimes: templates need `{{#if …}}` around them.)
 */
export const sampleLogtoPayloads: Record<UsageType, Record<string, unknown>> = {
  [TemplateType.SignIn]: experiencePayload,
  [TemplateType.Register]: experiencePayload,
  [TemplateType.ForgotPassword]: experiencePayload,
  [TemplateType.MfaVerification]: experiencePayload,
  [TemplateType.BindMfa]: accountPayload,
  [TemplateType.UserPermissionValidation]: accountPayload,
  [TemplateType.BindNewIdentifier]: accountPayload,
  [TemplateType.OrganizationInvitation]: {
    link: 'https://auth.example.com/invitation/sample',
    organization,
  },
  [TemplateType.Generic]: { code: '000000' },
};

type Problem = { summary: string; fix: string };

/** The region of a template ARN, or `undefined` for a name. */
const arnRegion = (reference: string): string | undefined =>
  isTemplateArn(reference) ? reference.split(':')[3] : undefined;

/** Checks one template; a problem, `undefined` when it is fine, or a read failure to report as is. */
const checkOne = async (
  doctor: DoctorContext,
  usageType: UsageType,
  reference: string
): Promise<Problem | DoctorCheck | undefined> => {
  const { client, config, context } = doctor;
  const name = templateNameOf(reference);
  const elsewhere = arnRegion(reference);
  if (elsewhere !== undefined && elsewhere !== config.region) {
    return {
      summary: `${usageType}: the template ARN is in ${elsewhere}, not ${config.region}, so it was not read.`,
      fix: `Run the doctor with a config whose region is ${elsewhere} to check it, or store the template in ${config.region}.`,
    };
  }
  try {
    await readWithin(
      async (abortSignal) =>
        client.send(new GetEmailTemplateCommand({ TemplateName: name }), { abortSignal }),
      config.timeoutMs
    );
  } catch (error: unknown) {
    if (readFailureKind(error) === 'notFound') {
      return {
        summary: `${usageType}: the SES template ${name} does not exist in ${config.region}.`,
        fix: `Create ${name} in the SES console for ${config.region} (Email templates), or correct sesTemplates.${usageType}.`,
      };
    }
    return readFailure('ses-templates', 'GetEmailTemplate', error, doctor);
  }
  try {
    await readWithin(
      async (abortSignal) =>
        client.send(
          new TestRenderEmailTemplateCommand({
            TemplateName: name,
            TemplateData: JSON.stringify(sampleLogtoPayloads[usageType]),
          }),
          { abortSignal }
        ),
      config.timeoutMs
    );
  } catch (error: unknown) {
    // SES answers a template its data cannot fill with a BadRequestException naming the variable.
    if ((error as { name?: unknown } | null)?.name === 'BadRequestException') {
      return {
        summary: `${usageType}: the SES template ${name} does not render with the data Logto sends with every ${usageType} email (SES said: "${quoteScrubbed(error instanceof Error ? error.message : String(error), context.secrets)}").`,
        fix: `Use only values Logto sends with every ${usageType} email (${Object.keys(sampleLogtoPayloads[usageType]).join(', ')}) in ${name}, or wrap the others in {{#if …}}…{{/if}}: SES drops an email whose template names a value its data lacks.`,
      };
    }
    return readFailure('ses-templates', 'TestRenderEmailTemplate', error, doctor);
  }
  return undefined;
};

/**
 * `ses-templates`: skipped without `sesTemplates`; else every named template must exist in the
 * config's region and render with a sample of the Logto payload of its usage type.
 */
export const checkSesTemplates = async (doctor: DoctorContext): Promise<DoctorCheck> => {
  const entries = Object.entries(doctor.config.sesTemplates ?? {}) as Array<[UsageType, string]>;
  if (entries.length === 0) {
    return { id: 'ses-templates', status: 'skip', summary: 'No sesTemplates in the config.' };
  }
  const results = await Promise.all(
    entries.map(async ([usageType, reference]) => checkOne(doctor, usageType, reference))
  );
  const readFailed = results.find((result): result is DoctorCheck => result !== undefined && 'id' in result);
  const problems = results.filter((result): result is Problem => result !== undefined && !('id' in result));
  if (problems.length > 0) {
    return failedCheck('ses-templates', problems);
  }
  if (readFailed) {
    return readFailed;
  }
  return {
    id: 'ses-templates',
    status: 'pass',
    summary: `${entries.length} SES template${entries.length === 1 ? '' : 's'} exist in ${doctor.config.region} and render with the data Logto sends: ${entries.map(([usageType, reference]) => `${usageType} → ${templateNameOf(reference)}`).join(', ')}.`,
  };
};
