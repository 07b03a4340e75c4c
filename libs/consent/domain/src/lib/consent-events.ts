import { InitialConsentChoicesV1 } from '@salon/contracts';
import { Event } from '@salon/shared/ddd';
import { ConsentCloseReason } from './consent-commands';
import { ConsentPermission, ConsentPermissions, ConsentSource, MarketingPermission, SmsPermission } from './consent-permissions';
import { MarketingConsentEvidence } from './marketing-consent-evidence';

/**
 * Who, where and through what, in every event (when is the event's own `...At`). `actorId` and
 * `salonId` come from the command metadata; null when the causing message did not carry them.
 */
export interface ConsentChangeOrigin {
  readonly source: ConsentSource;
  readonly actorId: string | null;
  readonly salonId: string | null;
}

/** A registration choice the consent rules did not allow, and why. */
export interface ChoiceNotApplied {
  readonly permission: SmsPermission;
  readonly reason: 'sms-to-landline';
}

/**
 * The consent record opens with the registration: `choices` is what the form said, `permissions`
 * every switch as it now stands (the defaults filled in).
 */
export type RegistrationConsentApplied = Event<
  'RegistrationConsentApplied',
  ConsentChangeOrigin & {
    readonly clientId: string;
    readonly smsCapable: boolean;
    readonly hasEmail: boolean;
    readonly choices: InitialConsentChoicesV1;
    readonly permissions: ConsentPermissions;
    readonly notApplied: readonly ChoiceNotApplied[];
    readonly appliedAt: string;
  }
>;
export type ConsentGranted = Event<
  'ConsentGranted',
  ConsentChangeOrigin & { readonly clientId: string; readonly permission: ConsentPermission; readonly grantedAt: string }
>;
/** Also recorded when a permission already ON gets new evidence (a renewed signature). */
export type MarketingConsentGranted = Event<
  'MarketingConsentGranted',
  ConsentChangeOrigin & {
    readonly clientId: string;
    readonly permission: MarketingPermission;
    readonly evidence: MarketingConsentEvidence;
    readonly grantedAt: string;
  }
>;
export type ConsentWithdrawn = Event<
  'ConsentWithdrawn',
  ConsentChangeOrigin & { readonly clientId: string; readonly permission: ConsentPermission; readonly withdrawnAt: string }
>;
/** `permissions`: the marketing permissions that were ON and are now OFF. */
export type AllMarketingConsentWithdrawn = Event<
  'AllMarketingConsentWithdrawn',
  ConsentChangeOrigin & {
    readonly clientId: string;
    readonly permissions: readonly MarketingPermission[];
    readonly withdrawnAt: string;
  }
>;
export type SmsCapabilityChanged = Event<
  'SmsCapabilityChanged',
  ConsentChangeOrigin & { readonly clientId: string; readonly smsCapable: boolean; readonly changedAt: string }
>;
/** Recorded right after SmsCapabilityChanged when the phone became a landline with SMS permissions ON. */
export type SmsConsentSwitchedOff = Event<
  'SmsConsentSwitchedOff',
  ConsentChangeOrigin & {
    readonly clientId: string;
    readonly permissions: readonly SmsPermission[];
    readonly reason: 'sms-to-landline';
    readonly switchedOffAt: string;
  }
>;
export type ConsentClosed = Event<
  'ConsentClosed',
  ConsentChangeOrigin & { readonly clientId: string; readonly reason: ConsentCloseReason; readonly closedAt: string }
>;

export type ConsentEvent =
  | RegistrationConsentApplied
  | ConsentGranted
  | MarketingConsentGranted
  | ConsentWithdrawn
  | AllMarketingConsentWithdrawn
  | SmsCapabilityChanged
  | SmsConsentSwitchedOff
  | ConsentClosed;
