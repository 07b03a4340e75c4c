import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectSheetFormat } from './detect-sheet-format';
import { FIXTURES } from '../test/sheet-test-support';

describe('detectSheetFormat', () => {
  const head = (name: string) => readFileSync(join(FIXTURES, name)).subarray(0, 4096);

  it('detects csv from text, in UTF-8 and windows-1250', () => {
    expect(detectSheetFormat(head('clients-utf8-bom.csv'))).toBe('csv');
    expect(detectSheetFormat(head('clients-windows-1250-semicolon.csv'), 'klienci.CSV')).toBe('csv');
  });

  it('refuses when the extension disagrees with the bytes, and binary that is no spreadsheet', () => {
    expect(detectSheetFormat(head('clients-utf8-bom.csv'), 'klienci.xlsx')).toBeUndefined();
    expect(detectSheetFormat(head('clients-utf8-bom.csv'), 'klienci.xls')).toBeUndefined();
    expect(detectSheetFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]))).toBeUndefined();
    expect(detectSheetFormat(Buffer.alloc(0))).toBeUndefined();
  });
});
