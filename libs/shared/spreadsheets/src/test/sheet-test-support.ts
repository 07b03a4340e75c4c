import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readSheet } from '../lib/read-sheet';
import type { ReadLimits, SheetFormat, SheetRow } from '../lib/sheet';

export const FIXTURES = join(__dirname, 'fixtures');

export const GENEROUS_LIMITS: ReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 200,
};

export async function readAll(path: string, format: SheetFormat, limits: ReadLimits = GENEROUS_LIMITS): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheet(path, format, limits)) rows.push(row);
  return rows;
}

/** The error reading rejects with (the test fails when reading succeeds). */
export async function readingError(path: string, format: SheetFormat, limits: ReadLimits = GENEROUS_LIMITS): Promise<unknown> {
  try {
    await readAll(path, format, limits);
  } catch (error) {
    return error;
  }
  throw new Error('expected reading to fail');
}

/** A directory of its own per test file, removed afterwards. */
export function temporaryDirectory(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'spreadsheets-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A writable that keeps what it is given, for asserting on a writer's bytes. */
export function collectingStream(): { readonly stream: Writable; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}
