import type * as ConnectorKit from '@logto/connector-kit';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The copy of `@logto/connector-kit` that the connector itself imports.
 *
 * In Logto, core and every connector share core's copy of the kit, and core recognises a
 * connector's failure with `error instanceof ConnectorError`. A second copy (say, one installed
 * in this app's own node_modules) has its own `ConnectorError` class, and that check fails for
 * every error the connector throws. So this app does not depend on the kit: it loads the very
 * module the connector resolves, and its `instanceof` checks behave as core's do.
 */
const requireHere = createRequire(import.meta.url);
const connectorEntry = requireHere.resolve('connector-aws-ses');
const kitEntry = createRequire(connectorEntry).resolve('@logto/connector-kit');

export const hostKit = (await import(pathToFileURL(kitEntry).href)) as typeof ConnectorKit;

export const { ConnectorError, ConnectorErrorCodes, ConnectorConfigFormItemType } = hostKit;
