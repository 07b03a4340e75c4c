import { Percentage, restoreNeutralisedFormula } from '@salon/shared/spreadsheets';
import { Gender } from './client-profile';
import { searchableText } from './search';

/**
 * The columns of a client spreadsheet, for import and export alike: one stable key each (what a
 * mapping names and what the API speaks), the header an export writes per language, and the
 * headers an import recognises. An export written in any language reads back through the same
 * catalog, so export → import is a round trip.
 */

/**
 * A cell as a spreadsheet holds it (the `SheetCellValue` of @salon/shared/spreadsheets): a cell
 * formatted as a percentage comes as a Percentage (10 % stored as 0.1), told apart from a plain number.
 */
export type ImportCell = string | number | boolean | Date | Percentage | null;

export type ClientColumnKey =
  | 'firstName'
  | 'lastName'
  | 'patronymic'
  | 'phone'
  | 'secondPhone'
  | 'email'
  | 'birthDate'
  | 'gender'
  | 'comment'
  | 'serviceDiscount'
  | 'productDiscount'
  | 'notifications'
  | 'remindersBySms'
  | 'remindersByEmail'
  | 'marketingSms'
  | 'newsletter'
  | 'marketingConsentDocumentRef'
  | 'marketingConsentTextVersion';

/** How a column's cells are read. */
export type ClientColumnKind = 'text' | 'phone' | 'email' | 'date' | 'gender' | 'percent' | 'yes-no';

export type ExportLanguage = 'pl' | 'ru' | 'en';
export const EXPORT_LANGUAGES: readonly ExportLanguage[] = ['pl', 'ru', 'en'];

export interface ClientColumn {
  readonly key: ClientColumnKey;
  readonly kind: ClientColumnKind;
  /** The header an export writes, per language. Each is also recognised on import. */
  readonly headers: { readonly [Language in ExportLanguage]: string };
  /** Further headers an import recognises (matched without case, accents or extra whitespace). */
  readonly synonyms: readonly string[];
}

/** In the order an export writes them. */
export const CLIENT_COLUMNS: readonly ClientColumn[] = [
  column('firstName', 'text', { pl: 'Imię', ru: 'Имя', en: 'First name' }, ['Given name', 'Firstname']),
  column('lastName', 'text', { pl: 'Nazwisko', ru: 'Фамилия', en: 'Last name' }, ['Surname', 'Family name', 'Lastname']),
  column('patronymic', 'text', { pl: 'Imię odojcowskie', ru: 'Отчество', en: 'Patronymic' }, ['Middle name']),
  column('phone', 'phone', { pl: 'Telefon', ru: 'Телефон', en: 'Phone' }, [
    'Telefon komórkowy',
    'Nr telefonu',
    'Numer telefonu',
    'Komórka',
    'Мобильный телефон',
    'Мобильный',
    'Телефон мобильный',
    'Mobile',
    'Mobile phone',
    'Phone number',
    'Cell phone',
  ]),
  column('secondPhone', 'phone', { pl: 'Drugi telefon', ru: 'Второй телефон', en: 'Second phone' }, [
    'Telefon 2',
    'Telefon dodatkowy',
    'Телефон 2',
    'Дополнительный телефон',
    'Phone 2',
    'Other phone',
  ]),
  column('email', 'email', { pl: 'E-mail', ru: 'Эл. почта', en: 'Email' }, [
    'Adres e-mail',
    'Mail',
    'Электронная почта',
    'Email address',
    'E-mail address',
  ]),
  column('birthDate', 'date', { pl: 'Data urodzenia', ru: 'Дата рождения', en: 'Date of birth' }, [
    'Urodziny',
    'День рождения',
    'Birthday',
    'Birth date',
  ]),
  column('gender', 'gender', { pl: 'Płeć', ru: 'Пол', en: 'Gender' }, ['Sex']),
  column('comment', 'text', { pl: 'Uwagi', ru: 'Комментарий', en: 'Notes' }, [
    'Komentarz',
    'Notatki',
    'Примечание',
    'Примечания',
    'Заметки',
    'Comment',
    'Comments',
    'Note',
  ]),
  column('serviceDiscount', 'percent', { pl: 'Rabat na usługi', ru: 'Скидка на услуги', en: 'Service discount' }, [
    'Rabat usługi',
    'Rabat na usługi (%)',
    'Скидка на услуги (%)',
    'Discount on services',
  ]),
  column('productDiscount', 'percent', { pl: 'Rabat na produkty', ru: 'Скидка на товары', en: 'Product discount' }, [
    'Rabat produkty',
    'Rabat na produkty (%)',
    'Скидка на товары (%)',
    'Скидка на продукты',
    'Discount on products',
  ]),
  column('notifications', 'yes-no', { pl: 'Zgoda na powiadomienia', ru: 'Согласие на уведомления', en: 'Notifications allowed' }, [
    'Powiadomienia',
    'Уведомления',
    'Notifications',
    'Agrees to notifications',
  ]),
  column('remindersBySms', 'yes-no', { pl: 'Przypomnienia SMS', ru: 'Напоминания по SMS', en: 'SMS reminders' }, [
    'Przypomnienie SMS',
    'SMS-напоминания',
    'Reminders by SMS',
  ]),
  column('remindersByEmail', 'yes-no', { pl: 'Przypomnienia e-mail', ru: 'Напоминания по e-mail', en: 'E-mail reminders' }, [
    'Przypomnienie e-mail',
    'Напоминания по эл. почте',
    'Email reminders',
    'Reminders by e-mail',
  ]),
  column('marketingSms', 'yes-no', { pl: 'SMS marketingowe', ru: 'Маркетинговые SMS', en: 'Marketing SMS' }, [
    'Zgoda na SMS marketingowe',
    'SMS-рассылка',
  ]),
  column('newsletter', 'yes-no', { pl: 'Newsletter', ru: 'Рассылка', en: 'Newsletter' }, [
    'Zgoda na newsletter',
    'E-mail marketing',
    'Email-рассылка',
  ]),
  column(
    'marketingConsentDocumentRef',
    'text',
    { pl: 'Dokument zgody marketingowej', ru: 'Документ согласия на рассылку', en: 'Marketing consent document' },
    ['Nr dokumentu zgody', 'Marketing consent document reference', 'Consent document'],
  ),
  column(
    'marketingConsentTextVersion',
    'text',
    { pl: 'Wersja treści zgody', ru: 'Версия текста согласия', en: 'Consent text version' },
    ['Wersja zgody', 'Marketing consent text version'],
  ),
];

