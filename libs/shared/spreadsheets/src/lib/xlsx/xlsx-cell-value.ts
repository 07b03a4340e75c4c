import type { CellValue as ExcelCellValue } from 'exceljs';
import { calendarDate, type CellValue } from '../sheet';

const FIRST_DAY_AFTER_FAKE_LEAP_DAY = Date.UTC(1900, 2, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A cell as exceljs' streaming reader gives it, as the spreadsheet program shows it: rich text
 * and hyperlinks → their text, formulas → their cached result, errors → their code ('#N/A').
 * (exceljs decodes XML entities twice in inline/formula strings, t="str", which its own writer
 * uses: a text that literally holds "&amp;" reads back as "&". Files from Excel and
 * LibreOffice use shared strings and are not affected.)
 * Dates → the calendar day at UTC midnight: exceljs turns a date-formatted serial into a Date
 * from 1970 in UTC (so getUTC* is the day the user typed), time of day dropped. In the 1900 date
 * system Excel counts the non-existent 29 Feb 1900, so serials before 1 March 1900 come out one
 * day early from exceljs and are moved forward.
 */
export function xlsxCellValue(value: ExcelCellValue | undefined, date1904: boolean): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return calendarDay(value, date1904);
  if ('richText' in value) return nonEmpty(value.richText.map((run) => run.text).join(''));
  if ('formula' in value || 'sharedFormula' in value) {
    // LibreOffice saves a boolean cell to xlsx as the formula TRUE() / FALSE() (result 1 / 0).
    const formula = (value as { formula?: string }).formula?.trim().toUpperCase();
    if (formula === 'TRUE()' || formula === 'FALSE()') return formula === 'TRUE()';
    const result = (value as { result?: unknown }).result;
    if (result !== null && typeof result === 'object' && !(result instanceof Date) && 'error' in result) return String(result.error);
    return xlsxCellValue(result as ExcelCellValue | undefined, date1904);
  }
  if ('hyperlink' in value) return xlsxCellValue(value.text as ExcelCellValue, date1904);
  if ('error' in value) return String(value.error);
  return null;
}

function calendarDay(date: Date, date1904: boolean): CellValue {
  if (Number.isNaN(date.getTime())) return null;
  const shifted = !date1904 && date.getTime() < FIRST_DAY_AFTER_FAKE_LEAP_DAY - DAY_MS ? new Date(date.getTime() + DAY_MS) : date;
  return calendarDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

function nonEmpty(text: string): string | null {
  return text === '' ? null : text;
}

/**
 * Whether an xlsx number format shows its number as a percentage: a % sign outside quoted text
 * ("0%", "0.00%", "#,##0.0 %"; not "0\"%\"" or "0\\%", which show a literal % after the plain number).
 */
export function isPercentFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined || numFmt === null) return false;
  const shown = numFmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '');
  // Only the section for positive numbers decides (a format may add others for negatives, zero, text).
  return (shown.split(';')[0] ?? '').includes('%');
}
