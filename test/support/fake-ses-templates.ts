/**
 * The stored templates of the fake SES (test/support/fake-ses.ts): `CreateEmailTemplate`,
 * `GetEmailTemplate`, `TestRenderEmailTemplate` and the rendering of a SendEmail whose content is
 * `Content.Template`. Templates are rendered with Handlebars, the language SES templates use,
 * without HTML escaping (SES inserts values as they are).
 *
 * As SES does: `TestRenderEmailTemplate` fails with a `BadRequestException` naming the first
 * variable the data lacks; a SendEmail is accepted whatever the data holds, and a variable the
 * data lacks is a rendering failure afterwards (SES then drops the email and publishes a
 * Rendering Failure event), which the fake records on the request.
 */
import Handlebars from 'handlebars';

/** A template as SES stores it. */
export type FakeSesTemplate = { subject: string; html?: string; text?: string };

/** What rendering a template gave: the three parts, or the rendering failure. */
export type RenderedTemplate =
  { subject: string; html?: string; text?: string } | { renderingFailure: string };

/** An SES answer: a JSON body for 200, or an SES error. */
export type TemplateAnswer =
  | { status: 200; body: unknown }
  | {
      status: 400 | 404;
      name: 'BadRequestException' | 'NotFoundException' | 'AlreadyExistsException';
      message: string;
    };

const handlebars = Handlebars.create();

const notFound = (name: string): TemplateAnswer => ({
  status: 404,
  name: 'NotFoundException',
  message: `Template ${name} does not exist.`,
});

/** `Attribute 'name' is not present in the rendering data.`, from Handlebars' strict-mode error. */
const missingAttribute = (error: unknown): string => {
  const said = error instanceof Error ? error.message : String(error);
  const name = /^"([^"]+)" not defined/.exec(said)?.[1];
  return name === undefined ? said : `Attribute '${name}' is not present in the rendering data.`;
};

/** Renders every part in strict mode: a variable the data lacks is a failure naming it. */
export const renderTemplate = (template: FakeSesTemplate, data: unknown): RenderedTemplate => {
  const render = (source: string) => handlebars.compile(source, { strict: true, noEscape: true })(data);
  try {
    return {
      subject: render(template.subject),
      ...(template.html !== undefined && { html: render(template.html) }),
      ...(template.text !== undefined && { text: render(template.text) }),
    };
  } catch (error: unknown) {
    return { renderingFailure: missingAttribute(error) };
  }
};

const parseData = (text: unknown): unknown => {
  if (typeof text !== 'string') {
    return {};
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** `arn:aws:ses:…:template/NAME` → `NAME`; a name stays as it is. */
export const templateNameOf = ({
  TemplateName,
  TemplateArn,
}: {
  TemplateName?: unknown;
  TemplateArn?: unknown;
}) =>
  typeof TemplateName === 'string'
    ? TemplateName
    : typeof TemplateArn === 'string'
      ? TemplateArn.slice(TemplateArn.indexOf(':template/') + ':template/'.length)
      : '';

/** The template operations the fake answers. */
export type TemplateOperation = 'CreateEmailTemplate' | 'GetEmailTemplate' | 'TestRenderEmailTemplate';

/** Answers one template operation from (and, for CreateEmailTemplate, into) `templates`. */
export const answerTemplateOperation = (
  operation: TemplateOperation,
  parameter: string | undefined,
  body: Record<string, unknown> | undefined,
  templates: Map<string, FakeSesTemplate>
): TemplateAnswer => {
  switch (operation) {
    case 'CreateEmailTemplate': {
      const name = typeof body?.TemplateName === 'string' ? body.TemplateName : '';
      const content = (body?.TemplateContent ?? {}) as { Subject?: string; Html?: string; Text?: string };
      if (templates.has(name)) {
        return { status: 400, name: 'AlreadyExistsException', message: `Template ${name} already exists.` };
      }
      templates.set(name, {
        subject: content.Subject ?? '',
        ...(content.Html !== undefined && { html: content.Html }),
        ...(content.Text !== undefined && { text: content.Text }),
      });
      return { status: 200, body: {} };
    }
    case 'GetEmailTemplate': {
      const name = parameter ?? '';
      const template = templates.get(name);
      return template
        ? {
            status: 200,
            body: {
              TemplateName: name,
              TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text },
            },
          }
        : notFound(name);
    }
    case 'TestRenderEmailTemplate': {
      const name = parameter ?? '';
      const template = templates.get(name);
      if (!template) {
        return notFound(name);
      }
      const data = parseData(body?.TemplateData);
      if (data === undefined) {
        return { status: 400, name: 'BadRequestException', message: 'TemplateData is not valid JSON.' };
      }
      const rendered = renderTemplate(template, data);
      if ('renderingFailure' in rendered) {
        return { status: 400, name: 'BadRequestException', message: rendered.renderingFailure };
      }
      const parts = [`Subject: ${rendered.subject}`, '', rendered.text ?? '', rendered.html ?? ''];
      return { status: 200, body: { RenderedTemplate: parts.join('\r\n') } };
    }
  }
};

/**
 * What SES does with a SendEmail whose content is a stored template: `undefined` when the
 * content is not one; a NotFoundException answer for an unknown template; else the rendering
 * (or its failure), recorded while the send itself is accepted.
 */
export const renderSendEmailTemplate = (
  content: unknown,
  templates: Map<string, FakeSesTemplate>
): { answer: TemplateAnswer } | { rendered: RenderedTemplate } | undefined => {
  const template = (content as { Template?: Record<string, unknown> } | undefined)?.Template;
  if (!template) {
    return undefined;
  }
  const name = templateNameOf(template);
  const stored = templates.get(name);
  if (!stored) {
    return { answer: notFound(name) };
  }
  const data = parseData(template.TemplateData);
  return {
    rendered:
      data === undefined
        ? { renderingFailure: 'TemplateData is not valid JSON.' }
        : renderTemplate(stored, data),
  };
};
