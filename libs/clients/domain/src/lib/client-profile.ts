import { DomainError, parseCalendarDate } from '@salon/shared/ddd';
import { CountryCode, PhoneLineType, canReceiveSms, normalisePhone } from './phone';

export type Gender = 'female' | 'male' | 'other' | 'unspecified';
export const GENDERS: readonly Gender[] = ['female', 'male', 'other', 'unspecified'];

/**
 * The editable profile as the front desk fills it in. Only the phone is required; an optional
 * field left out (or null, or blank) is empty. A save sends the whole form: what is not in it is
 * cleared.
 */
export interface ClientProfileForm {
  readonly phone: string;
  readonly secondPhone?: string | null;
  readonly email?: string | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly patronymic?: string | null;
  /** An ISO calendar date, YYYY-MM-DD. */
  readonly birthDate?: string | null;
  readonly gender?: Gender | null;
  /** Preferences and notes, free text. */
  readonly comment?: string | null;
}

/** The profile once validated and normalised: what the events record. Empty fields are absent. */
export interface ClientProfile {
  /** E.164. */
  readonly phone: string;
  readonly phoneLineType: PhoneLineType;
  /** Whether SMS can reach `phone`: false for a landline. The consent context enforces it. */
  readonly smsCapable: boolean;
  /** E.164. */
  readonly secondPhone?: string;
  readonly secondPhoneLineType?: PhoneLineType;
  /** The domain is lower-cased; the local part is kept as typed (it may be case-sensitive). */
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly patronymic?: string;
  /** YYYY-MM-DD. */
  readonly birthDate?: string;
  /** 'unspecified' when the form says nothing. */
  readonly gender: Gender;
  readonly comment?: string;
}

/** Every field of a profile, in the order events list them. */
export const CLIENT_PROFILE_FIELDS = [
  'phone',
  'phoneLineType',
  'smsCapable',
  'secondPhone',
  'secondPhoneLineType',
  'email',
  'firstName',
  'lastName',
  'patronymic',
  'birthDate',
  'gender',
  'comment',
] as const satisfies readonly (keyof ClientProfile)[];

export const MAX_NAME_LENGTH = 100;
export const MAX_COMMENT_LENGTH = 2000;
export const MAX_EMAIL_LENGTH = 254;
export const EARLIEST_BIRTH_YEAR = 1900;

export interface ProfileContext {
  /** The chain's country: numbers typed without a country code belong to it. */
  readonly defaultCountry: CountryCode;
  /** The moment of the command (`metadata.now`); birth dates must lie before it. */
  readonly now: Date;
}

/**
 * Validates and normalises a filled-in form, or throws DomainError 'invalid' whose details name
 * the field. Exported so the application layer can check a form before reserving its phone, and
 * never leaves a reservation behind for a registration that was bound to fail.
 */
export function parseClientProfile(form: ClientProfileForm, { defaultCountry, now }: ProfileContext): ClientProfile {
  if (typeof form.phone !== 'string' || form.phone.trim() === '') {
    throw DomainError.invalid('phone-required', 'A phone number is required', { field: 'phone' });
  }
  const phone = normalisePhone(form.phone, defaultCountry, 'phone');
  const secondPhoneText = optionalText(form.secondPhone, 'secondPhone');
  const secondPhone = secondPhoneText === undefined ? undefined : normalisePhone(secondPhoneText, defaultCountry, 'secondPhone');
  if (secondPhone?.e164 === phone.e164) {
    throw DomainError.invalid('invalid-phone', 'The second phone is the same number as the main phone', { field: 'secondPhone' });
  }
  const email = optionalText(form.email, 'email');
  const birthDate = optionalText(form.birthDate, 'birthDate');
  const comment = optionalText(form.comment, 'comment');

  return withoutAbsentFields({
    phone: phone.e164,
    phoneLineType: phone.lineType,
    smsCapable: canReceiveSms(phone.lineType),
    secondPhone: secondPhone?.e164,
    secondPhoneLineType: secondPhone?.lineType,
    email: email === undefined ? undefined : parseEmail(email),
    firstName: parseName(form.firstName, 'firstName'),
    lastName: parseName(form.lastName, 'lastName'),
    patronymic: parseName(form.patronymic, 'patronymic'),
    birthDate: birthDate === undefined ? undefined : parseBirthDate(birthDate, now),
    gender: parseGender(form.gender),
    comment: comment === undefined ? undefined : parseComment(comment),
  });
}