export const CLIENT_COLUMN_KEYS: readonly ClientColumnKey[] = CLIENT_COLUMNS.map((entry) => entry.key);

export function clientColumn(key: ClientColumnKey): ClientColumn {
  const found = CLIENT_COLUMNS.find((entry) => entry.key === key);
  if (found === undefined) throw new Error(`Unknown client column "${key}"`);
  return found;
}

export function isClientColumnKey(value: unknown): value is ClientColumnKey {
  return typeof value === 'string' && (CLIENT_COLUMN_KEYS as readonly string[]).includes(value);
}

/** The headers of an export in one language, in catalog order. */
export function exportHeaders(language: ExportLanguage): string[] {
  return CLIENT_COLUMNS.map((entry) => entry.headers[language]);
}

// ---------------------------------------------------------------------------------------------
// Headers → mapping

/**
 * The form headers are compared in: lower case, accents dropped (ł → l, ё → е), punctuation
 * and whitespace collapsed, so "E-mail", "e mail" and " EMAIL " meet, and "Płeć" meets "plec".
 */
export function normaliseHeader(header: string): string {
  return searchableText(header)
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, '')
    .trim();
}

const COLUMN_BY_HEADER: ReadonlyMap<string, ClientColumnKey> = (() => {
  const byHeader = new Map<string, ClientColumnKey>();
  for (const entry of CLIENT_COLUMNS) {
    for (const header of [entry.key, ...Object.values(entry.headers), ...entry.synonyms]) {
      const normalised = normaliseHeader(header);
      const taken = byHeader.get(normalised);
      if (taken !== undefined && taken !== entry.key) {
        throw new Error(`The header "${header}" would name both ${taken} and ${entry.key}`);
      }
      byHeader.set(normalised, entry.key);
    }
  }
  return byHeader;
})();

/** The column a header names, if any. */
export function columnOfHeader(header: string): ClientColumnKey | undefined {
  return COLUMN_BY_HEADER.get(normaliseHeader(header));
}

/** One column of the file read into one field. `column` is 0-based, as the cells of a row. */
export interface ColumnAssignment {
  readonly column: number;
  readonly field: ClientColumnKey;
}
export type ColumnMapping = readonly ColumnAssignment[];

/** A column of the file no field reads; ignored by the import and reported. */
export interface UnknownColumn {
  readonly column: number;
  readonly header: string;
}

