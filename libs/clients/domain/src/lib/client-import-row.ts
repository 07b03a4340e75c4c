import { InitialConsentChoicesV1, RegistrationMarketingConsentV1 } from '@salon/contracts';
import { ClientColumnKey, ColumnMapping, ImportCell, readCell } from './client-columns';
import { ClientProfile, ClientProfileForm, Gender } from './client-profile';

/** One row of the file read into the fields its mapping names; nothing validated beyond the cell's kind. */
export interface ImportRowValues {
  readonly form: ClientProfileForm;
  readonly discounts: { readonly serviceDiscountPercent?: number; readonly productDiscountPercent?: number };
  /** The consent boxes a registration may carry (notifications and reminder channels). */
  readonly consent: InitialConsentChoicesV1;
  readonly marketing: {
    readonly marketingSms?: boolean;
    readonly newsletter?: boolean;
    readonly documentRef?: string;
    readonly consentTextVersion?: string;
  };
}

/** A field of a row that could not be taken, and why (never the value: reports and logs must not hold it). */
export interface ImportFieldProblem {
  /** A column key (`phone`, `remindersBySms`, …), or `row` for the row as a whole. */
  readonly field: ClientColumnKey | 'row';
  readonly reason: string;
}

export type ImportRowReading = { readonly ok: true; readonly values: ImportRowValues } | ({ readonly ok: false } & ImportFieldProblem);

/** Reads a row's cells by the mapping; the first cell that is not of its column's kind refuses the row. */
export function readImportRow(cells: readonly ImportCell[], mapping: ColumnMapping): ImportRowReading {
  const values: Partial<Record<ClientColumnKey, string | number | boolean>> = {};
  for (const { column, field } of mapping) {
    const reading = readCell(field, cells[column] ?? null);
    if (!reading.ok) return { ok: false, field, reason: reading.reason };
    if (reading.value !== undefined) values[field] = reading.value;
  }
  const text = (field: ClientColumnKey) => values[field] as string | undefined;
  const yesNo = (field: ClientColumnKey) => values[field] as boolean | undefined;
  const percent = (field: ClientColumnKey) => values[field] as number | undefined;
  return {
    ok: true,
    values: {
      form: withoutAbsent({
        phone: text('phone') ?? '',
        secondPhone: text('secondPhone'),
        email: text('email'),
        firstName: text('firstName'),
        lastName: text('lastName'),
        patronymic: text('patronymic'),
        birthDate: text('birthDate'),
        gender: values.gender as Gender | undefined,
        comment: text('comment'),
      }),
      discounts: withoutAbsent({ serviceDiscountPercent: percent('serviceDiscount'), productDiscountPercent: percent('productDiscount') }),
      consent: withoutAbsent({
        notifications: yesNo('notifications'),
        remindersBySms: yesNo('remindersBySms'),
        remindersByEmail: yesNo('remindersByEmail'),
      }),
      marketing: withoutAbsent({
        marketingSms: yesNo('marketingSms'),
        newsletter: yesNo('newsletter'),
        documentRef: text('marketingConsentDocumentRef'),
        consentTextVersion: text('marketingConsentTextVersion'),
      }),
    },
  };
}

/** Who imports the file, and when: what written marketing consent from a row is recorded as collected by. */
export interface ImportEvidenceOrigin {
  readonly at: Date;
  readonly importedBy: string;
  /** The uploader's salon (X-Salon-Id, or their only salon); written marketing consent names where it was signed. */
  readonly salonId?: string;
}

export type ImportableConsent =
  | {
      readonly ok: true;
      readonly consent: InitialConsentChoicesV1;
      /** Written marketing consent to record with the registration; absent when the row brings none. */
      readonly marketingConsent?: RegistrationMarketingConsentV1;
      readonly notes: readonly ImportFieldProblem[];
    }
  | ({ readonly ok: false } & ImportFieldProblem);

const MARKETING_FIELDS = ['newsletter', 'marketingSms'] as const;

/**
 * The consent a row may bring to a new client, and what of it is left out and why:
 * - SMS reminders or marketing SMS for a number that cannot take SMS (the rule of registration,
 *   refused for that field only, the client is still imported);
 * - a marketing yes without a document reference or consent-text version column beside it: never
 *   inferred, the cell is refused and the client imported without marketing;
 * - a marketing yes with evidence is recorded as written consent (source `import`, collected by
 *   the uploader at their salon, at the moment of the import). Evidence the consent context would
 *   refuse refuses the row (the registration decides it, see `parseMarketingConsent` in client.ts),
 *   and so does a file uploaded without a salon: consent names the salon where it was signed.
 * A no in a marketing column changes nothing: a new client starts with marketing OFF.
 */
export function importableConsent(values: ImportRowValues, profile: ClientProfile, origin: ImportEvidenceOrigin): ImportableConsent {
  const notes: ImportFieldProblem[] = [];
  let consent = values.consent;
  if (consent.remindersBySms === true && !profile.smsCapable) {
    const { remindersBySms: _refused, ...rest } = consent;
    consent = rest;
    notes.push({ field: 'remindersBySms', reason: 'SMS reminders cannot be sent to a landline number; imported without them' });
  }
  const asked = MARKETING_FIELDS.filter((field) => values.marketing[field] === true);
  if (asked.length === 0) return { ok: true, consent, notes };
  const { documentRef, consentTextVersion } = values.marketing;
  if (documentRef === undefined && consentTextVersion === undefined) {
    for (const field of asked) {
      notes.push({
        field,
        reason: 'Marketing consent needs the written consent on record (a document reference or consent-text version column); not imported',
      });
    }
    return { ok: true, consent, notes };
  }
  const permissions = asked.filter((field) => {
    if (field !== 'marketingSms' || profile.smsCapable) return true;
    notes.push({ field, reason: 'Marketing SMS cannot be sent to a landline number; imported without it' });
    return false;
  });
  if (permissions.length === 0) return { ok: true, consent, notes };
  if (origin.salonId === undefined) {
    return {
      ok: false,
      field: permissions[0],
      reason: 'Written marketing consent names the salon where it was signed: upload the file with X-Salon-Id',
    };
  }
  const marketingConsent: RegistrationMarketingConsentV1 = {
    source: 'import',
    permissions,
    ...(documentRef === undefined ? {} : { documentRef }),
    ...(consentTextVersion === undefined ? {} : { consentTextVersion }),
    signedAt: origin.at.toISOString(),
    collectedBy: origin.importedBy,
    salonId: origin.salonId,
  };
  return { ok: true, consent, marketingConsent, notes };
}

/**
 * What a row's consent cells do for a client already in the base, whatever the policy for existing
 * clients (skip, fill-empty, overwrite): nothing. An import never changes an existing client's
 * consent — a spreadsheet's "no" could withdraw what the client agreed to since, its "yes" grant
 * what they withdrew — and the row's report says so for each consent cell it had.
 */
export function consentNotesForExistingClient(values: ImportRowValues): ImportFieldProblem[] {
  const notes: ImportFieldProblem[] = [];
  for (const field of ['notifications', 'remindersBySms', 'remindersByEmail'] as const) {
    if (values.consent[field] !== undefined) {
      notes.push({ field, reason: 'Consent of a client already in the base is not changed by an import' });
    }
  }
  for (const field of MARKETING_FIELDS) {
    if (values.marketing[field] !== undefined) {
      notes.push({
        field,
        reason: 'Consent of a client already in the base is not changed by an import: record written marketing consent on the client’s consent page',
      });
    }
  }
  return notes;
}

function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
