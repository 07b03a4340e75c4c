import { Command, Decider, DomainError, Event, EventCatalog, assertNever } from '@salon/shared/ddd';
import { ColumnMapping, UnknownColumn, mappingProblems } from './client-columns';

/**
 * An import of clients from a spreadsheet, as a job with its own stream: uploaded, mapped, tried
 * (the dry run), run, and finished, cancelled or failed. The stream holds ids, counts, header
 * texts and row numbers only, never a cell of the file: the file itself (personal data) lives in
 * the object store until the job ends, and the per-row outcomes live in `client_import_rows`.
 */

const CLIENT_IMPORT_STREAM_PREFIX = 'clientImport-';

/** Made of the job id alone (no tenant, no file name): stream names end up in logs. */
export function toClientImportStreamName(jobId: string): string {
  return `${CLIENT_IMPORT_STREAM_PREFIX}${jobId}`;
}

export const CLIENT_IMPORT_STREAM_PREFIXES: readonly string[] = [CLIENT_IMPORT_STREAM_PREFIX];

export type ImportFileFormat = 'csv' | 'xlsx' | 'ods';

/** What happens to a row whose client (same phone or e-mail) is already in the base. */
export type ExistingClientsPolicy = 'skip' | 'fill-empty' | 'overwrite';
export const EXISTING_CLIENTS_POLICIES: readonly ExistingClientsPolicy[] = ['skip', 'fill-empty', 'overwrite'];

/** What became (or would become) of one row. */
export type ImportRowOutcome = 'create' | 'update' | 'skip-duplicate-in-file' | 'skip-existing' | 'refused';
export const IMPORT_ROW_OUTCOMES: readonly ImportRowOutcome[] = ['create', 'update', 'skip-duplicate-in-file', 'skip-existing', 'refused'];

export interface ImportCounts {
  readonly rowsDone: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly refused: number;
}
export const NO_IMPORT_COUNTS: ImportCounts = { rowsDone: 0, created: 0, updated: 0, skipped: 0, refused: 0 };

