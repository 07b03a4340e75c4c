import { stat } from 'node:fs/promises';
import { SpreadsheetError, type ReadLimits } from './sheet';

/** Refuses a file over maxFileBytes before any parsing; a missing file is a plain Error (the caller's bug). */
export async function checkFileSize(path: string, limits: ReadLimits): Promise<number> {
  const { size } = await stat(path);
  if (size > limits.maxFileBytes) {
    throw new SpreadsheetError('file-too-large', `the file is larger than ${limits.maxFileBytes} bytes`);
  }
  return size;
}
