import { Event } from '@salon/shared/ddd';
import { ExportLanguage } from './client-columns';

/** The spreadsheet formats the client base is exported in (the spreadsheets library's SheetFormat). */
export const CLIENT_BASE_EXPORT_FORMATS = ['xlsx', 'ods', 'csv'] as const;
export type ClientBaseExportFormat = (typeof CLIENT_BASE_EXPORT_FORMATS)[number];

/**
 * The search filters an export may be narrowed by (those of `GET /clients`). The audit records
 * which kinds were used, never their values: a name, phone or e-mail typed into a filter is
 * personal data, and the audit stream cannot be crypto-shredded.
 */
export const CLIENT_BASE_EXPORT_FILTER_KINDS = ['name', 'phone', 'email', 'hasEmail', 'marketingConsent', 'createdFrom', 'createdTo'] as const;
export type ClientBaseExportFilterKind = (typeof CLIENT_BASE_EXPORT_FILTER_KINDS)[number];

/** The kinds of filter given (a value other than undefined or blank text), in catalogue order. */
export function filterKindsOf(filters: Partial<Record<ClientBaseExportFilterKind, unknown>>): ClientBaseExportFilterKind[] {
  return CLIENT_BASE_EXPORT_FILTER_KINDS.filter((kind) => {
    const value = filters[kind];
    return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
  });
}

/**
 * One stream per chain, of ids and counts only: who exported the client base, in which format,
 * narrowed by which kinds of filter, how many rows, when. Not published to Kafka (no consumer
 * needs it); it is read where audits are read, in the event store.
 */
export const clientBaseExportsStream = (tenantId: string) => `clientBaseExports-${tenantId}`;
export const CLIENT_BASE_EXPORTS_STREAM_PREFIX = 'clientBaseExports-';

interface ExportAuditFacts {
  readonly exportId: string;
  /** The user id of the token's subject. */
  readonly by: string;
  /** The role that allowed the export (owner or manager). */
  readonly role: string;
  readonly format: ClientBaseExportFormat;
  /** The language of the header row. */
  readonly language: ExportLanguage;
  readonly filters: readonly ClientBaseExportFilterKind[];
}

/** Written before the first row: an export whose process dies mid-way still leaves a trace. */
export type ClientBaseExportStarted = Event<'ClientBaseExportStarted', ExportAuditFacts & { readonly at: string }>;
/** Every row was handed to the response. */
export type ClientBaseExported = Event<'ClientBaseExported', ExportAuditFacts & { readonly rows: number; readonly at: string }>;
/**
 * The export stopped before its last row: the caller went away (`client-disconnected`) or reading
 * or writing failed (`failed`). `rows` counts the rows written until then.
 */
export type ClientBaseExportFailed = Event<
  'ClientBaseExportFailed',
  ExportAuditFacts & { readonly rows: number; readonly reason: 'client-disconnected' | 'failed'; readonly at: string }
>;
export type ClientBaseExportEvent = ClientBaseExportStarted | ClientBaseExported | ClientBaseExportFailed;

const FILE_EXTENSIONS: Record<ClientBaseExportFormat, string> = { xlsx: 'xlsx', ods: 'ods', csv: 'csv' };

/** `clients-20261202-0335.xlsx`: the time of the export (UTC) and nothing of the clients or the filters. */
export function clientBaseExportFileName(at: Date, format: ClientBaseExportFormat): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  return `clients-${stamp}.${FILE_EXTENSIONS[format]}`;
}
