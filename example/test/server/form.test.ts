/**
 * The playground's form for every item type the Console knows, with a made-up connector's
 * formItems: rendering, reading a posted form, and the config the Console would send.
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';

import { ConnectorConfigFormItemType as ItemType } from '../../src/host-kit.js';
import {
  type FormItem,
  initialFormValues,
  isMasked,
  isShown,
  readFormValues,
  renderFields,
  toConfig,
} from '../../src/playground/form.js';
import { textareaValue } from '../support/client.js';

const items: FormItem[] = [
  { key: 'apiKey', label: 'API key', type: ItemType.Text, required: true, placeholder: 'key-…' },
  { key: 'name', label: 'Name', type: ItemType.Text, tooltip: 'Shown to users', isDevFeature: true },
  { key: 'password', label: 'Password', type: ItemType.Text, isConfidential: true },
  { key: 'retries', label: 'Retries', type: ItemType.Number, defaultValue: 3 },
  { key: 'notes', label: 'Notes', type: ItemType.MultilineText, defaultValue: 'line 1\nline 2' },
  { key: 'sandbox', label: 'Sandbox', type: ItemType.Switch, defaultValue: true },
  {
    key: 'sandboxRegion',
    label: 'Sandbox region',
    type: ItemType.Select,
    required: true,
    selectItems: [
      { value: 'eu', title: 'Europe' },
      { value: 'us', title: 'United States' },
    ],
    showConditions: [{ targetKey: 'sandbox', expectValue: true }],
  },
  { key: 'mode', label: 'Mode', type: ItemType.Select, selectItems: [{ value: 'fast', title: 'Fast' }] },
  {
    key: 'channels',
    label: 'Channels',
    type: ItemType.MultiSelect,
    selectItems: [{ value: 'a' }, { value: 'b' }],
  },
  { key: 'extra', label: 'Extra', type: ItemType.Json, defaultValue: { a: 1 } },
];

const posted = (fields: Record<string, string | string[]>) =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [`config.${key}`, value]));

describe('a new form', () => {
  it('starts from the defaults, typed as the Console keeps them', () => {
    expect(initialFormValues(items)).toEqual({
      apiKey: '',
      name: '',
      password: '',
      retries: '3',
      notes: 'line 1\nline 2',
      sandbox: true,
      sandboxRegion: '',
      mode: '',
      channels: [],
      extra: '{\n  "a": 1\n}',
    });
  });

  it('takes prefilled values over defaults', () => {
    expect(
      initialFormValues(items, { retries: 5, channels: ['b'], sandbox: false, extra: [] })
    ).toMatchObject({
      retries: '5',
      channels: ['b'],
      sandbox: false,
      extra: '[]',
    });
  });
});

describe('rendering', () => {
  const document = parse(renderFields(items, initialFormValues(items)).text);

  it('uses the input each type needs', () => {
    expect(document.querySelector('#field-apiKey')?.getAttribute('type')).toBe('password');
    expect(document.querySelector('#field-name')?.getAttribute('type')).toBe('text');
    expect(document.querySelector('#field-password')?.getAttribute('type')).toBe('password');
    expect(document.querySelector('#field-retries')?.getAttribute('type')).toBe('number');
    expect(textareaValue(document.querySelector('textarea#field-notes'))).toBe('line 1\nline 2');
    expect(document.querySelector('#field-sandbox')?.getAttribute('type')).toBe('checkbox');
    expect(document.querySelector('#field-sandbox')?.hasAttribute('checked')).toBe(true);
    expect(
      document
        .querySelectorAll('select#field-sandboxRegion option')
        .map((option) => option.textContent.trim())
    ).toEqual(['Europe', 'United States']);
    // An optional select can be left empty.
    expect(
      document.querySelectorAll('select#field-mode option').map((option) => option.getAttribute('value'))
    ).toEqual(['', 'fast']);
    expect(
      document
        .querySelectorAll('#field-channels input[type=checkbox]')
        .map((box) => box.getAttribute('value'))
    ).toEqual(['a', 'b']);
    expect(textareaValue(document.querySelector('textarea#field-extra'))).toBe('{\n  "a": 1\n}');
  });

  it('marks required items, shows tooltips, placeholders and dev features', () => {
    expect(document.querySelector('[data-key=apiKey] .required')).not.toBeNull();
    expect(document.querySelector('[data-key=name] .required')).toBeNull();
    expect(document.querySelector('[data-key=name] label')?.getAttribute('title')).toBe('Shown to users');
    expect(document.querySelector('[data-key=name] label small')?.textContent).toBe('(dev feature)');
    expect(document.querySelector('#field-apiKey')?.getAttribute('placeholder')).toBe('key-…');
  });

  it('escapes what it shows', () => {
    const html = renderFields(items, {
      ...initialFormValues(items),
      name: '"><script>alert(1)</script>',
    }).text;
    expect(html).not.toContain('<script>');
    expect(parse(html).querySelector('#field-name')?.getAttribute('value')).toBe(
      '"><script>alert(1)</script>'
    );
  });

  it('hides items whose show conditions do not hold, and shows errors', () => {
    const values = { ...initialFormValues(items), sandbox: false };
    const hidden = parse(renderFields(items, values, { apiKey: 'API key is required.' }).text);

    expect(hidden.querySelector('[data-key=sandboxRegion]')).toBeNull();
    expect(hidden.querySelector('[data-key=apiKey] .error')?.textContent).toBe('API key is required.');
    expect(hidden.querySelector('[data-key=apiKey]')?.classList.contains('invalid')).toBe(true);
  });
});

describe('the config the Console would send', () => {
  it('parses numbers and JSON, keeps switches and multi-selects, drops empty strings', () => {
    const values = readFormValues(
      items,
      posted({
        apiKey: 'k',
        name: '',
        password: 'p',
        retries: '7',
        notes: 'hello',
        sandbox: 'on',
        sandboxRegion: 'us',
        mode: '',
        channels: ['a', 'b'],
        extra: '{"b": [1]}',
      })
    );

    expect(toConfig(items, values)).toEqual({
      config: {
        apiKey: 'k',
        password: 'p',
        retries: 7,
        notes: 'hello',
        sandbox: true,
        sandboxRegion: 'us',
        channels: ['a', 'b'],
        extra: { b: [1] },
      },
      errors: {},
    });
  });

  it('reads an unchecked switch as false, one checked box as a list, and leaves out hidden items', () => {
    const values = readFormValues(
      items,
      posted({ apiKey: 'k', channels: 'b', sandboxRegion: 'eu', extra: '' })
    );

    expect(values.sandbox).toBe(false);
    expect(values.channels).toEqual(['b']);
    expect(toConfig(items, values).config).toEqual({ apiKey: 'k', sandbox: false, channels: ['b'] });
  });

  it('stops at empty required items, numbers that are not, and broken JSON', () => {
    const values = readFormValues(
      items,
      posted({ retries: 'many', sandbox: 'on', extra: '{', channels: [] })
    );

    expect(toConfig(items, values).errors).toEqual({
      apiKey: 'API key is required.',
      retries: 'Retries must be a number.',
      sandboxRegion: 'Sandbox region is required.',
      extra: expect.stringMatching(/^Extra: invalid JSON \(/) as string,
    });
  });

  it('requires a choice in a required multi-select', () => {
    const required: FormItem[] = [
      {
        key: 'pick',
        label: 'Pick',
        type: ItemType.MultiSelect,
        required: true,
        selectItems: [{ value: 'x' }],
      },
    ];
    expect(toConfig(required, readFormValues(required, {})).errors).toEqual({ pick: 'Pick is required.' });
    expect(toConfig(required, readFormValues(required, posted({ pick: 'x' })))).toEqual({
      config: { pick: ['x'] },
      errors: {},
    });
  });

  it('matches show conditions strictly, against parsed values', () => {
    const numbered: FormItem[] = [
      { key: 'level', label: 'Level', type: ItemType.Number },
      {
        key: 'detail',
        label: 'Detail',
        type: ItemType.Text,
        showConditions: [{ targetKey: 'level', expectValue: 2 }],
      },
      {
        key: 'ghost',
        label: 'Ghost',
        type: ItemType.Text,
        showConditions: [{ targetKey: 'missing', expectValue: 1 }],
      },
    ];
    expect(isShown(numbered[1]!, numbered, { level: '2' })).toBe(true);
    expect(isShown(numbered[1]!, numbered, { level: '3' })).toBe(false);
    expect(isShown(numbered[2]!, numbered, { level: '2' })).toBe(false);
  });

  it('masks Text items that are confidential or whose key ends in Key or Secret', () => {
    expect(items.filter(isMasked).map(({ key }) => key)).toEqual(['apiKey', 'password']);
  });
});
