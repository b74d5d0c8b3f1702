import escapeHtml from 'escape-html';

/** Markup that is already safe to send: built by {@link html}, never from raw user input. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What may stand in a `${}` of {@link html}: text is escaped, SafeHtml is kept, lists are joined. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const render = (value: HtmlValue): string => {
  if (value instanceof SafeHtml) {
    return value.text;
  }
  if (Array.isArray(value)) {
    return (value as readonly HtmlValue[]).map(render).join('');
  }
  if (value === null || value === undefined || value === false) {
    return '';
  }
  return escapeHtml(String(value));
};

/**
 * A template tag for HTML: every interpolated value is escaped unless it is itself the result of
 * `html`. `null`, `undefined` and `false` render nothing, so `${cond && html`…`}` works.
 */
export const html = (strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml =>
  new SafeHtml(
    values.reduce<string>(
      (out, value, index) => out + render(value) + (strings[index + 1] ?? ''),
      strings[0]!
    )
  );

/** The common page frame; the playground link shows only when the playground is on. */
export const page = ({
  title,
  body,
  playground,
  wide = false,
}: {
  title: string;
  body: SafeHtml;
  playground: boolean;
  /** A wider page, for the playground's two columns. */
  wide?: boolean;
}): string =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>
        <header>
          <nav>
            <a href="/">Home</a>
            ${playground && html`<a href="/playground">Connector playground</a>`}
            <a href="/setup">Setup</a>
          </nav>
        </header>
        <main class="${wide ? 'wide' : ''}">${body}</main>
      </body>
    </html> `.text;
