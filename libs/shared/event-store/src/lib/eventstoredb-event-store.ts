import * as esdb from '@eventstore/db-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreUnavailableError, StreamDeletedError, WrongExpectedRevisionError } from './errors';
import { serialiseEvent } from './event-serialisation';
import {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEventMetadata,
  SubscribeToAllOptions,
  Subscription,
  comparePositions,
} from './event-store.port';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://127.0.0.1:2113?tls=false`. The client connects lazily, on the first call. */
  readonly connectionString: string;
  /** First pause before a lost subscription subscribes again; doubled per failure up to `maxResubscribeDelayMs`. */
  readonly resubscribeDelayMs?: number;
  readonly maxResubscribeDelayMs?: number;
  /**
   * The deadline an append sends. Client 6.2.1 sends it to the server as a point in time (batch
   * append), which the server compares with its own clock and caps with its write timeout (2 s by
   * default): the default 10 s made every append time out once the client's clock was 10 s
   * behind the server's. Five minutes tolerates that much skew and changes nothing else.
   */
  readonly appendDeadlineMs?: number;
  /**
   * A read (of a stream or of $all) that receives nothing for this long is cancelled with an
   * EventStoreUnavailableError: client 6.2.1 gives reads no deadline at all, so a server that
   * accepted the call and then hung would hold a request forever. 30 s unless said.
   */
  readonly readIdleTimeoutMs?: number;
}

type Direction = 'forwards' | 'backwards';

const DEFAULT_APPEND_DEADLINE_MS = 5 * 60_000;

