import { Histogram, register } from 'prom-client';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from './errors';
import { SpanKind, TRACEPARENT, inSpan, traceContext, traceparentOf } from './trace-context';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from './event-store.port';

const APPEND_SECONDS = 'salon_event_store_append_seconds';

/**
 * How long appends take, by store and outcome, in the process's one registry (prom-client's
 * default, which the ops port's /metrics serves). Created once per process: every store opened
 * in it (tests open many) observes the same histogram.
 */
function appendDuration(): Histogram<'store' | 'outcome'> {
  return (
    (register.getSingleMetric(APPEND_SECONDS) as Histogram<'store' | 'outcome'> | undefined) ??
    new Histogram({
      name: APPEND_SECONDS,
      help: 'Event store appends by store (embedded, eventstoredb) and outcome (ok, wrong-expected-revision, unavailable, failed), in seconds.',
      labelNames: ['store', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    })
  );
}

function outcomeOf(error: unknown): string {
  if (error instanceof WrongExpectedRevisionError) return 'wrong-expected-revision';
  if (error instanceof EventStoreUnavailableError) return 'unavailable';
  return 'failed';
}

/**
 * An event store whose appends are timed; everything else passes through. No label names a
 * stream (stream names hold ids, and one label value per stream would swamp Prometheus).
 */
export class MeteredEventStore implements EventStore {
  private readonly duration = appendDuration();

  constructor(
    private readonly store: EventStore,
    private readonly storeName: 'embedded' | 'eventstoredb',
  ) {}

  /**
   * Timed, and traced when tracing is on: a span under the request's (or message's) span, whose
   * traceparent each event keeps in its metadata, so the relay and the consumers continue the trace.
   */
  async appendToStream(streamName: string, events: readonly EventToAppend[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    // No stream name in the span: it holds ids of clients.
    return inSpan('event-store append', SpanKind.CLIENT, traceContext.active(), async (span) => {
      span.setAttribute('db.system.name', this.storeName);
      const traceparent = traceparentOf(span);
      const traced = traceparent ? events.map((event) => ({ ...event, metadata: { ...event.metadata, [TRACEPARENT]: traceparent } })) : events;
      const stop = this.duration.startTimer({ store: this.storeName });
      try {
        const result = await this.store.appendToStream(streamName, traced, options);
        stop({ outcome: 'ok' });
        return result;
      } catch (error) {
        stop({ outcome: outcomeOf(error) });
        throw error;
      }
    });
  }

  deleteStream(streamName: string, options: { readonly expectedRevision: bigint }): Promise<void> {
    return this.store.deleteStream(streamName, options);
  }

  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.store.readStream(streamName, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.store.readAll(options);
  }

  subscribeToAll(options?: SubscribeToAllOptions): Subscription {
    return this.store.subscribeToAll(options);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
