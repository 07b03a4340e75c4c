import { DomainError, assertNever } from '@salon/shared/ddd';

/**
 * What a client can agree to: five explicit switches rather than a full purpose × channel grid.
 * The grid has holes (automatic notifications have one switch for every channel) and its cells
 * follow different rules (marketing needs written consent, SMS needs a mobile number), so each
 * switch is named after what the front desk sees on the profile form.
 *
 * - `notifications`     "agrees to receive notifications": the master switch of every automatic
 *                       notification (visit reminders included). OFF = no automatic message at all.
 * - `remindersBySms`    visit reminders by SMS (never to a landline).
 * - `remindersByEmail`  visit reminders by e-mail.
 * - `newsletter`        e-mail marketing; ON only with the client's written consent.
 * - `marketingSms`      marketing by SMS; ON only with the client's written consent, never to a landline.
 */
export const CONSENT_PERMISSIONS = ['notifications', 'remindersBySms', 'remindersByEmail', 'newsletter', 'marketingSms'] as const;
export type ConsentPermission = (typeof CONSENT_PERMISSIONS)[number];

/** The switches that need the client's written consent (and its evidence) to be ON. */
export const MARKETING_PERMISSIONS = ['newsletter', 'marketingSms'] as const satisfies readonly ConsentPermission[];
export type MarketingPermission = (typeof MARKETING_PERMISSIONS)[number];

/** The switches that send SMS: impossible while the client's phone cannot receive SMS. */
export const SMS_PERMISSIONS = ['remindersBySms', 'marketingSms'] as const satisfies readonly ConsentPermission[];
export type SmsPermission = (typeof SMS_PERMISSIONS)[number];

export type ConsentPermissions = { readonly [Permission in ConsentPermission]: boolean };

/** Every switch OFF: a closed record, and the starting point of the registration defaults. */
export const NO_PERMISSIONS: ConsentPermissions = {
  notifications: false,
  remindersBySms: false,
  remindersByEmail: false,
  newsletter: false,
  marketingSms: false,
};

/** Why a message is sent, as the notification service asks it. */
export const CONTACT_PURPOSES = ['notifications', 'reminders', 'marketing'] as const;
export type ContactPurpose = (typeof CONTACT_PURPOSES)[number];

/** How it is sent. */
export const CONTACT_CHANNELS = ['sms', 'email'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Through what a change came: recorded with every change, beside who, when and where. */
export const CONSENT_SOURCES = ['front-desk', 'import', 'client-request'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * The switch that governs a purpose by a channel. Automatic notifications other than reminders
 * (a booking confirmation, ...) have no channel preference: the master switch alone governs them.
 * Reminders are automatic notifications too, so they also need `notifications` ON (see mayContact).
 */
export function permissionFor(purpose: ContactPurpose, channel: ContactChannel): ConsentPermission {
  switch (purpose) {
    case 'notifications':
      return 'notifications';
    case 'reminders':
      return channel === 'sms' ? 'remindersBySms' : 'remindersByEmail';
    case 'marketing':
      return channel === 'sms' ? 'marketingSms' : 'newsletter';
    default:
      return assertNever(purpose);
  }
}

export function isConsentPermission(value: unknown): value is ConsentPermission {
  return (CONSENT_PERMISSIONS as readonly unknown[]).includes(value);
}

export function isMarketingPermission(permission: ConsentPermission): permission is MarketingPermission {
  return (MARKETING_PERMISSIONS as readonly ConsentPermission[]).includes(permission);
}

export function isSmsPermission(permission: ConsentPermission): permission is SmsPermission {
  return (SMS_PERMISSIONS as readonly ConsentPermission[]).includes(permission);
}

// ---------------------------------------------------------------------------------------------
// Reading names that come from outside (HTTP paths and bodies, Kafka): 400 naming the field.

function oneOf<Value extends string>(
  allowed: readonly Value[],
  value: unknown,
  field: string,
  code: string,
  what: string,
): Value {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as Value;
  throw DomainError.invalid(code, `Unknown ${what} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`, {
    field,
    allowed,
  });
}

export function parseConsentPermission(value: unknown, field = 'permission'): ConsentPermission {
  return oneOf(CONSENT_PERMISSIONS, value, field, 'unknown-permission', 'permission');
}

export function parseContactPurpose(value: unknown, field = 'purpose'): ContactPurpose {
  return oneOf(CONTACT_PURPOSES, value, field, 'unknown-purpose', 'purpose');
}

export function parseContactChannel(value: unknown, field = 'channel'): ContactChannel {
  return oneOf(CONTACT_CHANNELS, value, field, 'unknown-channel', 'channel');
}

export function parseConsentSource(value: unknown, field = 'source'): ConsentSource {
  return oneOf(CONSENT_SOURCES, value, field, 'unknown-source', 'source');
}
