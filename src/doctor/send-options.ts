import { type ParsedConfig } from '../config.js';
import { entityRefIdHeader } from '../message-headers.js';

/**
 * The send options of a config in a few words, for the doctor's `config` line: tracking, the
 * `X-Entity-Ref-ID` header, custom headers and the SES tenant.
 *
 * @example
 * ```ts
 * describeSendOptions(config); // 'open and click tracking off, X-Entity-Ref-ID on, 1 custom header (X-Logto-Tenant)'
 * ```
 */
export const describeSendOptions = (config: ParsedConfig): string => {
  const headers = config.headers ?? [];
  return [
    config.tracking === 'configuration-set'
      ? 'tracking as the account and configuration set say'
      : 'open and click tracking off',
    `${entityRefIdHeader} ${config.entityRefId === 'off' ? 'off' : 'on'}`,
    ...(headers.length > 0
      ? [
          `${headers.length} custom header${headers.length === 1 ? '' : 's'} (${headers.map(({ Name }) => Name).join(', ')})`,
        ]
      : []),
    ...(config.tenantName ? [`SES tenant ${config.tenantName}`] : []),
  ].join(', ');
};
