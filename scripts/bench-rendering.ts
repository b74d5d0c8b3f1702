/**
 * What HTML rendering costs per send, and what the safety net adds (src/html-template.ts): the
 * rendered email re-read with parse5 and compared with the template's elements, which runs only
 * when a value holds a markup character (< > " ' `). Prints figures; asserts nothing.
 *
 *   npx tsx scripts/bench-rendering.ts [--sends 2000]
 */
import { parseArgs } from 'node:util';

import { defaultTemplates } from '../src/default-templates.js';
import { compileHtmlTemplate, renderHtml } from '../src/html-template.js';

const { values: options } = parseArgs({ options: { sends: { type: 'string', default: '2000' } } });
const sends = Number(options.sends);

/** The default invitation, and an invitation as a designer might write it (about 3 KB). */
const templates = {
  'default invitation (0.5 KB)':
    defaultTemplates.find(({ usageType }) => usageType === 'OrganizationInvitation')?.content ?? '',
  'invitation, whole document (3 KB)':
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{organization.name}}</title>' +
    '<style>body{font-family:Arial,sans-serif}td{padding:8px}.button{background:#5d34f2;color:#fff}</style></head><body>' +
    '<!--[if mso]><table width="600"><tr><td><![endif]-->' +
    '<table role="presentation" width="100%"><tr><td><svg viewBox="0 0 10 10" role="img"><title>{{application.name}}</title><path d="M0 0h10v10H0z"/></svg></td></tr>' +
    '<tr><td><h1>Join {{organization.name}}</h1><p>{{inviter.name}} invites you to {{organization.name}} on {{application.name}}.</p></td></tr>'.repeat(
      4
    ) +
    '<tr><td><!--[if mso]><v:roundrect href="{{link}}" style="width:200px"><center>Accept</center></v:roundrect><![endif]-->' +
    '<!--[if !mso]><!--><a class="button" href="{{link}}">Accept</a><!--<![endif]--></td></tr>' +
    '<tr><td style="color:#666">Sent to {{user.primaryEmail}}. Your code: {{code}}</td></tr></table>' +
    '<!--[if mso]></td></tr></table><![endif]--></body></html>',
};

const payloadWith = (name: string) => ({
  code: '123456',
  link: 'https://example.com/invite?id=42',
  application: { name: 'Acme Console' },
  organization: { name },
  inviter: { name: 'Ada Lovelace' },
  user: { primaryEmail: 'bob@example.com' },
});

/** Microseconds per call, the median of five rounds of `sends` calls. */
const microsecondsPer = (run: () => unknown): number => {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const started = performance.now();
    for (let send = 0; send < sends; send += 1) {
      run();
    }
    rounds.push(((performance.now() - started) * 1000) / sends);
  }
  return rounds.sort((a, b) => a - b)[2] ?? Number.NaN;
};

const rows: string[] = [];
for (const [name, template] of Object.entries(templates)) {
  const started = performance.now();
  const compiled = compileHtmlTemplate(template);
  const compileMs = performance.now() - started;
  const plain = payloadWith('Acme');
  const markup = payloadWith("O'Brien & Sons");
  // Warm-up.
  microsecondsPer(() => renderHtml(compiled, markup, 'template'));
  const withoutMarkup = microsecondsPer(() => renderHtml(compiled, plain, 'template'));
  const netOff = microsecondsPer(() => renderHtml(compiled, markup, 'template', { safetyNet: false }));
  const netOn = microsecondsPer(() => renderHtml(compiled, markup, 'template'));
  rows.push(
    `| ${name} | ${compileMs.toFixed(1)} ms | ${withoutMarkup.toFixed(1)} µs | ${netOff.toFixed(1)} µs | ${netOn.toFixed(1)} µs | +${(netOn - netOff).toFixed(1)} µs |`
  );
}

console.log(`Node ${process.version}, ${sends} renders per round, median of 5 rounds\n`);
console.log(
  '| template | compile (once, cold) | render, plain values | render, a name with an apostrophe (net off) | same, net on | net costs |'
);
console.log('|---|---|---|---|---|---|');
console.log(rows.join('\n'));
