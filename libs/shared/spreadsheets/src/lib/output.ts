import { finished } from 'node:stream/promises';
import type { CellValue } from './sheet';

/** Writes and waits for 'drain' when the stream's buffer is full, so a slow client slows the writer instead of growing memory. */
export async function writeRespectingBackpressure(out: NodeJS.WritableStream, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await drained(out, out);
}

/**
 * Resolves on `source`'s next 'drain'; rejects when `out` fails or closes first (a client that
 * went away never drains, and an export must not wait for it forever).
 */
export function drained(source: NodeJS.EventEmitter, out: NodeJS.WritableStream): Promise<void> {
  if ((out as { destroyed?: boolean }).destroyed) return Promise.reject(destinationClosed());
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      source.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(destinationClosed());
    source.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

export function destinationClosed(): Error {
  return new Error('the destination closed before the sheet was written');
}

/** Ends the stream and resolves once everything is flushed (or rejects with its error). */
export async function endAndFinish(out: NodeJS.WritableStream): Promise<void> {
  out.end();
  await finished(out);
}

/** Characters XML 1.0 cannot hold (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates): dropped so the file opens. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what is matched
const NOT_XML_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function withoutNonXmlCharacters(text: string): string {
  return text.replace(NOT_XML_CHARACTERS, '');
}

/** A cell that is not text, null or a number of a finite value is refused early: NaN/Infinity have no spreadsheet form. */
export function assertWritableCell(value: CellValue): void {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('a spreadsheet cell cannot hold NaN or Infinity');
  if (value instanceof Date && Number.isNaN(value.getTime())) throw new RangeError('a spreadsheet cell cannot hold an invalid date');
}