/** Whether two profiles hold the same data (a save that changes nothing records nothing). */
export function sameProfile(a: ClientProfile, b: ClientProfile): boolean {
  return CLIENT_PROFILE_FIELDS.every((field) => a[field] === b[field]);
}

function invalid(code: string, field: string, reason: string): DomainError {
  return DomainError.invalid(code, reason, { field });
}

/** Trimmed text, or undefined for null, undefined and blank. */
function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('invalid-field-type', field, `"${field}" must be text`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parseName(value: unknown, field: 'firstName' | 'lastName' | 'patronymic'): string | undefined {
  const name = optionalText(value, field)?.replace(/\s+/g, ' ');
  if (name !== undefined && lengthOf(name) > MAX_NAME_LENGTH) {
    throw invalid('name-too-long', field, `A name can have at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

// The dot-atom form of RFC 5322 (no quoted local parts), with letters of any script allowed (RFC 6531).
const EMAIL_LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL_DOMAIN = /^(\p{L}{2,}|xn--[a-z0-9-]+)$/u;

function parseEmail(email: string): string {
  const refuse = (reason: string) => invalid('invalid-email', 'email', reason);
  if (lengthOf(email) > MAX_EMAIL_LENGTH) throw refuse(`An e-mail address can have at most ${MAX_EMAIL_LENGTH} characters`);
  if (/\s/.test(email)) throw refuse('An e-mail address cannot contain spaces');
  const at = email.lastIndexOf('@');
  if (at < 0) throw refuse('The e-mail address has no "@"');
  const localPart = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (domain === '') throw refuse('The e-mail address has no domain (the part after "@")');
  if (localPart === '') throw refuse('The e-mail address has nothing before "@"');
  if (localPart.length > 64 || !EMAIL_LOCAL_PART.test(localPart)) {
    throw refuse(`"${localPart}" is not a valid mailbox name`);
  }
  const labels = domain.split('.');
  if (labels.length < 2) throw refuse(`The e-mail domain "${domain}" has no top-level domain (such as ".com")`);
  if (!labels.every((label) => DOMAIN_LABEL.test(label)) || !TOP_LEVEL_DOMAIN.test(labels[labels.length - 1])) {
    throw refuse(`"${domain}" is not a valid e-mail domain`);
  }
  return `${localPart}@${domain}`;
}

/** UTC+14 (Kiribati): the first place on Earth where a date begins. */
const EARLIEST_TIME_ZONE_OFFSET_MS = 14 * 60 * 60 * 1000;

function parseBirthDate(text: string, now: Date): string {
  const refuse = (reason: string) => invalid('invalid-birth-date', 'birthDate', reason);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw refuse('A birth date is written YYYY-MM-DD');
  if (Number(text.slice(0, 4)) < EARLIEST_BIRTH_YEAR) throw refuse(`A birth date cannot be before ${EARLIEST_BIRTH_YEAR}`);
  const day = parseCalendarDate(text);
  if (day === undefined) throw refuse(`${text} is not a date of the calendar`);
  // Compared with the moment the date begins anywhere on Earth, so a client born today in a salon
  // ahead of UTC is not refused, while no date that has not begun anywhere yet is accepted.
  const start = Date.UTC(day.year, day.month - 1, day.day);
  if (start - EARLIEST_TIME_ZONE_OFFSET_MS > now.getTime()) throw refuse('A birth date cannot be in the future');
  return text;
}

function parseGender(value: unknown): Gender {
  if (value === undefined || value === null) return 'unspecified';
  if (!GENDERS.includes(value as Gender)) {
    throw invalid('invalid-gender', 'gender', `Gender is one of ${GENDERS.join(', ')}`);
  }
  return value as Gender;
}

function parseComment(comment: string): string {
  if (lengthOf(comment) > MAX_COMMENT_LENGTH) {
    throw invalid('comment-too-long', 'comment', `A comment can have at most ${MAX_COMMENT_LENGTH} characters`);
  }
  return comment;
}

/** Length in characters as a person counts them (code points), not UTF-16 units. */
function lengthOf(text: string): number {
  return [...text].length;
}

function withoutAbsentFields<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
