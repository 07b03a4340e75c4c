import { calendarDate, Percentage, type SheetCellValue } from '../lib/sheet';

const HEADERS = ['Imię', 'Nazwisko', 'Telefon', 'E-mail', 'Data urodzenia', 'Data (tekst)', 'Płeć', 'Zgoda SMS', 'Rabat', 'Uwagi'];
const JAN: readonly SheetCellValue[] = ['Jan', 'Nowak', '601 222 333', 'jan@example.pl', calendarDate(2001, 1, 1), '01.01.2001', 'M', true, new Percentage(0.075), 'x'];

/**
 * What fixtures/clients-rich.csv becomes once LibreOffice has converted it to xlsx/ods: ISO
 * dates are date cells, the "as text" column stays text, TRUE/FALSE booleans, percentages
 * Percentage cells of their stored fraction (15% → 0.15; LibreOffice writes the number format 0.00% to xlsx); the empty line and the row of empty cells (4, 5) are not yielded.
 */
export const CLIENTS_RICH_ROWS = [
  { number: 1, cells: HEADERS },
  {
    number: 2,
    cells: ['Żaneta', 'Łukasiewicz', '+48 600 100 200', 'zaneta@example.com', calendarDate(1990, 5, 12), '12.05.1990', 'K', true, new Percentage(0.15), 'Pierwsza linia\ndruga   linia  z spacjami'],
  },
  { number: 3, cells: ['Anna', 'Kowalska', '600100201', null, calendarDate(1985, 12, 31), '31.12.1985', 'K', false, new Percentage(0)] },
  { number: 6, cells: JAN },
  { number: 7, cells: JAN },
  { number: 8, cells: JAN },
  { number: 9, cells: ['Ewa', 'Ewa', 'Ewa', 'Ewa', calendarDate(1970, 1, 1), '1970-01-01', 'K', false, new Percentage(1), '12,5'] },
];

/** clients-padded.*: the rows above, a merged cell, a row LibreOffice repeated, then empty rows to 1,048,576. */
export const CLIENTS_PADDED_ROWS = [
  ...CLIENTS_RICH_ROWS,
  { number: 10, cells: ['Scalona', null, 'po scaleniu'] },
  { number: 11, cells: ['Powtórzony', 42] },
  { number: 12, cells: ['Powtórzony', 42] },
  { number: 13, cells: ['Powtórzony', 42] },
];
