import type { MediaEventsV1 } from '@salon/contracts';
import { Command, Decider, DomainError, Event, EventCatalog, assertNever } from '@salon/shared/ddd';

// ---------------------------------------------------------------------------------------------
// Streams

/**
 * One stream per client of the media context (`photos-<clientId>`): which of the client's photos is current, and
 * whether the client's photos were erased. Not `client-…`: that prefix is the clients context's
 * own streams, which its relay reads.
 */
const PHOTOS_STREAM_PREFIX = 'photos-';

export function toClientPhotosStreamName(clientId: string): string {
  return `${PHOTOS_STREAM_PREFIX}${clientId}`;
}

export function clientIdOfPhotosStream(streamName: string): string {
  if (!streamName.startsWith(PHOTOS_STREAM_PREFIX) || streamName.length === PHOTOS_STREAM_PREFIX.length) {
    throw new Error(`"${streamName}" is not a client-photos stream`);
  }
  return streamName.slice(PHOTOS_STREAM_PREFIX.length);
}

export const CLIENT_PHOTOS_STREAM_PREFIXES = [PHOTOS_STREAM_PREFIX] as const;

// ---------------------------------------------------------------------------------------------
// Commands and events

export interface StoredPhoto {
  readonly photoId: string;
  readonly format: string;
  readonly sizes: readonly number[];
  readonly byteLength: number;
  readonly original: { readonly contentType: string; readonly extension: string };
}

/** The photo's objects are in the store and the clients context took its reference. */
export type RecordStoredPhoto = Command<'RecordStoredPhoto', StoredPhoto & { readonly clientId: string }>;
export type DiscardPhoto = Command<'DiscardPhoto', { readonly clientId: string }>;
export type EraseClientPhotos = Command<'EraseClientPhotos', { readonly clientId: string; readonly because: 'erased' | 'deleted' }>;
export type ClientPhotosCommand = RecordStoredPhoto | DiscardPhoto | EraseClientPhotos;

/** The domain events are the contract's shapes (the relay publishes them as recorded). */
export type ClientPhotoStored = Event<'ClientPhotoStored', MediaEventsV1['ClientPhotoStored']>;
export type ClientPhotoDiscarded = Event<'ClientPhotoDiscarded', MediaEventsV1['ClientPhotoDiscarded']>;
export type ClientPhotosErased = Event<'ClientPhotosErased', MediaEventsV1['ClientPhotosErased']>;
export type ClientPhotosEvent = ClientPhotoStored | ClientPhotoDiscarded | ClientPhotosErased;

/**
 * None of them holds personal data: ids (a random photo id), a format, pixel widths, a byte
 * count and times. The image itself is only in the object store, under keys made of ids.
 */
export const clientPhotosEventCatalog: EventCatalog<ClientPhotosEvent> = {
  ClientPhotoStored: { schemaVersion: 1 },
  ClientPhotoDiscarded: { schemaVersion: 1 },
  ClientPhotosErased: { schemaVersion: 1 },
};

// ---------------------------------------------------------------------------------------------
// State

export interface ClientPhotosState {
  readonly current: StoredPhoto | null;
  /** Set once the client was erased or deleted: no photo is stored for them again. */
  readonly erased: boolean;
}

function recordStored({ data, metadata }: RecordStoredPhoto, state: ClientPhotosState): ClientPhotosEvent[] {
  refuseErased(state, data.clientId);
  // A retried upload (same Idempotency-Key, same photo id) records it once.
  if (state.current?.photoId === data.photoId) return [];
  const { clientId, photoId, format, sizes, byteLength, original } = data;
  const replaced = state.current ? { replacedPhotoId: state.current.photoId } : {};
  return [
    {
      type: 'ClientPhotoStored',
      data: { clientId, photoId, format, sizes: [...sizes], byteLength, original: { ...original }, ...replaced, storedAt: metadata.now.toISOString() },
    },
  ];
}

function discard({ data, metadata }: DiscardPhoto, state: ClientPhotosState): ClientPhotosEvent[] {
  refuseErased(state, data.clientId);
  if (!state.current) return [];
  return [{ type: 'ClientPhotoDiscarded', data: { clientId: data.clientId, photoId: state.current.photoId, discardedAt: metadata.now.toISOString() } }];
}

function erase({ data, metadata }: EraseClientPhotos, state: ClientPhotosState): ClientPhotosEvent[] {
  // A redelivered erasure (or a deletion after it) finds nothing more to record.
  if (state.erased) return [];
  return [{ type: 'ClientPhotosErased', data: { clientId: data.clientId, because: data.because, erasedAt: metadata.now.toISOString() } }];
}

/** An erased or deleted client reads like one that never was, as everywhere else. */
function refuseErased(state: ClientPhotosState, clientId: string): void {
  if (state.erased) throw DomainError.notFound('client-not-found', 'There is no such client in your salon chain.', { clientId });
}

function evolve(state: ClientPhotosState, event: ClientPhotosEvent): ClientPhotosState {
  switch (event.type) {
    case 'ClientPhotoStored': {
      const { photoId, format, sizes, byteLength, original } = event.data;
      return { ...state, current: { photoId, format, sizes, byteLength, original } };
    }
    case 'ClientPhotoDiscarded':
      return { ...state, current: null };
    case 'ClientPhotosErased':
      return { current: null, erased: true };
    default:
      return assertNever(event);
  }
}

function decide(command: ClientPhotosCommand, state: ClientPhotosState): ClientPhotosEvent[] {
  switch (command.type) {
    case 'RecordStoredPhoto':
      return recordStored(command, state);
    case 'DiscardPhoto':
      return discard(command, state);
    case 'EraseClientPhotos':
      return erase(command, state);
    default:
      return assertNever(command);
  }
}

/** A client's photos as a pure decider: at most one current photo; nothing after erasure. */
export const clientPhotosDecider: Decider<ClientPhotosState, ClientPhotosCommand, ClientPhotosEvent> = {
  initialState: () => ({ current: null, erased: false }),
  evolve,
  decide,
};
