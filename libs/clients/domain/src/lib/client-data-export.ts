import { Command, Decider, DomainError, Event, EventCatalog, assertNever } from '@salon/shared/ddd';

// ---------------------------------------------------------------------------------------------
// The client's data package (GDPR Art. 15 access, Art. 20 portability): its requests, their
// packages and every link issued to one, on a stream of the client's own beside the client stream
// (`data-exports-<clientId>`). Apart from it because the client stream is what every client
// command reads and what the clients topic publishes: downloads of packages are neither.
// Nothing here is personal: ids, times, sizes, digests.

const DATA_EXPORT_STREAM_PREFIX = 'data-exports-';
export const DATA_EXPORT_STREAM_PREFIXES = [DATA_EXPORT_STREAM_PREFIX] as const;

export function toDataExportStreamName(clientId: string): string {
  return `${DATA_EXPORT_STREAM_PREFIX}${clientId}`;
}

export function clientIdOfDataExportStream(streamName: string): string {
  if (!streamName.startsWith(DATA_EXPORT_STREAM_PREFIX) || streamName.length === DATA_EXPORT_STREAM_PREFIX.length) {
    throw new Error(`"${streamName}" is not a data-export stream`);
  }
  return streamName.slice(DATA_EXPORT_STREAM_PREFIX.length);
}

/** Every package of the client lies under this prefix (ids only): erasure removes it whole. */
export function dataExportPrefix(tenantId: string, clientId: string): string {
  return `tenant/${tenantId}/client/${clientId}/data-export/`;
}

/** The one zip of a request. */
export function dataExportKey(tenantId: string, clientId: string, requestId: string): string {
  return `${dataExportPrefix(tenantId, clientId)}${requestId}.zip`;
}

/** The most a download link may live (GDPR practice and S3's presign limit both allow more; we do not). */
export const MAX_DATA_EXPORT_LINK_SECONDS = 24 * 60 * 60;

/** The languages README.html is written in. */
export const DATA_PACKAGE_LANGUAGES = ['pl', 'ru', 'en'] as const;
export type DataPackageLanguage = (typeof DATA_PACKAGE_LANGUAGES)[number];

/** What the client stream says of the client when a package is asked for. */
export type ClientStanding = 'active' | 'erased' | 'deleted' | 'unregistered';

// ---------------------------------------------------------------------------------------------
// Commands

/** `language`: README.html's, when the requester chose one (else the deployment's default). */
export type RequestDataExport = Command<'RequestDataExport', { clientId: string; requestId: string; client: ClientStanding; language?: DataPackageLanguage }>;
export type CompleteDataExport = Command<
  'CompleteDataExport',
  { clientId: string; requestId: string; byteLength: number; sha256: string; retentionDays: number }
>;
/** The job found the client gone (erased or deleted after the request): there is nothing to export. */
export type RefuseDataExport = Command<'RefuseDataExport', { clientId: string; requestId: string; because: 'client-erased' | 'client-deleted' }>;
export type IssueDataExportLink = Command<'IssueDataExportLink', { clientId: string; requestId: string; linkExpiresAt: string }>;
/** The service itself hands the zip out (GET …/package): recorded before the first byte goes. */
export type DeliverDataExport = Command<'DeliverDataExport', { clientId: string; requestId: string }>;
export type ExpireDataExport = Command<'ExpireDataExport', { clientId: string; requestId: string }>;
/** The client was erased or deleted: every package was removed from the store. */
export type DiscardDataExports = Command<'DiscardDataExports', { clientId: string; because: 'erased' | 'deleted' }>;

export type DataExportCommand =
  | RequestDataExport
  | CompleteDataExport
  | RefuseDataExport
  | IssueDataExportLink
  | DeliverDataExport
  | ExpireDataExport
  | DiscardDataExports;

// ---------------------------------------------------------------------------------------------
// Events (who: the event metadata's actorId; when: the times below)

export type ClientDataExportRequested = Event<
  'ClientDataExportRequested',
  { clientId: string; requestId: string; requestedAt: string; language?: DataPackageLanguage }
>;
export type ClientDataExportCompleted = Event<
  'ClientDataExportCompleted',
  { clientId: string; requestId: string; byteLength: number; sha256: string; completedAt: string; expiresAt: string }
>;
export type ClientDataExportRefused = Event<
  'ClientDataExportRefused',
  { clientId: string; requestId: string; because: 'client-erased' | 'client-deleted'; refusedAt: string }
>;
/**
 * A presigned link was issued (the name is older than the distinction): what the store then
 * serves through it is not seen by this service, so its uses are not recorded one by one.
 */
export type ClientDataExportDownloaded = Event<
  'ClientDataExportDownloaded',
  { clientId: string; requestId: string; linkIssuedAt: string; linkExpiresAt: string }