/**
 * The production adapter: a thin translation of the port onto EventStoreDB / KurrentDB
 * (`@eventstore/db-client` 6.2.1, gRPC). Revisions and positions are EventStoreDB's own; its
 * errors become the port's (WrongExpectedRevisionError, StreamDeletedError, and
 * EventStoreUnavailableError for everything transient: unreachable, deadline, not leader).
 * Idempotent appends are EventStoreDB's own rule, which the port states (see `appendToStream`).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: esdb.EventStoreDBClient;
  /** So `close` can end the iterators of subscriptions that are still open. */
  private readonly openSubscriptions = new Set<Subscription>();
  private closed = false;

  constructor(private readonly options: EventStoreDbEventStoreOptions) {
    this.client = esdb.EventStoreDBClient.connectionString(options.connectionString);
  }

  /**
   * Does not wait for the server: the client connects on first use, so a service can start
   * (and report itself not ready) while EventStoreDB is still down.
   */
  static connect(connectionString: string, options: Omit<EventStoreDbEventStoreOptions, 'connectionString'> = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore({ ...options, connectionString });
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    { expectedRevision }: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('Nothing to append');
    const eventData = events.map((event) => toEventData(streamName, event));
    const result = await this.client
      .appendToStream(streamName, eventData, {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
        deadline: this.options.appendDeadlineMs ?? DEFAULT_APPEND_DEADLINE_MS,
      })
      .catch((error: unknown) => {
        throw toPortError(error, streamName, expectedRevision);
      });
    // Only reached when the connection string sets throwOnAppendFailure=false. Client 6.2.1 then
    // reports the actual revision as 0n or 1n (batch append converts a boolean), so it is read.
    if (!result.success) {
      throw new WrongExpectedRevisionError(streamName, expectedRevision, await this.currentRevision(streamName));
    }
    const position = result.position && !isMissingPosition(result.position) ? result.position : undefined;
    return {
      nextExpectedRevision: result.nextExpectedRevision,
      position: position ?? (await this.positionOfRevision(streamName, result.nextExpectedRevision)),
    };
  }

  async deleteStream(streamName: string, { expectedRevision }: { readonly expectedRevision: bigint }): Promise<void> {
    this.assertOpen();
    await this.client.deleteStream(streamName, { expectedRevision }).catch((error: unknown) => {
      throw toPortError(error, streamName, expectedRevision);
    });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const backwards = options.direction === 'backwards';
    const read = this.client.readStream(streamName, {
      direction: toEsdbDirection(options.direction ?? 'forwards'),
      fromRevision: options.fromRevision ?? (backwards ? esdb.END : esdb.START),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
    read.on('error', ignoreLateErrors);
    const idle = this.watchIdle(read);
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        idle.answered();
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof esdb.StreamNotFoundError) return [];
      throw toPortError(error, streamName);
    } finally {
      idle.stop();
      await cancelQuietly(read);
    }
    return events;
  }

  /**
   * Client 6.2.1 cannot ask the server to filter a read of $all, so system events and other
   * streams are skipped here, reading on until `maxCount` matching events are found: a read of
   * one context's streams goes through every event after `after`.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const direction = options.direction ?? 'forwards';
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const fromPosition = readAllStartFor(direction, options.after);
    if (maxCount <= 0 || fromPosition === undefined) return [];
    const isWanted = (event: esdb.RecordedEvent) =>
      isUserEvent(event) &&
      matchesStreamPrefixes(event.streamId, options.streamPrefixes) &&
      isBeyond(event.position, options.after, direction);

    const read = this.client.readAll({ direction: toEsdbDirection(direction), fromPosition });
    read.on('error', ignoreLateErrors);
    const idle = this.watchIdle(read);
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        idle.answered();
        if (!resolved.event || !isWanted(resolved.event)) continue;
        events.push(toRecordedEvent(resolved.event));
        if (events.length >= maxCount) break;
      }
    } catch (error) {
      throw toPortError(error);
    } finally {
      idle.stop();
      // Also when an event could not be mapped: the gRPC call would otherwise go on reading $all.
      await cancelQuietly(read);
    }
    return events;
  }

  /**
   * A catch-up subscription that survives the server: on a transient error, or when the server
   * ends the call (it never does while all is well), it subscribes again after the last event it
   * delivered, pausing `resubscribeDelayMs` doubled per failure (reset by the next event or
   * confirmation). Each event still comes once and in order: the position check drops what a
   * resubscription repeats.
   */
  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    const prefixes = options.streamPrefixes ?? [];
    const filter = prefixes.length > 0 ? esdb.streamNameFilter({ prefixes: [...prefixes] }) : esdb.excludeSystemEvents();
    const firstDelayMs = this.options.resubscribeDelayMs ?? 500;
    const maxDelayMs = this.options.maxResubscribeDelayMs ?? 10_000;
    const client = this.client;
    const stopping = new AbortController();
    let current: esdb.AllStreamSubscription | undefined;

    const unsubscribe = async (): Promise<void> => {
      if (stopping.signal.aborted) return;
      stopping.abort();
      this.openSubscriptions.delete(subscription);
      const source = current;
      current = undefined;
      if (source) await endSource(source);
    };
    const stopped = new Promise<typeof STOPPED>((resolve) => stopping.signal.addEventListener('abort', () => resolve(STOPPED)));

    async function* deliver(): AsyncGenerator<RecordedEvent> {
      // The server already starts after `after` and filters by prefix; checking again here keeps
      // "strictly after, each once, only these streams" true across resubscriptions.
      let last = options.after;
      let failures = 0;
      try {
        while (!stopping.signal.aborted) {
          const source = client.subscribeToAll({ fromPosition: subscriptionStartFor(last), filter });
          current = source;
          // Errors reach the iterator below; this listener only keeps one emitted after the
          // iterator let go of the stream from being an uncaught 'error' event.
          source.on('error', ignoreLateErrors);
          source.on('confirmation', () => {
            if (failures === 0) return;
            failures = 0;
            options.onResumed?.();
          });
          const incoming = source[Symbol.asyncIterator]();
          try {
            for (;;) {
              const pending = incoming.next();
              pending.catch(() => undefined); // abandoned when the subscription stops first
              const next = await Promise.race([pending, stopped]);
              if (next === STOPPED) return;
              if (next.done) throw new EventStoreUnavailableError('the server ended the subscription');
              const event = next.value.event;
              if (!event || !isUserEvent(event) || !matchesStreamPrefixes(event.streamId, prefixes)) continue;
              if (!isBeyond(event.position, last, 'forwards')) continue;
              const recorded = toRecordedEvent(event);
              failures = 0;
              yield recorded;
              last = recorded.position;
            }
          } catch (error) {
            if (stopping.signal.aborted) return;
            const failure = toPortError(error);
            if (!(failure instanceof EventStoreUnavailableError)) throw failure;
            failures += 1;
            const retryInMs = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(failures - 1, 16));
            options.onInterrupted?.({ error: failure, attempt: failures, retryInMs });
            await sleep(retryInMs, undefined, { signal: stopping.signal }).catch(() => undefined);
          } finally {
            if (current === source) current = undefined;
            await endSource(source);
          }
        }
      } finally {
        await unsubscribe();
      }
    }

    const iterator = deliver();
    const subscription: Subscription = { [Symbol.asyncIterator]: () => iterator, unsubscribe };
    this.openSubscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.openSubscriptions].map((subscription) => subscription.unsubscribe()));
    await this.client.dispose();
  }

  /** Older servers and idempotent retries may answer an append without its position. */
  private async positionOfRevision(streamName: string, revision: bigint): Promise<GlobalPosition> {
    const [event] = await this.readStream(streamName, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`Stream "${streamName}" has no event at revision ${revision} right after appending it`);
    return event.position;
  }

  private async currentRevision(streamName: string): Promise<bigint | 'no_stream'> {
    const [last] = await this.readStream(streamName, { direction: 'backwards', maxCount: 1 });
    return last ? last.revision : 'no_stream';
  }

  /** Fails a read with EventStoreUnavailableError once nothing came for `readIdleTimeoutMs`. */
  private watchIdle(read: { destroy(error?: Error): void }): { answered(): void; stop(): void } {
    const idleMs = this.options.readIdleTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => read.destroy(new EventStoreUnavailableError(`no answer to a read for ${idleMs} ms`)), idleMs);
      timer.unref();
    };
    arm();
    return { answered: arm, stop: () => clearTimeout(timer) };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

