import { assertNever } from '@salon/shared/ddd';
import { ConsentState, OpenConsent } from './consent';
import {
  CONTACT_CHANNELS,
  CONTACT_PURPOSES,
  ConsentPermissions,
  ContactChannel,
  ContactPurpose,
  MARKETING_PERMISSIONS,
  MarketingPermission,
  permissionFor,
} from './consent-permissions';

/**
 * Why a message may or may not be sent. Checked in this order, so the first reason that forbids
 * is the one given:
 * - `no-consent-record`             the consent context never heard of the client (not registered
 *                                   yet, or its registration not consumed yet): never send;
 * - `client-closed`                 the client was deleted or erased;
 * - `notifications-off`             "agrees to receive notifications" is OFF: no automatic
 *                                   notification (reminders included) of any kind;
 * - `sms-to-landline`               the client's phone cannot receive SMS;
 * - `reminders-by-sms-off`,
 *   `reminders-by-email-off`        the client does not want reminders by that channel;
 * - `no-written-marketing-consent`  no written consent on record for marketing by that channel
 *                                   (never given, withdrawn, or signed after the moment asked about);
 * - `allowed`.
 */
export const CONTACT_REASONS = [
  'allowed',
  'no-consent-record',
  'client-closed',
  'notifications-off',
  'sms-to-landline',
  'reminders-by-sms-off',
  'reminders-by-email-off',
  'no-written-marketing-consent',
] as const;
export type ContactReason = (typeof CONTACT_REASONS)[number];

export interface ContactAnswer {
  readonly allowed: boolean;
  readonly reason: ContactReason;
}

const ALLOWED: ContactAnswer = { allowed: true, reason: 'allowed' };
const refused = (reason: Exclude<ContactReason, 'allowed'>): ContactAnswer => ({ allowed: false, reason });

/**
 * "May I send <purpose> by <channel> to this client now?" `now` is the moment of sending: a
 * marketing consent counts from the moment it was signed.
 *
 * Marketing does not depend on the notifications switch: that switch is about automatic
 * notifications, while marketing has its own written consent, which is the more specific answer.
 */
export function mayContact(state: ConsentState, purpose: ContactPurpose, channel: ContactChannel, now: Date): ContactAnswer {
  return answer(state, purpose, channel, now);
}

function answer(state: ConsentState, purpose: ContactPurpose, channel: ContactChannel, now?: Date): ContactAnswer {
  if (state.status === 'none') return refused('no-consent-record');
  if (state.status === 'closed') return refused('client-closed');
  if (purpose !== 'marketing' && !state.permissions.notifications) return refused('notifications-off');
  if (channel === 'sms' && !state.smsCapable) return refused('sms-to-landline');
  const permission = permissionFor(purpose, channel);
  switch (purpose) {
    case 'notifications':
      return ALLOWED;
    case 'reminders':
      if (state.permissions[permission]) return ALLOWED;
      return refused(channel === 'sms' ? 'reminders-by-sms-off' : 'reminders-by-email-off');
    case 'marketing':
      return hasWrittenConsent(state, permission as MarketingPermission, now) ? ALLOWED : refused('no-written-marketing-consent');
    default:
      return assertNever(purpose);
  }
}

function hasWrittenConsent(consent: OpenConsent, permission: MarketingPermission, now: Date | undefined): boolean {
  const evidence = consent.marketingEvidence[permission];
  if (!consent.permissions[permission] || evidence === undefined) return false;
  // Compared as numbers: an invalid `now` (NaN) answers no.
  return now === undefined || Date.parse(evidence.signedAt) <= now.getTime();
}

// ---------------------------------------------------------------------------------------------
// What the notification service reads on `consent.consent-state.v1`

/** What was signed and when; who collected it and where stay in the ledger (the consent stream). */
export interface PublishedMarketingEvidence {
  readonly documentRef?: string;
  readonly consentTextVersion?: string;
  readonly signedAt: string;
}

/**
 * The value of `consent.consent-state.v1` (key = client id). No personal data: no phone, no
 * e-mail, no name; the sender takes addresses from the clients context.
 */
export interface PublishedConsentState {
  readonly clientId: string;
  /** The number of events in the client's consent stream: a later state has a higher version. */
  readonly version: number;
  /** When the last change was recorded. */
  readonly updatedAt: string;
  /** Whether the client's phone can receive SMS. */
  readonly smsCapable: boolean;
  /**
   * The answer for every purpose by every channel, as `mayContact` gives it: this is what a
   * sender acts on (every rule applied, with the reason when the answer is no).
   */
  readonly permissions: { readonly [Purpose in ContactPurpose]: { readonly [Channel in ContactChannel]: ContactAnswer } };
  /** The switches as recorded, as the profile form shows them. */
  readonly switches: ConsentPermissions;
  /** The written consent behind each marketing switch that is ON; null while it is OFF. */
  readonly marketingEvidence: { readonly [Permission in MarketingPermission]: PublishedMarketingEvidence | null };
}

/**
 * The client's current consent as published on the compacted topic, or null when there is nothing
 * to publish: a closed record (deleted or erased client) publishes a tombstone, and a client
 * without a record publishes nothing.
 */
export function toConsentState(state: ConsentState): PublishedConsentState | null {
  if (state.status !== 'open') return null;
  const answersFor = (purpose: ContactPurpose) =>
    Object.fromEntries(CONTACT_CHANNELS.map((channel) => [channel, answer(state, purpose, channel)])) as {
      [Channel in ContactChannel]: ContactAnswer;
    };
  const permissions = Object.fromEntries(CONTACT_PURPOSES.map((purpose) => [purpose, answersFor(purpose)])) as {
    [Purpose in ContactPurpose]: { [Channel in ContactChannel]: ContactAnswer };
  };
  const evidenceOf = (permission: MarketingPermission): PublishedMarketingEvidence | null => {
    const evidence = state.marketingEvidence[permission];
    if (!state.permissions[permission] || evidence === undefined) return null;
    const { documentRef, consentTextVersion, signedAt } = evidence;
    return {
      ...(documentRef === undefined ? {} : { documentRef }),
      ...(consentTextVersion === undefined ? {} : { consentTextVersion }),
      signedAt,
    };
  };
  return {
    clientId: state.clientId,
    version: state.version,
    updatedAt: state.updatedAt,
    smsCapable: state.smsCapable,
    permissions,
    switches: { ...state.permissions },
    marketingEvidence: {
      newsletter: evidenceOf('newsletter'),
      marketingSms: evidenceOf('marketingSms'),
    },
  };
}

/** The consent summary on the client's profile view (the clients read model's `consent`). */
export interface ConsentSummary {
  readonly notifications: boolean;
  readonly remindersBySms: boolean;
  readonly remindersByEmail: boolean;
  /** Newsletter or marketing SMS ON, i.e. written consent on record: what the client list filters on. */
  readonly marketing: boolean;
}

/** Null when there is no open record: the profile view shows no consent for a closed client. */
export function toConsentSummary(state: ConsentState): ConsentSummary | null {
  if (state.status !== 'open') return null;
  const { notifications, remindersBySms, remindersByEmail } = state.permissions;
  const marketing = MARKETING_PERMISSIONS.some((permission) => state.permissions[permission]);
  return { notifications, remindersBySms, remindersByEmail, marketing };
}