>;
/** One download through the service itself: who (metadata actorId) and when. */
export type ClientDataExportDelivered = Event<'ClientDataExportDelivered', { clientId: string; requestId: string; deliveredAt: string }>;
export type ClientDataExportExpired = Event<'ClientDataExportExpired', { clientId: string; requestId: string; expiredAt: string }>;
export type ClientDataExportsDiscarded = Event<'ClientDataExportsDiscarded', { clientId: string; because: 'erased' | 'deleted'; discardedAt: string }>;

export type DataExportEvent =
  | ClientDataExportRequested
  | ClientDataExportCompleted
  | ClientDataExportRefused
  | ClientDataExportDownloaded
  | ClientDataExportDelivered
  | ClientDataExportExpired
  | ClientDataExportsDiscarded;

/** None holds personal data: ids, times, a size and a digest of the zip. */
export const dataExportEventCatalog: EventCatalog<DataExportEvent> = {
  ClientDataExportRequested: { schemaVersion: 1 },
  ClientDataExportCompleted: { schemaVersion: 1 },
  ClientDataExportRefused: { schemaVersion: 1 },
  ClientDataExportDownloaded: { schemaVersion: 1 },
  ClientDataExportDelivered: { schemaVersion: 1 },
  ClientDataExportExpired: { schemaVersion: 1 },
  ClientDataExportsDiscarded: { schemaVersion: 1 },
};

// ---------------------------------------------------------------------------------------------
// State

export type DataExportStatus = 'pending' | 'ready' | 'refused' | 'expired' | 'discarded';

export interface DataExportRequest {
  readonly requestId: string;
  readonly status: DataExportStatus;
  readonly requestedAt: string;
  readonly completedAt?: string;
  /** When the package is deleted (ready packages only). */
  readonly expiresAt?: string;
  readonly byteLength?: number;
  readonly sha256?: string;
  readonly refusedBecause?: 'client-erased' | 'client-deleted';
  readonly downloadLinksIssued: number;
  /** Downloads the service handed out itself. */
  readonly deliveries: number;
}

export interface DataExportState {
  readonly requests: Readonly<Record<string, DataExportRequest>>;
  /** Set once the client was erased or deleted: no package is made again. */
  readonly discarded: boolean;
}

// ---------------------------------------------------------------------------------------------
// Decisions

function request({ data, metadata }: RequestDataExport, state: DataExportState): DataExportEvent[] {
  refuseGone(data.client, state, data.clientId);
  // A retried request (same Idempotency-Key, so the same request id) records nothing twice.
  if (state.requests[data.requestId]) return [];
  return [
    {
      type: 'ClientDataExportRequested',
      data: { clientId: data.clientId, requestId: data.requestId, requestedAt: metadata.now.toISOString(), ...(data.language ? { language: data.language } : {}) },
    },
  ];
}

