/**
 * The event store port. Two adapters implement it (embedded SQLite for machines without an
 * EventStoreDB server, and EventStoreDB itself); one contract suite checks both.
 *
 * Revisions and positions follow EventStoreDB's model so the EventStoreDB adapter is a thin
 * translation: a stream revision counts events in one stream from 0; a global position orders
 * every event in the store ($all).
 */

/** The revision the caller believes the stream is at. */
export type ExpectedRevision =
  | 'no_stream' // the stream must not exist yet
  | 'stream_exists' // the stream must exist, at any revision
  | 'any' // no check
  | bigint; // the stream's last event must have exactly this revision

export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;

/** A position in the global order of all events ($all). Opaque to callers except for ordering. */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: GlobalPosition = Object.freeze({ commit: -1n, prepare: -1n });

/** Metadata stored with every event. tenantId/correlationId/causationId are always present. */
export interface StoredEventMetadata {
  readonly tenantId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** Version of the event's data shape; readers upcast older versions. */
  readonly schemaVersion: number;
  readonly actorId?: string;
  readonly salonId?: string;
  readonly [key: string]: unknown;
}

export interface EventToAppend {
  /** A UUID, unique in its stream. What a retry of the same ids does: see `EventStore.appendToStream`. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: StoredEventMetadata;
  /**
   * When the event was first recorded, for a copy from another store (tools/event-store-copy.ts):
   * read back as its `createdAt`, which consent histories and data packages show. Left out: now.
   */
  readonly recordedAt?: Date;
}

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: StoredEventMetadata;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: GlobalPosition;
  readonly createdAt: Date;
}

export interface AppendResult {
  /** The revision of the last event now in the stream: the next expected revision. */
  readonly nextExpectedRevision: bigint;
  readonly position: GlobalPosition;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to the start, backwards to the end. */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Exclusive: events strictly after (forwards) or before (backwards) this position. */
  readonly after?: GlobalPosition;
  readonly maxCount?: number;
  /** Only events whose stream name starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive: deliver events strictly after this position. Defaults to the very start. */
  readonly after?: GlobalPosition;
  readonly streamPrefixes?: readonly string[];
  /**
   * Told each time the connection to the store was lost (a transient error, or the server ended
   * the subscription) and the subscription will resubscribe after the last delivered event in
   * `retryInMs`; `attempt` counts the failures since the last event or confirmation.
   */
  readonly onInterrupted?: (interruption: { readonly error: Error; readonly attempt: number; readonly retryInMs: number }) => void;
  /** Told when the store confirmed a subscription again after an interruption. */
  readonly onResumed?: () => void;
}

/**
 * A catch-up subscription: first every stored event after the position, then live events,
 * each exactly once and in global order. Iterate with `for await`; `unsubscribe` ends it.
 * A transient failure (the server unreachable, restarting, a leader change, the call ended by
 * the server) does not end it: it resubscribes after the last delivered event, with back-off,
 * for as long as it takes. The iterator throws only on a permanent failure (an event it cannot
 * represent, access denied); it ends only after `unsubscribe` or `close`.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  unsubscribe(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends the events if the stream is at `expectedRevision`, else WrongExpectedRevisionError.
   *
   * Idempotency, what both adapters guarantee (EventStoreDB's own rule): a retry of the same
   * event ids in the same order with the same exact revision or `no_stream` the first attempt
   * used stores nothing and answers with the same next expected revision, also after a restart
   * (the position may be the last event's rather than the one first answered). Nothing else is
   * promised: the same ids at the stream's current revision are stored again; a retry that
   * matches only some of the stored events is a WrongExpectedRevisionError; with `any` or
   * `stream_exists` EventStoreDB recognises a retry only from a cache of recent writes (lost on
   * a restart), so the embedded store stores such a retry again, as EventStoreDB does then.
   * Callers that must not record twice read the stream and look for their ids first
   * (CommandHandler does).
   *
   * Data and metadata must be JSON values: anything else is an EventSerialisationError, and
   * nothing is appended. A store that cannot be reached is an EventStoreUnavailableError.
   */
  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Removes a stream that is still at `expectedRevision` (else WrongExpectedRevisionError, nothing
   * removed): reading it then gives [], and appending with no_stream starts it again. For streams
   * whose very name must not outlive their use (phone reservations). EventStoreDB soft-deletes: the
   * events leave $all only at the next scavenge, and revisions of a restarted stream go on from the
   * old ones, so callers rely on neither.
   */
  deleteStream(streamName: string, options: { readonly expectedRevision: bigint }): Promise<void>;
  /** Resolves to [] for a stream that does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): Subscription;
  close(): Promise<void>;
}

/** Nest injection token for the EventStore port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Positions are stored as text in checkpoints and Kafka headers ("commit/prepare"). */
export function formatPosition(position: GlobalPosition): string {
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): GlobalPosition {
  const match = /^(-?\d+)\/(-?\d+)$/.exec(text);
  if (!match) throw new Error(`Not a global position: "${text}"`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
