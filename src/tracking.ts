import { type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { z } from 'zod';

/**
 * The values of {@link AwsSesConfig.tracking}: `off` (the default) turns SES open and click
 * tracking off for every email; `configuration-set` leaves it to the account and the
 * configuration set.
 */
export const trackingModes = ['off', 'configuration-set'] as const;

/** One of {@link trackingModes}. */
export type TrackingMode = (typeof trackingModes)[number];

/** The guard of the `tracking` config field (absent means `off`). */
export const trackingGuard = z.enum(trackingModes, {
  errorMap: () => ({
    message:
      'tracking must be "off" (no open or click tracking on sign-in email, the default) or "configuration-set" (leave tracking to the account and the configuration set).',
  }),
});

/**
 * The `ConfigurationOverrides` of a `SendEmail`: open and click tracking `DISABLED` (no tracking
 * pixel, no link rewriting, whatever the account or the configuration set says), or nothing for
 * `configuration-set`.
 */
export const trackingOverridesFor = (
  tracking: TrackingMode | undefined
): Pick<SendEmailCommandInput, 'ConfigurationOverrides'> =>
  tracking === 'configuration-set'
    ? {}
    : {
        ConfigurationOverrides: {
          Tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'DISABLED' },
        },
      };