function complete({ data, metadata }: CompleteDataExport, state: DataExportState): DataExportEvent[] {
  const found = requireRequest(state, data.requestId);
  if (found.status !== 'pending') return [];
  if (!Number.isSafeInteger(data.retentionDays) || data.retentionDays < 1) throw new Error('the retention of a data package is a whole number of days from 1');
  const expiresAt = new Date(metadata.now.getTime() + data.retentionDays * 86_400_000);
  return [
    {
      type: 'ClientDataExportCompleted',
      data: {
        clientId: data.clientId,
        requestId: data.requestId,
        byteLength: data.byteLength,
        sha256: data.sha256,
        completedAt: metadata.now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
    },
  ];
}

function refuse({ data, metadata }: RefuseDataExport, state: DataExportState): DataExportEvent[] {
  const found = requireRequest(state, data.requestId);
  if (found.status !== 'pending') return [];
  return [{ type: 'ClientDataExportRefused', data: { clientId: data.clientId, requestId: data.requestId, because: data.because, refusedAt: metadata.now.toISOString() } }];
}

function issueLink({ data, metadata }: IssueDataExportLink, state: DataExportState): DataExportEvent[] {
  requireReady(state, data.requestId);
  return [
    {
      type: 'ClientDataExportDownloaded',
      data: { clientId: data.clientId, requestId: data.requestId, linkIssuedAt: metadata.now.toISOString(), linkExpiresAt: data.linkExpiresAt },
    },
  ];
}

function deliver({ data, metadata }: DeliverDataExport, state: DataExportState): DataExportEvent[] {
  requireReady(state, data.requestId);
  return [{ type: 'ClientDataExportDelivered', data: { clientId: data.clientId, requestId: data.requestId, deliveredAt: metadata.now.toISOString() } }];
}

function requireReady(state: DataExportState, requestId: string): void {
  const found = requireRequest(state, requestId);
  if (found.status !== 'ready') {
    throw DomainError.conflict('data-export-not-ready', `The data package is ${found.status}: there is nothing to download.`, {
      requestId,
      status: found.status,
    });
  }
}

function expire({ data, metadata }: ExpireDataExport, state: DataExportState): DataExportEvent[] {
  const found = requireRequest(state, data.requestId);
  if (found.status !== 'ready') return [];
  return [{ type: 'ClientDataExportExpired', data: { clientId: data.clientId, requestId: data.requestId, expiredAt: metadata.now.toISOString() } }];
}

function discard({ data, metadata }: DiscardDataExports, state: DataExportState): DataExportEvent[] {
  if (state.discarded) return [];
  return [{ type: 'ClientDataExportsDiscarded', data: { clientId: data.clientId, because: data.because, discardedAt: metadata.now.toISOString() } }];
}

/**
 * An erased client's data is crypto-shredded: there is nothing left to put in a package. The
 * message names no personal data (there is none to name): the archived number is on the card.
 */
function refuseGone(client: ClientStanding, state: DataExportState, clientId: string): void {
  if (client === 'unregistered') throw DomainError.notFound('client-not-found', 'There is no such client in your salon chain.', { clientId });
  if (client === 'erased' || (state.discarded && client !== 'deleted')) {
    throw DomainError.conflict('client-erased', 'The client was erased: their personal data is gone, so no data package can be produced.', { clientId });
  }
  if (client === 'deleted') {
    throw DomainError.conflict('client-deleted', 'The client was deleted: their personal data is gone, so no data package can be produced.', { clientId });
  }
}

function requireRequest(state: DataExportState, requestId: string): DataExportRequest {
  const found = state.requests[requestId];
  if (!found) throw DomainError.notFound('data-export-not-found', 'There is no such data package request for this client.', { requestId });
  return found;
}

// ---------------------------------------------------------------------------------------------
// Evolution

function withRequest(state: DataExportState, requestId: string, change: (found: DataExportRequest) => DataExportRequest): DataExportState {
  const found = state.requests[requestId];
  return found ? { ...state, requests: { ...state.requests, [requestId]: change(found) } } : state;
}

function evolve(state: DataExportState, event: DataExportEvent): DataExportState {
  switch (event.type) {
    case 'ClientDataExportRequested':
      return {
        ...state,
        requests: {
          ...state.requests,
          [event.data.requestId]: { requestId: event.data.requestId, status: 'pending', requestedAt: event.data.requestedAt, downloadLinksIssued: 0, deliveries: 0 },
        },
      };
    case 'ClientDataExportCompleted': {
      const { completedAt, expiresAt, byteLength, sha256 } = event.data;
      return withRequest(state, event.data.requestId, (found) => ({ ...found, status: 'ready', completedAt, expiresAt, byteLength, sha256 }));
    }
    case 'ClientDataExportRefused':
      return withRequest(state, event.data.requestId, (found) => ({ ...found, status: 'refused', refusedBecause: event.data.because }));
    case 'ClientDataExportDownloaded':
      return withRequest(state, event.data.requestId, (found) => ({ ...found, downloadLinksIssued: found.downloadLinksIssued + 1 }));
    case 'ClientDataExportDelivered':
      return withRequest(state, event.data.requestId, (found) => ({ ...found, deliveries: found.deliveries + 1 }));
    case 'ClientDataExportExpired':
      return withRequest(state, event.data.requestId, (found) => ({ ...found, status: 'expired' }));
    case 'ClientDataExportsDiscarded':
      return {
        discarded: true,
        requests: Object.fromEntries(
          Object.entries(state.requests).map(([id, found]) => [id, found.status === 'ready' || found.status === 'pending' ? { ...found, status: 'discarded' as const } : found]),
        ),
      };
    default:
      return assertNever(event);
  }
}

function decide(command: DataExportCommand, state: DataExportState): DataExportEvent[] {
  switch (command.type) {
    case 'RequestDataExport':
      return request(command, state);
    case 'CompleteDataExport':
      return complete(command, state);
    case 'RefuseDataExport':
      return refuse(command, state);
    case 'IssueDataExportLink':
      return issueLink(command, state);
    case 'DeliverDataExport':
      return deliver(command, state);
    case 'ExpireDataExport':
      return expire(command, state);
    case 'DiscardDataExports':
      return discard(command, state);
    default:
      return assertNever(command);
  }
}

export const dataExportDecider: Decider<DataExportState, DataExportCommand, DataExportEvent> = {
  initialState: () => ({ requests: {}, discarded: false }),
  evolve,
  decide,
};
