import type { ObjectStoreSettings } from '@salon/shared/object-store';
import type { ReadLimits } from '@salon/shared/spreadsheets';

export const CLIENT_IMPORT_SETTINGS = Symbol('CLIENT_IMPORT_SETTINGS');

export interface ClientImportSettings {
  /** IMPORT_MAX_FILE_BYTES: the largest upload; more is a 413 naming the limit. */
  readonly maxFileBytes: number;
  /** IMPORT_FILE_RETENTION_HOURS, in ms: how long the file of a job nobody finishes is kept (it holds personal data). */
  readonly fileRetentionMs: number;
  /** What the spreadsheet reader accepts beyond the file size (zip bombs, rows, columns). */
  readonly readLimits: Omit<ReadLimits, 'maxFileBytes'>;
  /** A checkpoint of the import every so many rows: what a resumed job repeats at most. */
  readonly checkpointEveryRows: number;
  /** IMPORT_ROWS_AT_ONCE: rows of a job done at the same time (rows that cannot affect each other). */
  readonly rowsAtOnce: number;
  /** The bucket of uploaded files (IMPORT_BUCKET) on the object store (MINIO_*). */
  readonly objectStore: Omit<ObjectStoreSettings, 'versioning' | 'storeName'>;
}

export function readLimitsOf(settings: ClientImportSettings): ReadLimits {
  return { ...settings.readLimits, maxFileBytes: settings.maxFileBytes };
}
