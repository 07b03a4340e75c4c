export { Percentage, SHEET_CONTENT_TYPES, SHEET_FORMATS, SpreadsheetError } from './lib/sheet';
export type { CellValue, ReadLimits, SheetCellValue, SheetFormat, SheetRow, SpreadsheetErrorCode } from './lib/sheet';
export type { SheetWriter, SheetWriterOptions } from './lib/sheet-writer';
export { readSheet } from './lib/read-sheet';
export { detectSheetFormat } from './lib/detect-sheet-format';
export { createSheetWriter } from './lib/create-sheet-writer';
export { neutraliseFormula, restoreNeutralisedFormula } from './lib/formula-injection';
