import { InitialConsentChoicesV1 } from '@salon/contracts';
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

/**
 * The consent a row may bring to a new client, and what of it is left out and why: SMS reminders
 * for a number that cannot take SMS (the rule of registration, refused for that field only, the
 * client is still imported), and marketing, which this import does not record (see below).
 */
export function importableConsent(
  values: ImportRowValues,
  profile: ClientProfile,
): { readonly consent: InitialConsentChoicesV1; readonly notes: readonly ImportFieldProblem[] } {
  const notes: ImportFieldProblem[] = [];
  let consent = values.consent;
  if (consent.remindersBySms === true && !profile.smsCapable) {
    const { remindersBySms: _refused, ...rest } = consent;
    consent = rest;
    notes.push({ field: 'remindersBySms', reason: 'SMS reminders cannot be sent to a landline number; imported without them' });
  }
  for (const field of ['marketingSms', 'newsletter'] as const) {
    if (values.marketing[field] !== true) continue;
    const hasEvidence = values.marketing.documentRef !== undefined || values.marketing.consentTextVersion !== undefined;
    notes.push({
      field,
      reason: hasEvidence
        ? 'Marketing consent is not imported yet: record the written consent on the client’s consent page'
        : 'Marketing consent needs the written consent on record (a document reference or consent-text version column); not imported',
    });
  }
  return { consent, notes };
}

function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
