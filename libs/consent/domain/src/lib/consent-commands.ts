import { InitialConsentChoicesV1, RegistrationMarketingConsentV1 } from '@salon/contracts';
import { Command } from '@salon/shared/ddd';
import { ConsentPermission, ConsentSource, MarketingPermission } from './consent-permissions';
import { MarketingConsentEvidence } from './marketing-consent-evidence';

/**
 * Sent by the consumer of the clients' ClientRegistered: the front desk sends one request and
 * the consent context applies the choices of the form (the contract's InitialConsentChoicesV1: a
 * box left out takes the default). `hasEmail` says whether the profile has an e-mail (the e-mail
 * itself stays in the clients context). `source` defaults to 'front-desk', where the
 * registration form is filled in. `marketingConsent`: written marketing consent an imported row
 * brought with its evidence (the contract's RegistrationMarketingConsentV1), granted as the record
 * opens, under the source it names.
 */
export type ApplyRegistrationChoices = Command<
  'ApplyRegistrationChoices',
  {
    readonly clientId: string;
    readonly smsCapable: boolean;
    readonly hasEmail: boolean;
    readonly initialConsent?: InitialConsentChoicesV1;
    readonly marketingConsent?: RegistrationMarketingConsentV1;
    readonly source?: ConsentSource;
  }
>;

/** Switches ON notifications or a reminder channel. Marketing goes through GrantMarketingConsent. */
export type GrantConsent = Command<
  'GrantConsent',
  { readonly clientId: string; readonly permission: ConsentPermission; readonly source: ConsentSource }
>;

/** Switches any permission OFF. Always possible; a no-op when it is already OFF. */
export type WithdrawConsent = Command<
  'WithdrawConsent',
  { readonly clientId: string; readonly permission: ConsentPermission; readonly source: ConsentSource }
>;

/** Switches ON newsletter or marketing SMS; refused without the evidence of written consent. */
export type GrantMarketingConsent = Command<
  'GrantMarketingConsent',
  {
    readonly clientId: string;
    readonly permission: MarketingPermission;
    readonly evidence: MarketingConsentEvidence;
    readonly source: ConsentSource;
  }
>;

/** Switches every marketing permission OFF in one call (the client list's action). */
export type WithdrawAllMarketing = Command<
  'WithdrawAllMarketing',
  { readonly clientId: string; readonly source: ConsentSource }
>;

/**
 * Sent by the consumer of the clients' ClientProfileEdited (and ClientRegistered when the record
 * already exists): whether the client's phone can receive SMS. `source` defaults to 'front-desk'.
 */
export type NotePhoneLineChange = Command<
  'NotePhoneLineChange',
  { readonly clientId: string; readonly smsCapable: boolean; readonly source?: ConsentSource }
>;

export const CONSENT_CLOSE_REASONS = ['deleted', 'erased'] as const;
export type ConsentCloseReason = (typeof CONSENT_CLOSE_REASONS)[number];

/**
 * Sent by the consumer of the clients' ClientDeleted / ClientErased. Every permission reads NO
 * afterwards; a repeated close is a no-op. `source` defaults to 'front-desk'.
 */
export type CloseConsent = Command<
  'CloseConsent',
  { readonly clientId: string; readonly reason: ConsentCloseReason; readonly source?: ConsentSource }
>;

export type ConsentCommand =
  | ApplyRegistrationChoices
  | GrantConsent
  | WithdrawConsent
  | GrantMarketingConsent
  | WithdrawAllMarketing
  | NotePhoneLineChange
  | CloseConsent;
