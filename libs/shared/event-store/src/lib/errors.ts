import { ExpectedRevision } from './event-store.port';

/** Another writer changed the stream since the caller read it. The HTTP layer answers 409. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expectedRevision: ExpectedRevision,
    readonly actualRevision: bigint | 'no_stream',
  ) {
    super(
      `Stream "${streamName}" was expected at revision ${String(expectedRevision)} but is at ${String(actualRevision)}`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * The event store cannot be reached or did not answer in time (server down, restarting, leader
 * change, deadline). Transient: the same call may succeed later. The HTTP layer answers 503
 * `event-store-unavailable`; subscriptions resubscribe after it.
 */
export class EventStoreUnavailableError extends Error {
  constructor(
    /** What failed, in the store's own words (a gRPC status, "connect ECONNREFUSED ..."): no event data. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The event store is unavailable: ${reason}`, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** The stream was deleted (tombstoned) in the store: nothing can be read from or appended to it again. */
export class StreamDeletedError extends Error {
  constructor(readonly streamName: string) {
    super(`Stream "${streamName}" is deleted`);
    this.name = 'StreamDeletedError';
  }
}

/**
 * An event's data or metadata is not JSON (a BigInt, a cycle, a function as the whole value):
 * refused before anything is sent to the store, so nothing is appended. A bug of the caller.
 * The message names the event's type and id and the serialiser's reason, never a value.
 */
export class EventSerialisationError extends Error {
  constructor(
    readonly streamName: string,
    readonly eventId: string,
    readonly eventType: string,
    readonly part: 'data' | 'metadata',
    reason: string,
  ) {
    super(`The ${part} of event ${eventId} (${eventType}) for stream "${streamName}" is not JSON: ${reason}`);
    this.name = 'EventSerialisationError';
  }
}