/** The text of a header cell as the spreadsheet shows it. */
export function headerText(cell: ImportCell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/**
 * Maps the header row to fields by their synonyms. A header that names no field, or a field
 * already taken by an earlier column, is unknown (the import ignores it and says so).
 */
export function mapHeaders(headers: readonly ImportCell[]): { mapping: ColumnMapping; unknown: UnknownColumn[] } {
  const mapping: ColumnAssignment[] = [];
  const unknown: UnknownColumn[] = [];
  const taken = new Set<ClientColumnKey>();
  headers.forEach((cell, column) => {
    const header = headerText(cell);
    if (header === '') return;
    const field = columnOfHeader(header);
    if (field === undefined || taken.has(field)) {
      unknown.push({ column, header });
      return;
    }
    taken.add(field);
    mapping.push({ column, field });
  });
  return { mapping, unknown };
}

/** What is wrong with a mapping, naming the field of the request that says it. */
export interface MappingProblem {
  readonly field: string;
  readonly reason: string;
}

/**
 * Checks a mapping someone edited: columns of the file, known fields, no field read from two
 * columns and no column read into two fields, the phone mapped (it is mandatory), and the marketing
 * switches only beside a column that says what the client signed.
 */
export function mappingProblems(mapping: readonly { column: unknown; field: unknown }[], columnCount: number): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const fields = new Set<string>();
  const columns = new Set<number>();
  mapping.forEach(({ column, field }, index) => {
    if (!Number.isSafeInteger(column) || (column as number) < 0 || (column as number) >= columnCount) {
      problems.push({ field: `mapping[${index}].column`, reason: `A column is a number from 0 to ${columnCount - 1}` });
    } else if (columns.has(column as number)) {
      problems.push({ field: `mapping[${index}].column`, reason: `Column ${column} is mapped twice` });
    } else {
      columns.add(column as number);
    }
    if (!isClientColumnKey(field)) {
      problems.push({ field: `mapping[${index}].field`, reason: `A field is one of ${CLIENT_COLUMN_KEYS.join(', ')}` });
    } else if (fields.has(field)) {
      problems.push({ field: `mapping[${index}].field`, reason: `The field ${field} is mapped from two columns` });
    } else {
      fields.add(field);
    }
  });
  if (!fields.has('phone')) problems.push({ field: 'mapping', reason: 'The phone is mandatory: map a column to phone' });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Cells → field values

export type CellReading<Value> = { readonly ok: true; readonly value: Value | undefined } | { readonly ok: false; readonly reason: string };

const ok = <Value>(value: Value | undefined): CellReading<Value> => ({ ok: true, value });
const refused = (reason: string): CellReading<never> => ({ ok: false, reason });

/** Text of a cell; an empty cell (or blank text) is absent. Numbers are written without exponent or grouping. */
export function readTextCell(cell: ImportCell): CellReading<string> {
  if (cell === null) return ok(undefined);
  if (cell instanceof Date) return ok(isoDateOf(cell));
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return refused('The cell is not a number one can write');
    return ok(Number.isInteger(cell) ? BigInt(cell).toString() : String(cell));
  }
  if (typeof cell === 'boolean') return ok(cell ? 'true' : 'false');
  if (cell instanceof Percentage) return ok(cell.toString());
  // Our export writes text that could start a formula ("+48…", "=HYPERLINK(…)") behind an
  // apostrophe (the spreadsheets library's neutraliseFormula): read back without it, export →
  // import is a round trip.
  const text = restoreNeutralisedFormula(cell.trim());
  return ok(text === '' ? undefined : text);
}

/** A phone as text: a spreadsheet that took "601234567" for a number gives it back as digits. */
export function readPhoneCell(cell: ImportCell): CellReading<string> {
  if (typeof cell === 'boolean' || cell instanceof Date || cell instanceof Percentage) return refused('A phone number is text or digits');
  return readTextCell(cell);
}

const DAY_MONTH_YEAR = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/;
const ISO_DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME_AT_MIDNIGHT = /^(\d{4}-\d{2}-\d{2})T00:00(:00(\.0+)?)?(Z)?$/;

/**
 * A calendar date as YYYY-MM-DD: a date cell, ISO text, DD.MM.YYYY or DD/MM/YYYY (the Polish and
 * Russian way; the American month-first order is not read, it cannot be told apart). Whether the
 * day exists and lies in the past is the profile's rule (parseClientProfile), not checked here.
 */
export function readDateCell(cell: ImportCell): CellReading<string> {
  if (cell === null) return ok(undefined);
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return refused('The cell is not a date');
    return ok(isoDateOf(cell));
  }
  if (typeof cell !== 'string') {
    return refused('A date is a date cell or text written YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY');
  }
  const text = cell.trim();
  if (text === '') return ok(undefined);
  if (ISO_DATE_TEXT.test(text)) return ok(text);
  const midnight = ISO_DATE_TIME_AT_MIDNIGHT.exec(text);
  if (midnight) return ok(midnight[1]);
  const dayFirst = DAY_MONTH_YEAR.exec(text);
  if (dayFirst) {
    const [, day, month, year] = dayFirst;
    return ok(`${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`);
  }
  return refused('A date is written YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY');
}