const STOPPED = Symbol('stopped');

// ---- Pure translations between the port and the client (exported for unit tests only) ----

export function toEsdbExpectedRevision(expected: ExpectedRevision): esdb.AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return esdb.NO_STREAM;
    case 'stream_exists':
      return esdb.STREAM_EXISTS;
    case 'any':
      return esdb.ANY;
    default:
      return expected;
  }
}

/** The client reports a missing stream as "no_stream" in errors and as -1 in failed append results. */
export function toActualRevision(current: esdb.CurrentRevision): bigint | 'no_stream' {
  return current === esdb.NO_STREAM || current < 0n ? 'no_stream' : current;
}

function toEsdbDirection(direction: Direction): typeof esdb.FORWARDS | typeof esdb.BACKWARDS {
  return direction === 'backwards' ? esdb.BACKWARDS : esdb.FORWARDS;
}

/** Our START, `{-1, -1}`, is the position before every event; EventStoreDB spells it START. */
export function isStartPosition(position: GlobalPosition): boolean {
  return position.commit < 0n && position.prepare < 0n;
}

/**
 * Where an EventStoreDB read of $all begins. Its `fromPosition` is inclusive where our `after`
 * is exclusive; the event exactly at `after` is dropped by `isBeyond`. Undefined when nothing
 * can come before the start.
 */
export function readAllStartFor(direction: Direction, after: GlobalPosition | undefined): esdb.ReadPosition | undefined {
  if (direction === 'forwards') return after === undefined || isStartPosition(after) ? esdb.START : toEsdbPosition(after);
  if (after === undefined) return esdb.END;
  return isStartPosition(after) ? undefined : toEsdbPosition(after);
}

/** A subscription's `fromPosition` is already exclusive in EventStoreDB ("from all, after"). */
export function subscriptionStartFor(after: GlobalPosition | undefined): esdb.ReadPosition {
  return after === undefined || isStartPosition(after) ? esdb.START : toEsdbPosition(after);
}

/** Whether a position lies strictly past the exclusive bound `after` in the reading direction. */
export function isBeyond(position: GlobalPosition | undefined, after: GlobalPosition | undefined, direction: Direction): boolean {
  if (after === undefined) return true;
  if (position === undefined) return false;
  const order = comparePositions(position, after);
  return direction === 'forwards' ? order > 0 : order < 0;
}

/** System streams and events ($stats, $settings, $$metadata, links "$>") belong to the server. */
export function isUserEvent(event: { readonly streamId: string; readonly type: string }): boolean {
  return !event.streamId.startsWith('$') && !event.type.startsWith('$');
}

export function matchesStreamPrefixes(streamName: string, prefixes: readonly string[] | undefined): boolean {
  return !prefixes?.length || prefixes.some((prefix) => streamName.startsWith(prefix));
}

