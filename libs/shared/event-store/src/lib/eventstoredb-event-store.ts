import * as esdb from '@eventstore/db-client';
import { WrongExpectedRevisionError } from './errors';
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
}

type Direction = 'forwards' | 'backwards';

/**
 * The production adapter: a thin translation of the port onto EventStoreDB / KurrentDB
 * (`@eventstore/db-client` 6.x, gRPC). Revisions and positions are EventStoreDB's own.
 *
 * Idempotent appends differ from the embedded adapter. The embedded store recognises a retry by
 * its event ids whatever the expected revision. EventStoreDB recognises it only when the same ids
 * are appended again with the same expected revision (the usual retry after a timeout); with
 * `any` it tries its best from a cache of recent writes, and a retry that mixes stored and new
 * ids fails with a wrong-expected-revision error instead of the embedded store's refusal.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: esdb.EventStoreDBClient;
  /** So `close` can end the iterators of subscriptions that are still open. */
  private readonly openSubscriptions = new Set<Subscription>();
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = esdb.EventStoreDBClient.connectionString(options.connectionString);
  }

  /**
   * Does not wait for the server: the client connects on first use, so a service can start
   * (and report itself not ready) while EventStoreDB is still down.
   */
  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore({ connectionString });
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    { expectedRevision }: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('Nothing to append');
    const result = await this.client
      .appendToStream(streamName, events.map(toEventData), { expectedRevision: toEsdbExpectedRevision(expectedRevision) })
      .catch((error: unknown) => {
        throw error instanceof esdb.WrongExpectedVersionError
          ? new WrongExpectedRevisionError(streamName, expectedRevision, toActualRevision(error.actualVersion))
          : error;
      });
    // Only reached when the connection string sets throwOnAppendFailure=false.
    if (!result.success) {
      throw new WrongExpectedRevisionError(streamName, expectedRevision, toActualRevision(result.nextExpectedRevision));
    }
    return {
      nextExpectedRevision: result.nextExpectedRevision,
      position: result.position ?? (await this.positionOfRevision(streamName, result.nextExpectedRevision)),
    };
  }

  async deleteStream(streamName: string, { expectedRevision }: { readonly expectedRevision: bigint }): Promise<void> {
    this.assertOpen();
    await this.client.deleteStream(streamName, { expectedRevision }).catch((error: unknown) => {
      throw error instanceof esdb.WrongExpectedVersionError
        ? new WrongExpectedRevisionError(streamName, expectedRevision, toActualRevision(error.actualVersion))
        : error;
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
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof esdb.StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /**
   * The client (6.x) cannot ask the server to filter a read of $all, so system events and other
   * streams are skipped here, reading on until `maxCount` matching events are found.
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
    const events: RecordedEvent[] = [];
    for await (const resolved of read) {
      if (!resolved.event || !isWanted(resolved.event)) continue;
      events.push(toRecordedEvent(resolved.event));
      if (events.length >= maxCount) {
        await cancelQuietly(read);
        break;
      }
    }
    return events;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    const prefixes = options.streamPrefixes ?? [];
    const source = this.client.subscribeToAll({
      fromPosition: subscriptionStartFor(options.after),
      filter: prefixes.length > 0 ? esdb.streamNameFilter({ prefixes: [...prefixes] }) : esdb.excludeSystemEvents(),
    });
    let stopped = false;
    let signalStop: () => void = () => undefined;
    const stop = new Promise<IteratorReturnResult<undefined>>((resolve) => {
      signalStop = () => resolve({ done: true, value: undefined });
    });
    const unsubscribe = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      this.openSubscriptions.delete(subscription);
      signalStop();
      await source.unsubscribe().catch(() => undefined); // the call may never have started; nothing to cancel then
      source.destroy();
    };

    async function* deliver(): AsyncGenerator<RecordedEvent> {
      const incoming = source[Symbol.asyncIterator]();
      // The server already starts after `after` and filters by prefix; checking again here keeps
      // "strictly after, each once, only these streams" true whatever the server version does.
      let last = options.after;
      try {
        while (!stopped) {
          const next = await Promise.race([incoming.next(), stop]);
          if (next.done) return;
          const event = next.value.event;
          if (!event || !isUserEvent(event) || !matchesStreamPrefixes(event.streamId, prefixes)) continue;
          if (!isBeyond(event.position, last, 'forwards')) continue;
          const recorded = toRecordedEvent(event);
          yield recorded;
          last = recorded.position;
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

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

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

export function toEventData(event: EventToAppend): esdb.EventData {
  return esdb.jsonEvent({
    id: event.id,
    type: event.type,
    // The port only carries JSON-serialisable data; the client serialises it with JSON.stringify.
    data: event.data as esdb.JSONType,
    metadata: event.metadata,
  });
}

export function toRecordedEvent(event: esdb.RecordedEvent): RecordedEvent {
  const where = `event ${event.id} in stream "${event.streamId}"`;
  if (!event.isJson) throw new Error(`The ${where} is not JSON; this store only writes JSON events`);
  if (!event.position) throw new Error(`The ${where} has no position: EventStoreDB 22.6 or later is required`);
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: toStoredMetadata(event.metadata, where),
    streamName: event.streamId,
    revision: event.revision,
    position: { commit: event.position.commit, prepare: event.position.prepare },
    createdAt: event.created,
  };
}

function toStoredMetadata(metadata: unknown, where: string): StoredEventMetadata {
  const isObject = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata);
  if (!isObject || metadata instanceof Uint8Array) throw new Error(`The ${where} has no JSON metadata object`);
  return metadata as StoredEventMetadata;
}

/** Stops a read we no longer need; a read that already ended or failed has nothing to cancel. */
async function cancelQuietly(read: { cancel(): Promise<void> }): Promise<void> {
  await read.cancel().catch(() => undefined);
}