/** The counts after one more row. */
export function countOutcome(counts: ImportCounts, outcome: ImportRowOutcome): ImportCounts {
  const next = { ...counts, rowsDone: counts.rowsDone + 1 };
  switch (outcome) {
    case 'create':
      return { ...next, created: counts.created + 1 };
    case 'update':
      return { ...next, updated: counts.updated + 1 };
    case 'skip-duplicate-in-file':
    case 'skip-existing':
      return { ...next, skipped: counts.skipped + 1 };
    case 'refused':
      return { ...next, refused: counts.refused + 1 };
    default:
      return assertNever(outcome);
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

export type UploadClientImport = Command<
  'UploadClientImport',
  {
    jobId: string;
    format: ImportFileFormat;
    /** The object-store key of the file (ids only). */
    fileKey: string;
    headers: readonly string[];
    mapping: ColumnMapping;
    unknownColumns: readonly UnknownColumn[];
    /** Data rows (the header row not counted). */
    rowsTotal: number;
    /** When the stored file is removed if the job is abandoned (it holds personal data). */
    fileExpiresAt: Date;
  }
>;
export type ChangeImportMapping = Command<'ChangeImportMapping', { jobId: string; mapping: ColumnMapping }>;
export type StartImportDryRun = Command<'StartImportDryRun', { jobId: string; existingClients: ExistingClientsPolicy }>;
export type CompleteImportDryRun = Command<'CompleteImportDryRun', { jobId: string; counts: ImportCounts }>;
export type StartClientImport = Command<'StartClientImport', { jobId: string; existingClients: ExistingClientsPolicy }>;
/** A checkpoint: every row up to `lastRow` (spreadsheet row number) is done. */
export type RecordImportProgress = Command<'RecordImportProgress', { jobId: string; lastRow: number; counts: ImportCounts }>;
export type CompleteClientImport = Command<'CompleteClientImport', { jobId: string; counts: ImportCounts }>;
export type CancelClientImport = Command<'CancelClientImport', { jobId: string }>;
/** The file could not be read to the end (or vanished): the job stops, naming the reason. */
export type FailClientImport = Command<'FailClientImport', { jobId: string; code: string; reason: string }>;
/** The stored file is gone (job ended or abandoned): recorded so nothing looks for it again. */
export type NoteImportFileRemoved = Command<'NoteImportFileRemoved', { jobId: string }>;

export type ClientImportCommand =
  | UploadClientImport
  | ChangeImportMapping
  | StartImportDryRun
  | CompleteImportDryRun
  | StartClientImport
  | RecordImportProgress
  | CompleteClientImport
  | CancelClientImport
  | FailClientImport
  | NoteImportFileRemoved;

// ---------------------------------------------------------------------------------------------
// Events

export type ClientImportUploaded = Event<
  'ClientImportUploaded',
  {
    jobId: string;
    format: ImportFileFormat;
    fileKey: string;
    headers: readonly string[];
    mapping: ColumnMapping;
    unknownColumns: readonly UnknownColumn[];
    rowsTotal: number;
    /** The staff member who uploaded it: the actor of every row's command. */
    uploadedBy: string;
    /** Where it was uploaded, when the request said. */
    salonId: string | null;
    uploadedAt: string;
    fileExpiresAt: string;
  }
>;
export type ImportMappingChanged = Event<'ImportMappingChanged', { jobId: string; mapping: ColumnMapping; changedAt: string }>;
export type ImportDryRunStarted = Event<'ImportDryRunStarted', { jobId: string; existingClients: ExistingClientsPolicy; startedAt: string }>;
export type ImportDryRunCompleted = Event<'ImportDryRunCompleted', { jobId: string; counts: ImportCounts; completedAt: string }>;
export type ClientImportStarted = Event<'ClientImportStarted', { jobId: string; existingClients: ExistingClientsPolicy; startedAt: string }>;
export type ClientImportProgressed = Event<
  'ClientImportProgressed',
  { jobId: string; lastRow: number; counts: ImportCounts; recordedAt: string }
>;
export type ClientImportCompleted = Event<'ClientImportCompleted', { jobId: string; counts: ImportCounts; completedAt: string }>;
export type ClientImportCancelled = Event<'ClientImportCancelled', { jobId: string; cancelledAt: string }>;
export type ClientImportFailed = Event<'ClientImportFailed', { jobId: string; code: string; reason: string; failedAt: string }>;
export type ImportFileRemoved = Event<'ImportFileRemoved', { jobId: string; removedAt: string }>;

export type ClientImportEvent =
  | ClientImportUploaded
  | ImportMappingChanged
  | ImportDryRunStarted
  | ImportDryRunCompleted
  | ClientImportStarted
  | ClientImportProgressed
  | ClientImportCompleted
  | ClientImportCancelled
  | ClientImportFailed
  | ImportFileRemoved;

/** Nothing in a job's events is personal: ids, counts, row numbers and the header row's texts. */
export const clientImportEventCatalog: EventCatalog<ClientImportEvent> = {
  ClientImportUploaded: { schemaVersion: 1 },
  ImportMappingChanged: { schemaVersion: 1 },
  ImportDryRunStarted: { schemaVersion: 1 },
  ImportDryRunCompleted: { schemaVersion: 1 },
  ClientImportStarted: { schemaVersion: 1 },
  ClientImportProgressed: { schemaVersion: 1 },
  ClientImportCompleted: { schemaVersion: 1 },
  ClientImportCancelled: { schemaVersion: 1 },
  ClientImportFailed: { schemaVersion: 1 },
  ImportFileRemoved: { schemaVersion: 1 },
};

// ---------------------------------------------------------------------------------------------
// State

export type ClientImportStatus =
  | 'uploaded'
  | 'dry-run-running'
  | 'dry-run-completed'
  | 'running'
  | 'completed'
  | 'cancelled'
  | 'failed';

export interface ClientImportJob {
  readonly jobId: string;
  readonly status: ClientImportStatus;
  readonly format: ImportFileFormat;
  readonly fileKey: string;
  readonly fileRemoved: boolean;
  readonly fileExpiresAt: string;
  readonly headers: readonly string[];
  readonly mapping: ColumnMapping;
  readonly unknownColumns: readonly UnknownColumn[];
  readonly rowsTotal: number;
  readonly uploadedBy: string;
  readonly salonId: string | null;
  /** The policy of the dry run or the import under way (or last run). */
  readonly existingClients?: ExistingClientsPolicy;
  readonly dryRun?: ImportCounts;
  /** The import's last checkpoint: rows up to `lastRow` are done, with these counts. */
  readonly checkpoint?: { readonly lastRow: number; readonly counts: ImportCounts };
  readonly result?: ImportCounts;
  readonly failure?: { readonly code: string; readonly reason: string };
}

export type ClientImportState = { readonly status: 'none' } | ClientImportJob;

const FINAL_STATUSES: readonly ClientImportStatus[] = ['completed', 'cancelled', 'failed'];

export function isFinished(job: ClientImportJob): boolean {
  return FINAL_STATUSES.includes(job.status);
}

// ---------------------------------------------------------------------------------------------
// Decisions

function upload({ data, metadata }: UploadClientImport, state: ClientImportState): ClientImportEvent[] {
  // The same upload again (a retried request) lands on the same job id and records nothing.
  if (state.status !== 'none') return [];
  return [
    {
      type: 'ClientImportUploaded',
      data: {
        jobId: data.jobId,
        format: data.format,
        fileKey: data.fileKey,
        headers: data.headers,
        mapping: data.mapping,
        unknownColumns: data.unknownColumns,
        rowsTotal: data.rowsTotal,
        uploadedBy: metadata.actorId ?? 'system',
        salonId: metadata.salonId ?? null,
        uploadedAt: metadata.now.toISOString(),
        fileExpiresAt: data.fileExpiresAt.toISOString(),
      },
    },
  ];
}

function changeMapping({ data, metadata }: ChangeImportMapping, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  requireStatus(job, ['uploaded', 'dry-run-completed'], 'The mapping can be changed before the import starts, not while a dry run runs');
  const problems = mappingProblems(data.mapping, job.headers.length);
  if (problems.length > 0) {
    throw DomainError.invalid('invalid-mapping', problems[0].reason, { field: problems[0].field, errors: problems });
  }
  if (sameMapping(job.mapping, data.mapping)) return [];
  return [{ type: 'ImportMappingChanged', data: { jobId: job.jobId, mapping: data.mapping, changedAt: metadata.now.toISOString() } }];
}

function startDryRun({ data, metadata }: StartImportDryRun, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  if (job.status === 'dry-run-running' && job.existingClients === data.existingClients) return [];
  requireStatus(job, ['uploaded', 'dry-run-completed'], 'A dry run can be started before the import starts');
  requireFile(job);
  return [
    { type: 'ImportDryRunStarted', data: { jobId: job.jobId, existingClients: data.existingClients, startedAt: metadata.now.toISOString() } },
  ];
}

function completeDryRun({ data, metadata }: CompleteImportDryRun, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  // A dry run cancelled (or restarted) meanwhile: its result is nobody's any more.
  if (job.status !== 'dry-run-running') return [];
  return [{ type: 'ImportDryRunCompleted', data: { jobId: job.jobId, counts: data.counts, completedAt: metadata.now.toISOString() } }];
}

function startImport({ data, metadata }: StartClientImport, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  if (job.status === 'running' && job.existingClients === data.existingClients) return [];
  if (job.status === 'completed') return [];
  requireStatus(job, ['dry-run-completed'], 'The import runs after a completed dry run of the current mapping');
  requireFile(job);
  return [
    { type: 'ClientImportStarted', data: { jobId: job.jobId, existingClients: data.existingClients, startedAt: metadata.now.toISOString() } },
  ];
}

function recordProgress({ data, metadata }: RecordImportProgress, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  if (job.status !== 'running') return [];
  // A resumed runner repeats the rows after the last checkpoint: an older checkpoint changes nothing.
  if (job.checkpoint !== undefined && data.lastRow <= job.checkpoint.lastRow) return [];
  return [
    {
      type: 'ClientImportProgressed',
      data: { jobId: job.jobId, lastRow: data.lastRow, counts: data.counts, recordedAt: metadata.now.toISOString() },
    },
  ];
}

function completeImport({ data, metadata }: CompleteClientImport, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  if (job.status !== 'running') return [];
  return [{ type: 'ClientImportCompleted', data: { jobId: job.jobId, counts: data.counts, completedAt: metadata.now.toISOString() } }];
}

function cancel({ data, metadata }: CancelClientImport, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  if (job.status === 'cancelled') return [];
  if (job.status === 'completed' || job.status === 'failed') {
    throw DomainError.conflict('import-finished', `The import is ${job.status}; there is nothing to cancel`, { jobId: job.jobId });
  }
  return [{ type: 'ClientImportCancelled', data: { jobId: job.jobId, cancelledAt: metadata.now.toISOString() } }];
}

function fail({ data, metadata }: FailClientImport, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  if (isFinished(job)) return [];
  return [
    { type: 'ClientImportFailed', data: { jobId: job.jobId, code: data.code, reason: data.reason, failedAt: metadata.now.toISOString() } },
  ];
}

function noteFileRemoved({ data, metadata }: NoteImportFileRemoved, state: ClientImportState): ClientImportEvent[] {
  const job = requireJob(state, data.jobId);
  if (job.fileRemoved) return [];
  return [{ type: 'ImportFileRemoved', data: { jobId: job.jobId, removedAt: metadata.now.toISOString() } }];
}

function requireJob(state: ClientImportState, jobId: string): ClientImportJob {
  if (state.status === 'none') throw DomainError.notFound('import-not-found', 'There is no such import', { jobId });
  return state;
}

function requireStatus(job: ClientImportJob, allowed: readonly ClientImportStatus[], reason: string): void {
  if (!allowed.includes(job.status)) {
    throw DomainError.conflict('import-in-wrong-state', `${reason} (the import is ${job.status})`, { jobId: job.jobId, status: job.status });
  }
}

function requireFile(job: ClientImportJob): void {
  if (job.fileRemoved) {
    throw DomainError.conflict('import-file-removed', 'The uploaded file was removed (it is kept for a limited time); upload it again', {
      jobId: job.jobId,
    });
  }
}

function sameMapping(a: ColumnMapping, b: ColumnMapping): boolean {
  const key = (mapping: ColumnMapping) =>
    [...mapping]
      .sort((x, y) => x.column - y.column)
      .map(({ column, field }) => `${column}:${field}`)
      .join(',');
  return key(a) === key(b);
}

// ---------------------------------------------------------------------------------------------
// Evolution

function evolve(state: ClientImportState, event: ClientImportEvent): ClientImportState {
  if (event.type === 'ClientImportUploaded') {
    const { uploadedAt: _uploadedAt, ...data } = event.data;
    return { ...data, status: 'uploaded', fileRemoved: false };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ImportMappingChanged':
      // A new mapping makes the last dry run's answer stale: another dry run comes first.
      return { ...state, status: 'uploaded', mapping: event.data.mapping, dryRun: undefined };
    case 'ImportDryRunStarted':
      return { ...state, status: 'dry-run-running', existingClients: event.data.existingClients, dryRun: undefined };
    case 'ImportDryRunCompleted':
      return { ...state, status: 'dry-run-completed', dryRun: event.data.counts };
    case 'ClientImportStarted':
      return { ...state, status: 'running', existingClients: event.data.existingClients, checkpoint: undefined };
    case 'ClientImportProgressed':
      return { ...state, checkpoint: { lastRow: event.data.lastRow, counts: event.data.counts } };
    case 'ClientImportCompleted':
      return { ...state, status: 'completed', result: event.data.counts };
    case 'ClientImportCancelled':
      return { ...state, status: 'cancelled' };
    case 'ClientImportFailed':
      return { ...state, status: 'failed', failure: { code: event.data.code, reason: event.data.reason } };
    case 'ImportFileRemoved':
      return { ...state, fileRemoved: true };
    default:
      return assertNever(event);
  }
}

function decide(command: ClientImportCommand, state: ClientImportState): ClientImportEvent[] {
  switch (command.type) {
    case 'UploadClientImport':
      return upload(command, state);
    case 'ChangeImportMapping':
      return changeMapping(command, state);
    case 'StartImportDryRun':
      return startDryRun(command, state);
    case 'CompleteImportDryRun':
      return completeDryRun(command, state);
    case 'StartClientImport':
      return startImport(command, state);
    case 'RecordImportProgress':
      return recordProgress(command, state);
    case 'CompleteClientImport':
      return completeImport(command, state);
    case 'CancelClientImport':
      return cancel(command, state);
    case 'FailClientImport':
      return fail(command, state);
    case 'NoteImportFileRemoved':
      return noteFileRemoved(command, state);
    default:
      return assertNever(command);
  }
}

/** An import job as a pure decider. */
export const clientImportDecider: Decider<ClientImportState, ClientImportCommand, ClientImportEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};
