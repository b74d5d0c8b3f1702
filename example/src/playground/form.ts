import { type formItems } from 'connector-aws-ses';

import { ConnectorConfigFormItemType as ItemType } from '../host-kit.js';
import { type SafeHtml, html } from '../html.js';

/** One item of a connector's `metadata.formItems`, as the Admin Console renders it. */
export type FormItem = (typeof formItems)[number];

/**
 * The form's state, as the Console keeps it: text, numbers and JSON as typed (strings), switches
 * as booleans, multi-selects as string arrays.
 */
export type FormValues = Record<string, string | boolean | string[]>;

/** A problem the Console's form reports before anything is sent, by item key. */
export type FormErrors = Record<string, string>;

/** The name of an item's field in the HTML form. */
export const fieldName = (key: string): string => `config.${key}`;

const emptyValue = (item: FormItem): string | boolean | string[] => {
  switch (item.type) {
    case ItemType.Switch: {
      return false;
    }
    case ItemType.MultiSelect: {
      return [];
    }
    default: {
      return '';
    }
  }
};

/** A config value (a default, a prefilled value) as the form shows it. */
const toFormValue = (item: FormItem, value: unknown): string | boolean | string[] => {
  if (value === undefined || value === null) {
    return emptyValue(item);
  }
  switch (item.type) {
    case ItemType.Switch: {
      return value === true;
    }
    case ItemType.MultiSelect: {
      return Array.isArray(value) ? value.map(String) : [];
    }
    case ItemType.Json: {
      return JSON.stringify(value, null, 2);
    }
    default: {
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
};

/** A new form: each item's `defaultValue`, overridden by `prefill` (a partial config). */
export const initialFormValues = (
  items: readonly FormItem[],
  prefill: Record<string, unknown> = {}
): FormValues =>
  Object.fromEntries(
    items.map((item) => [item.key, toFormValue(item, prefill[item.key] ?? item.defaultValue)])
  );

type Body = Record<string, unknown>;

const firstString = (value: unknown): string => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
};

/** The form's state from a posted (urlencoded) form. */
export const readFormValues = (items: readonly FormItem[], body: Body): FormValues =>
  Object.fromEntries(
    items.map((item): [string, string | boolean | string[]] => {
      const raw = body[fieldName(item.key)];
      switch (item.type) {
        case ItemType.Switch: {
          return [item.key, firstString(raw) === 'on'];
        }
        case ItemType.MultiSelect: {
          const values: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
          return [item.key, values.filter((value): value is string => typeof value === 'string')];
        }
        default: {
          return [item.key, firstString(raw)];
        }
      }
    })
  );

/** The value an item contributes to the config (and to other items' show conditions). */
const configValue = (
  item: FormItem,
  value: string | boolean | string[] | undefined
): { value?: unknown; error?: string } => {
  if (value === undefined || value === '') {
    // The Console drops empty strings from the config it sends.
    return item.required ? { error: `${item.label} is required.` } : {};
  }
  switch (item.type) {
    case ItemType.Number: {
      const number = Number(value);
      return Number.isFinite(number) ? { value: number } : { error: `${item.label} must be a number.` };
    }
    case ItemType.Json: {
      try {
        return { value: JSON.parse(String(value)) as unknown };
      } catch (error: unknown) {
        return {
          error: `${item.label}: invalid JSON (${error instanceof Error ? error.message : 'unreadable'}).`,
        };
      }
    }
    case ItemType.MultiSelect: {
      return item.required && Array.isArray(value) && value.length === 0
        ? { error: `${item.label} is required.` }
        : { value };
    }
    default: {
      return { value };
    }
  }
};

/** Whether the Console shows an item: every show condition matches exactly (strict equality). */
export const isShown = (item: FormItem, items: readonly FormItem[], values: FormValues): boolean =>
  (item.showConditions ?? []).every(({ targetKey, expectValue }) => {
    const target = items.find(({ key }) => key === targetKey);
    return target !== undefined && configValue(target, values[targetKey]).value === expectValue;
  });

/**
 * The config the Console's "Send test email" sends for this form: shown items only, empty
 * strings dropped, numbers and JSON parsed; or the form errors that stop it from sending.
 */
export const toConfig = (
  items: readonly FormItem[],
  values: FormValues
): { config: Record<string, unknown>; errors: FormErrors } => {
  const config: Record<string, unknown> = {};
  const errors: FormErrors = {};
  for (const item of items) {
    if (!isShown(item, items, values)) {
      continue;
    }
    const result = configValue(item, values[item.key]);
    if (result.error !== undefined) {
      errors[item.key] = result.error;
    } else if ('value' in result) {
      config[item.key] = result.value;
    }
  }
  return { config, errors };
};

/** The Console masks confidential items, and Text items whose key ends in "Key" or "Secret". */
export const isMasked = (item: FormItem): boolean =>
  item.type === ItemType.Text && (item.isConfidential === true || /(?:Key|Secret)$/.test(item.key));

const asText = (value: string | boolean | string[] | undefined): string =>
  typeof value === 'string' ? value : '';

const control = (item: FormItem, value: string | boolean | string[] | undefined, id: string): SafeHtml => {
  const name = fieldName(item.key);
  const describedBy = `${id}-help`;
  switch (item.type) {
    case ItemType.Switch: {
      return html`<input
        type="checkbox"
        id="${id}"
        name="${name}"
        ${value === true && html`checked`}
        aria-describedby="${describedBy}"
      />`;
    }
    case ItemType.Select: {
      return html`<select id="${id}" name="${name}" aria-describedby="${describedBy}">
        ${!item.required && html`<option value=""></option>`}
        ${item.selectItems.map(
          (option) =>
            html`<option value="${option.value}" ${value === option.value && html`selected`}>
              ${option.title}
            </option>`
        )}
      </select>`;
    }
    case ItemType.MultiSelect: {
      const selected = Array.isArray(value) ? value : [];
      return html`<fieldset id="${id}" aria-describedby="${describedBy}">
        ${item.selectItems.map(
          (option) =>
            html`<label class="choice"
              ><input
                type="checkbox"
                name="${name}"
                value="${option.value}"
                ${selected.includes(option.value) && html`checked`}
              />
              ${option.value}</label
            >`
        )}
      </fieldset>`;
    }
    case ItemType.MultilineText:
    case ItemType.Json: {
      // As tall as the text, within reason.
      const rows = Math.min(Math.max(asText(value).split('\n').length, 3), 14);
      return html`<textarea
        id="${id}"
        name="${name}"
        rows="${rows}"
        spellcheck="false"
        placeholder="${item.placeholder}"
        aria-describedby="${describedBy}"
      >
${asText(value)}</textarea>`;
    }
    case ItemType.Number: {
      return html`<input
        type="number"
        id="${id}"
        name="${name}"
        value="${asText(value)}"
        placeholder="${item.placeholder}"
        aria-describedby="${describedBy}"
      />`;
    }
    default: {
      return html`<input
        type="${isMasked(item) ? 'password' : 'text'}"
        id="${id}"
        name="${name}"
        value="${asText(value)}"
        placeholder="${item.placeholder}"
        autocomplete="off"
        aria-describedby="${describedBy}"
      />`;
    }
  }
};

/** One item as a labelled field: required mark, description, tooltip and the form's error. */
export const renderField = (
  item: FormItem,
  value: string | boolean | string[] | undefined,
  error?: string
): SafeHtml => {
  const id = `field-${item.key}`;
  return html`<div
    class="field${error !== undefined ? ' invalid' : ''}"
    data-key="${item.key}"
    data-type="${item.type}"
  >
    <label for="${id}" title="${item.tooltip}"
      >${item.label}${item.required && html`<span class="required" aria-label="required">*</span>`}${item.isDevFeature && html` <small>(dev feature)</small>`}</label
    >
    ${control(item, value, id)}
    <p class="help" id="${id}-help">${item.description}</p>
    ${error !== undefined && html`<p class="error" role="alert">${error}</p>`}
  </div>`;
};

/** Every shown item of the form, in the connector's order. */
export const renderFields = (
  items: readonly FormItem[],
  values: FormValues,
  errors: FormErrors = {}
): SafeHtml =>
  html`${items.filter((item) => isShown(item, items, values)).map((item) => renderField(item, values[item.key], errors[item.key]))}`;