function toEsdbPosition(position: GlobalPosition): esdb.Position {
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * Serialised here, so that data which is not JSON is a clear EventSerialisationError before the
 * client sees it (its own JSON.stringify runs inside a promise executor: a throw there is an
 * unhandled rejection and the append never settles). The client gets plain JSON values back,
 * which it can always serialise.
 */
export function toEventData(streamName: string, event: EventToAppend): esdb.EventData {
  const { data, metadata } = serialiseEvent(streamName, event);
  const stored = JSON.parse(metadata) as Record<string, esdb.JSONType>;
  return esdb.jsonEvent({
    id: event.id,
    type: event.type,
    data: JSON.parse(data) as esdb.JSONType,
    // EventStoreDB sets an event's `created` itself: a copied event's first time rides in its metadata.
    metadata: event.recordedAt ? { ...stored, [RECORDED_AT]: event.recordedAt.toISOString() } : stored,
  });
}

/** The metadata key of an event's first recording time, when it was copied from another store (stripped on reading). */
export const RECORDED_AT = '$recordedAt';

/**
 * The server sends protobuf fields, never "nothing": an event without a position comes as
 * 2^64-1 (its -1) or, from servers that do not set it, 0/0 (the protobuf default; no event of a
 * real log is at 0, where the log's first epoch record is).
 */
export function isMissingPosition(position: esdb.Position | undefined): boolean {
  return (
    position === undefined ||
    (position.commit === 0n && position.prepare === 0n) ||
    position.commit === NO_POSITION ||
    position.prepare === NO_POSITION
  );
}

const NO_POSITION = 2n ** 64n - 1n;

/** gRPC status codes that mean "not now" rather than "never" (the client leaves some unconverted). */
const TRANSIENT_GRPC_CODES = new Set([1 /* CANCELLED */, 2 /* UNKNOWN */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/** Whether an error of the client is worth retrying: the server unreachable, restarting, not the leader, late. */
export function isTransientEsdbError(error: unknown): boolean {
  if (
    error instanceof esdb.UnavailableError ||
    error instanceof esdb.DeadlineExceededError ||
    error instanceof esdb.CancelledError ||
    error instanceof esdb.NotLeaderError ||
    error instanceof esdb.UnknownError ||
    error instanceof esdb.TimeoutError
  ) {
    return true;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code);
}

/** The client's errors in the port's terms; anything else passes through. */
export function toPortError(error: unknown, streamName?: string, expectedRevision?: ExpectedRevision): unknown {
  if (error instanceof esdb.WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(
      error.streamName ?? streamName ?? '',
      expectedRevision ?? error.expectedVersion,
      toActualRevision(error.actualVersion),
    );
  }
  if (error instanceof esdb.StreamDeletedError) return new StreamDeletedError(error.streamName ?? streamName ?? '');
  if (isTransientEsdbError(error)) return new EventStoreUnavailableError((error as Error).message, { cause: error });
  return error;
}

export function toRecordedEvent(event: esdb.RecordedEvent): RecordedEvent {
  const where = `event ${event.id} in stream "${event.streamId}"`;
  if (!event.isJson) throw new Error(`The ${where} is not JSON; this store only writes JSON events`);
  const position = event.position;
  if (!position || isMissingPosition(position)) throw new Error(`The ${where} has no position: EventStoreDB 22.6 or later is required`);
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    ...withRecordedAt(toStoredMetadata(event.metadata, where), event.created),
    streamName: event.streamId,
    revision: event.revision,
    position: { commit: position.commit, prepare: position.prepare },
  };
}

function toStoredMetadata(metadata: unknown, where: string): StoredEventMetadata {
  const isObject = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata);
  if (!isObject || metadata instanceof Uint8Array) throw new Error(`The ${where} has no JSON metadata object`);
  return metadata as StoredEventMetadata;
}

/** The metadata as written by the application, and the time the event was first recorded (a copy's original time). */
function withRecordedAt(metadata: StoredEventMetadata, created: Date): { metadata: StoredEventMetadata; createdAt: Date } {
  const { [RECORDED_AT]: recordedAt, ...own } = metadata;
  const original = typeof recordedAt === 'string' ? new Date(recordedAt) : undefined;
  return original && !Number.isNaN(original.getTime()) ? { metadata: own as StoredEventMetadata, createdAt: original } : { metadata, createdAt: created };
}

/** Stops a read we no longer need; a read that already ended or failed has nothing to cancel. */
async function cancelQuietly(read: { cancel(): Promise<void> }): Promise<void> {
  await read.cancel().catch(() => undefined);
}

/** Ends a subscription's gRPC call (its cancellation is not reported as an error) and the stream around it, once. */
async function endSource(source: esdb.AllStreamSubscription): Promise<void> {
  if (endedSources.has(source)) return;
  endedSources.add(source);
  await source.unsubscribe().catch(() => undefined); // the call may never have started; nothing to cancel then
  source.destroy();
}

const endedSources = new WeakSet<esdb.AllStreamSubscription>();

/** An error a stream emits after its reader let go (a cancelled call failing late): nobody is waiting for it. */
function ignoreLateErrors(): void {
  // The reader, while it reads, gets the same error through its iterator.
}
