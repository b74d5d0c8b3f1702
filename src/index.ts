import { type CreateConnector, type EmailConnector, ConnectorType } from '@logto/connector-kit';

import { configGuard } from './config.js';
import { metadata } from './metadata.js';
import { createSendMessage } from './send-message.js';

/**
 * The connector factory Logto imports from `lib/index.js`. Logto calls it at start-up and again
 * on almost every send, so it only wires things together; the SES clients live at module level.
 */
const createConnector: CreateConnector<EmailConnector> = ({ getConfig, getI18nEmailTemplate }) =>
  Promise.resolve({
    metadata,
    type: ConnectorType.Email,
    configGuard,
    sendMessage: createSendMessage({ getConfig, getI18nEmailTemplate }),
  });

export default createConnector;

// The public API, each export listed in docs/api.md (test/package/api-docs.test.ts checks the
// list): what a Logto operator, a host, a test or a script needs, and `doctorCommand` for lib/cli.js.
export { resetConnectorState } from './caches.js';
export {
  type AwsSesConfig,
  type EmailTemplate,
  type ParsedConfig,
  type RetryPolicy,
  configGuard,
  defaultTimeoutMs,
  parseConfig,
  usageTypeTagName,
} from './config.js';
export { defaultTemplates } from './default-templates.js';
export { type EntityRefIdMode } from './message-headers.js';
export { type TrackingMode } from './tracking.js';
export { type SesErrorData, configIssuesOf, errorDescriptionOf } from './errors.js';
export { type Diagnosis, type SenderIdentityDiagnosis } from './diagnosis.js';
export { type DoctorOutput, doctorCommand } from './doctor/command.js';
export {
  type DoctorCheck,
  type DoctorCheckId,
  type DoctorCheckStatus,
  type DoctorReport,
  doctorCheckIds,
  formatDoctorReport,
  statusSymbols,
} from './doctor/report.js';
export { type DoctorOptions, runDoctor } from './doctor/run-doctor.js';
export { sesRegions } from './regions.js';
export { connectorId, formItems, metadata } from './metadata.js';
