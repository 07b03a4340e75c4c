import { CountryCode, NumberType, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DomainError } from '@salon/shared/ddd';

export type { CountryCode } from 'libphonenumber-js/max';

/** What kind of line a number belongs to, as far as the numbering plan tells. */
export type PhoneLineType = 'mobile' | 'fixed-line' | 'fixed-line-or-mobile' | 'voip' | 'other' | 'unknown';

/** The profile fields that hold a phone number; an invalid number is reported against its field. */
export type PhoneField = 'phone' | 'secondPhone';

export interface NormalisedPhone {
  /** The number in E.164 (`+48601234567`): one spelling per number, so equal numbers compare equal. */
  readonly e164: string;
  /** The country of the number; absent for non-geographic numbers (+800, +882, ...). */
  readonly country: CountryCode | undefined;
  readonly lineType: PhoneLineType;
}

/** Longer than any phone number with formatting; keeps the parser away from pasted essays. */
const MAX_RAW_PHONE_LENGTH = 64;

/**
 * Reads a phone number as the front desk types it: spaces, dashes, brackets, a national prefix
 * ("8 (912) 345-67-89" in Russia) or an international one ("0048 601 234 567" in Poland, "+48 ...").
 * Numbers without a country code belong to `defaultCountry`, the chain's country.
 *
 * The full ("max") metadata is used on purpose: only it knows the line type of a number.
 */
export function normalisePhone(raw: string, defaultCountry: CountryCode, field: PhoneField = 'phone'): NormalisedPhone {
  if (!isSupportedCountry(defaultCountry)) {
    // The chain's configuration, not the user's input: a programming or set-up error.
    throw new Error(`Unsupported default country "${defaultCountry}"`);
  }
  const refuse = (reason: string) => DomainError.invalid('invalid-phone', reason, { field });
  if (typeof raw !== 'string' || raw.trim() === '') throw refuse('A phone number is required');
  if (raw.length > MAX_RAW_PHONE_LENGTH) throw refuse('This is too long to be a phone number');

  // `extract: false`: the whole input must be the number, not "call me on +48 ..." with a number inside.
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry, extract: false });
  // The reason never quotes the number: error bodies end up in logs and screenshots.
  if (!parsed) throw refuse('This is not a phone number');
  if (!parsed.isValid()) throw refuse(`This is not a valid phone number${parsed.country ? ` for ${parsed.country}` : ''}`);
  // E.164 has no room for an extension, and an extension cannot receive a text message: dropping
  // it silently would store a different number than the one given.
  if (parsed.ext) throw refuse('Phone extensions cannot be stored; give a direct number');

  return { e164: parsed.number, country: parsed.country, lineType: lineTypeOf(parsed.getType()) };
}

function lineTypeOf(type: NumberType): PhoneLineType {
  switch (type) {
    case 'MOBILE':
      return 'mobile';
    case 'FIXED_LINE':
      return 'fixed-line';
    case 'FIXED_LINE_OR_MOBILE':
      return 'fixed-line-or-mobile';
    case 'VOIP':
      return 'voip';
    case undefined:
      return 'unknown';
    default:
      // Toll-free, premium rate, shared cost, personal numbers, pagers, UAN, voicemail.
      return 'other';
  }
}

/**
 * Whether a text message can reach the number. Only a number the numbering plan marks as a
 * landline is refused.
 *
 * 'fixed-line-or-mobile' answers true: some plans (the US, Canada, much of the Caribbean) give
 * landlines and mobiles the same ranges, so the plan cannot tell them apart. Refusing would take
 * SMS away from every client of those countries, while a landline among them only costs an
 * undelivered message the SMS gateway reports. The same reasoning covers 'voip', 'other' and
 * 'unknown': the numbering plan does not say they are landlines.
 */
export function canReceiveSms(lineType: PhoneLineType): boolean {
  return lineType !== 'fixed-line';
}