const GENDER_BY_WORD: ReadonlyMap<string, Gender> = new Map(
  (
    [
      ['female', ['k', 'kobieta', 'kobiecy', 'ж', 'жен', 'женский', 'женщина', 'f', 'female', 'woman']],
      ['male', ['m', 'mężczyzna', 'męski', 'м', 'муж', 'мужской', 'мужчина', 'male', 'man']],
      ['other', ['inna', 'inny', 'другой', 'other']],
      ['unspecified', ['nie podano', 'не указан', 'unspecified']],
    ] as const
  ).flatMap(([gender, words]) => words.map((word) => [normaliseHeader(word), gender] as const)),
);

/** K/M, kobieta/mężczyzna, ж/м, женский/мужской, female/male (and other/unspecified). */
export function readGenderCell(cell: ImportCell): CellReading<Gender> {
  const text = readTextCell(cell);
  if (!text.ok || text.value === undefined) return text as CellReading<never>;
  const gender = GENDER_BY_WORD.get(normaliseHeader(text.value));
  return gender === undefined ? refused('Gender is K/M, kobieta/mężczyzna, ж/м, female/male or other') : ok(gender);
}

/**
 * A discount in percent: a number, or text such as "10", "10,5", "10 %", or a cell the spreadsheet
 * formats as a percentage, which stores 10 % as 0.1 and reads as 10 (what the user sees). A plain
 * number is percent as written: 10 is 10 %, 0.1 is 0.1 %. Whether it lies in 0–100 with at most two
 * decimals is the discount rule of the client decider.
 */
export function readPercentCell(cell: ImportCell): CellReading<number> {
  if (cell === null) return ok(undefined);
  if (cell instanceof Percentage) return Number.isFinite(cell.percent) ? ok(cell.percent) : refused('A discount is a number of percent');
  if (typeof cell === 'number') return Number.isFinite(cell) ? ok(cell) : refused('A discount is a number of percent');
  if (typeof cell !== 'string') return refused('A discount is a number of percent');
  const text = cell.trim().replace(/\s*%$/, '').replace(',', '.');
  if (text === '') return ok(undefined);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return refused('A discount is a number of percent');
  return ok(Number(text));
}

const YES = new Set(['yes', 'y', 'tak', 't', 'да', 'д', '1', 'true', 'x', 'prawda', 'истина']);
const NO = new Set(['no', 'n', 'nie', 'нет', 'н', '0', 'false', 'fałsz', 'ложь']);

/** yes/no, tak/nie, да/нет, 1/0, true/false, or a boolean cell. */
export function readYesNoCell(cell: ImportCell): CellReading<boolean> {
  if (cell === null) return ok(undefined);
  if (typeof cell === 'boolean') return ok(cell);
  if (typeof cell === 'number') {
    if (cell === 1) return ok(true);
    if (cell === 0) return ok(false);
    return refused('A yes/no column holds yes/no, tak/nie, да/нет, 1/0 or true/false');
  }
  if (cell instanceof Date || cell instanceof Percentage) return refused('A yes/no column holds yes/no, tak/nie, да/нет, 1/0 or true/false');
  const text = cell.trim().toLowerCase();
  if (text === '') return ok(undefined);
  if (YES.has(text)) return ok(true);
  if (NO.has(text)) return ok(false);
  return refused('A yes/no column holds yes/no, tak/nie, да/нет, 1/0 or true/false');
}

export type ClientColumnValue = string | number | boolean;

/** Reads a cell by the kind of its column. */
export function readCell(field: ClientColumnKey, cell: ImportCell): CellReading<ClientColumnValue> {
  switch (clientColumn(field).kind) {
    case 'phone':
      return readPhoneCell(cell);
    case 'date':
      return readDateCell(cell);
    case 'gender':
      return readGenderCell(cell);
    case 'percent':
      return readPercentCell(cell);
    case 'yes-no':
      return readYesNoCell(cell);
    case 'text':
    case 'email':
      return readTextCell(cell);
  }
}

function isoDateOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function column(
  key: ClientColumnKey,
  kind: ClientColumnKind,
  headers: ClientColumn['headers'],
  synonyms: readonly string[],
): ClientColumn {
  return { key, kind, headers, synonyms };
}
