// Sends one email through the built connector (lib/index.js) to a local SES emulator
// (aws-ses-v2-local on 127.0.0.1), the way Logto's "Send test email" does, and prints what
// the emulator received. No AWS account needed. Run `npm run build` first.
import createConnector, { defaultTemplates } from '../lib/index.js';

const { default: emulator } = await import('aws-ses-v2-local');
const server = await emulator.default({ host: '127.0.0.1', port: 0 });
const { port } = server.address();
const endpoint = `http://127.0.0.1:${port}`;

const config = {
  region: 'us-east-1',
  emailAddress: 'Logto <noreply@example.com>',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'local-emulator-does-not-check-this',
  endpoint,
  templates: defaultTemplates,
};

const connector = await createConnector({ getConfig: async () => config });
const messageId = await connector.sendMessage(
  { to: 'you@example.com', type: 'Generic', payload: { code: '000000' } },
  config
);
const { emails } = await (await fetch(`${endpoint}/store`)).json();
const [email] = emails;
console.log(`Sent ${messageId} through ${endpoint}`);
console.log(
  `From: ${email.from}\nTo: ${email.destination.to.join(', ')}\nSubject: ${email.subject}\n\n${email.body.text}`
);
server.close();
