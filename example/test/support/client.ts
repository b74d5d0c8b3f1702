import { type HTMLElement, parse } from 'node-html-parser';

/** A textarea's value as a browser reads it: HTML drops one newline right after the start tag. */
export const textareaValue = (element: HTMLElement | null | undefined): string | undefined =>
  element?.textContent.replace(/^\r?\n/, '');

/** A response, its body parsed as HTML. */
export type Page = { status: number; headers: Headers; text: string; document: HTMLElement };

/**
 * A cookie-keeping HTTP client for the server tests: what a browser does for one site, minus
 * JavaScript (the app has none). Redirects are not followed, so tests see them.
 */
export class Client {
  private readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** The form fields of `selector`, as a browser would send them (checked boxes only). */
  static formFields(document: HTMLElement, selector: string): Array<[string, string]> {
    const form = document.querySelector(selector);
    if (!form) {
      throw new Error(`No ${selector} on the page.`);
    }
    const fields: Array<[string, string]> = [];
    for (const element of form.querySelectorAll('input, textarea, select')) {
      const name = element.getAttribute('name');
      if (!name) {
        continue;
      }
      const type = element.getAttribute('type');
      if (element.tagName === 'TEXTAREA') {
        fields.push([name, textareaValue(element) ?? '']);
      } else if (element.tagName === 'SELECT') {
        const selected = element.querySelector('option[selected]') ?? element.querySelector('option');
        fields.push([name, selected?.getAttribute('value') ?? '']);
      } else if (type === 'checkbox') {
        if (element.hasAttribute('checked')) {
          fields.push([name, element.getAttribute('value') ?? 'on']);
        }
      } else {
        fields.push([name, element.getAttribute('value') ?? '']);
      }
    }
    return fields;
  }

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(new URL(path, this.origin), { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, document: parse(text) };
  }

  async get(path: string): Promise<Page> {
    return this.request(path);
  }

  /** Posts a urlencoded form. */
  async post(
    path: string,
    fields: Array<[string, string]>,
    headers: Record<string, string> = {}
  ): Promise<Page> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Loads `path` and submits its form `selector`, with some fields replaced. */
  async submit(path: string, selector: string, changes: Record<string, string> = {}): Promise<Page> {
    const page = await this.get(path);
    const form = page.document.querySelector(selector);
    const action = form?.getAttribute('action') ?? path;
    const fields = Client.formFields(page.document, selector).map(([name, value]): [string, string] => [
      name,
      changes[name] ?? value,
    ]);
    return this.post(action, fields);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
}
