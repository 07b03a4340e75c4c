import { CLIENT_COLUMNS, ClientColumnKey, ExportLanguage, Gender, exportHeaders } from '@salon/clients/domain';
import type { CellValue } from '@salon/shared/spreadsheets';
import type { ClientProfileDocument } from '../projections/client-profiles';

/** Gender and yes/no in the header's language: words the import reads back (readGenderCell, readYesNoCell). */
const WORDS: Record<ExportLanguage, { readonly genders: Record<Exclude<Gender, 'unspecified'>, string>; readonly yes: string; readonly no: string }> = {
  pl: { genders: { female: 'kobieta', male: 'mężczyzna', other: 'inna' }, yes: 'tak', no: 'nie' },
  ru: { genders: { female: 'женский', male: 'мужской', other: 'другой' }, yes: 'да', no: 'нет' },
  en: { genders: { female: 'female', male: 'male', other: 'other' }, yes: 'yes', no: 'no' },
};

/** The header row of an export: the catalog's headers in the language asked for, in catalog order. */
export function clientBaseHeaderRow(language: ExportLanguage): CellValue[] {
  return exportHeaders(language);
}

/**
 * One client as a row, cell by cell in catalog order. Empty fields are empty cells (the import
 * reads an empty cell as an empty field); the birth date is a calendar date (a date cell in xlsx and
 * ods, YYYY-MM-DD in csv); the discounts are numbers of percent.
 *
 * Left empty, always: the marketing switches and their evidence (document reference, consent text
 * version). The card knows only whether any marketing channel is allowed, not which, nor what the
 * client signed; the evidence is the consent context's record, and an import never infers
 * marketing consent from a yes without it. The consent columns the card knows (notifications and
 * reminders) are empty while the consent context has not reported the client yet.
 */
export function clientBaseRow(client: ClientProfileDocument, language: ExportLanguage): CellValue[] {
  const words = WORDS[language];
  const yesNo = (value: boolean | undefined): CellValue => (value === undefined ? null : value ? words.yes : words.no);
  const text = (value: string | undefined): CellValue => (value === undefined || value === '' ? null : value);
  const cells: Record<ClientColumnKey, CellValue> = {
    firstName: text(client.firstName),
    lastName: text(client.lastName),
    patronymic: text(client.patronymic),
    phone: text(client.phone),
    secondPhone: text(client.secondPhone),
    email: text(client.email),
    birthDate: client.birthDate ? new Date(`${client.birthDate}T00:00:00.000Z`) : null,
    gender: client.gender === undefined || client.gender === 'unspecified' ? null : words.genders[client.gender],
    comment: text(client.comment),
    serviceDiscount: client.discounts?.services ?? null,
    productDiscount: client.discounts?.products ?? null,
    notifications: yesNo(client.consent?.notifications),
    remindersBySms: yesNo(client.consent?.remindersBySms),
    remindersByEmail: yesNo(client.consent?.remindersByEmail),
    marketingSms: null,
    newsletter: null,
    marketingConsentDocumentRef: null,
    marketingConsentTextVersion: null,
  };
  return CLIENT_COLUMNS.map((column) => cells[column.key]);
}
