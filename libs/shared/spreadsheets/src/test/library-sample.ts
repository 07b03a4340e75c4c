import { calendarDate, type CellValue } from '../lib/sheet';

/**
 * The rows the library writes for the LibreOffice check (fixtures/make-fixtures.sh writes them
 * with our writers, LibreOffice opens and re-saves the files, and the tests read the re-saved
 * files back): every kind of cell, the awkward texts, a formula to neutralise, an empty row.
 */
export const LIBRARY_SAMPLE_ROWS: readonly (readonly CellValue[])[] = [
  ['Imię', 'Nazwisko', 'Telefon', 'Data urodzenia', 'Zgoda SMS', 'Rabat', 'Uwagi', null, 'Za pustą'],
  ['Żaneta', 'Łukasiewicz', '+48 600 100 200', calendarDate(1990, 5, 12), true, 0.15, 'dwie\nlinie  i\tspacje', null, '=1+1'],
  [],
  ['Grzegorz', 'Brzęczyszczykiewicz', '601222333', calendarDate(1901, 1, 1), false, 12.5, '<b>&"\'</b>; x > 1', null, '@SUM(A1)'],
];
