import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  SpanKind,
  TRACEPARENT,
  comparePositions,
  contextOfTraceparent,
  formatPosition,
  traceparentOf,
  tracer,
} from '@salon/shared/event-store';
import { CheckpointFencedError, CheckpointStore } from './checkpoint-store';
import { OutgoingMessage } from './integration-message';
import type { MessageProducer } from './messaging-port';

export interface EventRelayOptions {
  /** Names the checkpoint; one relay per context, e.g. `clients-relay`. */
  readonly name: string;
  readonly store: EventStore;
  readonly streamPrefixes: readonly string[];
  /**
   * Maps a private domain event to the public integration message(s) of the Kafka contract.
   * Returns [] for events that are not published. May be async, e.g. to publish the state a
   * stream reached (compacted topics) next to the event itself.
   */
  readonly toMessages: (event: RecordedEvent) => readonly OutgoingMessage[] | Promise<readonly OutgoingMessage[]>;
  /** A producer of the messaging port (idempotent, acks=all), connected by the caller. */
  readonly producer: MessageProducer;
  readonly checkpoints: CheckpointStore;
  /** Most events published in one Kafka request. */
  readonly maxBatchSize?: number;
  /** How long a partial batch waits for more events before it is sent. */
  readonly lingerMs?: number;
  /**
   * First pause before a batch that could not be published is sent again, and before a failed
   * subscription (or start-up check) is tried again; doubled up to `maxRetryDelayMs`.
   */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** How long a measurement of the lag (a read of the store after the checkpoint) is reused; default 10 s. */
  readonly lagCacheMs?: number;
}

/**
 * How the relay is doing, for /health/ready: `retrying` while the broker does not take a batch,
 * `resubscribing` while the event store cannot be read (its subscription lost, or the start-up
 * check not done yet), `crashed` when it refused to go on (a checkpoint beyond the store's end).
 */
export type RelayHealth = {
  readonly ok: boolean;
  readonly state: 'publishing' | 'retrying' | 'resubscribing' | 'crashed' | 'stopped';
  readonly error?: string;
  readonly failedAttempts: number;
  readonly published: number;
};

/**
 * The relay's checkpoint lies beyond the last event of the store: the store was restored from an
 * older backup or wiped, or the checkpoint belongs to another store. Subscribing after it would
 * skip, silently, every event until the log grows past it; the relay stops instead, until an
 * operator decides (reset the checkpoint to republish, or restore the store).
 */
export class CheckpointBeyondStoreError extends Error {
  constructor(
    readonly relayName: string,
    readonly checkpoint: GlobalPosition,
    readonly storeEnd: GlobalPosition | undefined,
  ) {
    super(
      `The checkpoint of ${relayName} (${formatPosition(checkpoint)}) is beyond the last event of the event store ` +
        `(${storeEnd ? formatPosition(storeEnd) : 'the store is empty'}): refusing to skip events until the log passes it`,
    );
    this.name = 'CheckpointBeyondStoreError';
  }
}

/**
 * How far the relay is behind the event store: the events after its checkpoint (of its streams),
 * counted up to `RELAY_LAG_COUNT_LIMIT` (`eventsBehindCapped` when there are at least that many),
 * and the age of the oldest of them (0 when none is waiting).
 */
export type RelayLag = {
  readonly eventsBehind: number;
  readonly eventsBehindCapped: boolean;
  readonly secondsBehind: number;
};

/** A measurement reads at most this many events: enough to see an outage, cheap enough for each scrape. */
export const RELAY_LAG_COUNT_LIMIT = 10_000;

const TIMED_OUT = Symbol('timed out');

/**
 * Publishes the events of the event store to Kafka: a catch-up subscription from the stored
 * checkpoint, batches sent with acks from all in-sync replicas, and the checkpoint saved only
 * after the broker acknowledged. A crash between the two re-sends the last batch: delivery is
 * at least once, and consumers de-duplicate by event id / stream revision.
 *
 * A batch the broker does not take (unreachable, restarting: the client gives up after its own
 * retries) is sent again with back-off for as long as it takes: skipping it would lose events,
 * and ending the loop used to reject a promise nobody awaited, which killed the whole service
 * when the broker went down for a few seconds.
 */
export class EventRelay {
  private readonly logger: Logger;
  private running?: Promise<void>;
  private stopRequested = false;
  private stopSubscription?: () => Promise<void>;
  private published = 0;
  /** After the last event the broker took (the checkpoint saved): where a resubscription starts. */
  private position?: GlobalPosition;
  private lagMeasurement?: { readonly at: number; readonly lag: RelayLag };
  private lagRefresh?: Promise<RelayLag>;
  private failure: { state?: 'retrying' | 'resubscribing'; error?: string; failedAttempts: number; crashed: boolean } = {
    failedAttempts: 0,
    crashed: false,
  };
  private pauses = new AbortController();
  /** The token of the lease this relay runs under (each checkpoint names it), if any. */
  private fencingToken?: number;

  constructor(private readonly options: EventRelayOptions) {
    this.logger = new Logger(`EventRelay:${options.name}`);
  }

  /**
   * Starts in the background once the checkpoint is loaded. Nothing the relay meets afterwards
   * ends the process: a failed subscription is opened again, a batch the broker refuses is sent
   * again, and a checkpoint beyond the store's end stops the relay with `crashed` on /health/ready,
   * as does a checkpoint saved under a newer lease than `fencingToken` (another instance took over).
   */
  async start(lease: { readonly fencingToken?: number } = {}): Promise<void> {
    if (this.running) return;
    this.fencingToken = lease.fencingToken;
    this.stopRequested = false;
    this.pauses = new AbortController();
    this.failure = { failedAttempts: 0, crashed: false };
    const checkpoint = await this.options.checkpoints.load(this.options.name);
    this.position = checkpoint;
    this.logger.log(`starting after ${checkpoint ? formatPosition(checkpoint) : 'the beginning'}`);
    this.running = this.run(checkpoint).catch((error: unknown) => {
      this.logger.error(error instanceof Error ? error : String(error));
      this.failure = { ...this.failure, error: error instanceof Error ? error.message : String(error), crashed: true };
      throw error;
    });
    // `done` still rejects for whoever awaits it; without a handler here the rejection would end the process.
    this.running.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.pauses.abort();
    await this.stopSubscription?.();
    await this.running?.catch(() => undefined);
    this.running = undefined;
  }

  /** Resolves when the relay loop ends (after stop()), or rejects when it refused to go on. */
  get done(): Promise<void> | undefined {
    return this.running;
  }

  get name(): string {
    return this.options.name;
  }

  get publishedCount(): number {
    return this.published;
  }

  health(): RelayHealth {
    const { state: trouble, error, failedAttempts, crashed } = this.failure;
    const state = crashed ? 'crashed' : this.running === undefined ? 'stopped' : trouble ?? 'publishing';
    return { ok: state === 'publishing', state, error, failedAttempts, published: this.published };
  }

  /**
   * The relay's lag (RelayLag), measured at most every `lagCacheMs`; undefined while the relay
   * does not run (a standby instance, whose checkpoint is another's to move).
   */
  async lag(): Promise<RelayLag | undefined> {
    if (this.running === undefined) return undefined;
    const cached = this.lagMeasurement;
    if (cached && Date.now() - cached.at < (this.options.lagCacheMs ?? 10_000)) return cached.lag;
    this.lagRefresh ??= this.measureLag().finally(() => (this.lagRefresh = undefined));
    return this.lagRefresh;
  }

  private async measureLag(): Promise<RelayLag> {
    const behind = await this.options.store.readAll({ after: this.position, maxCount: RELAY_LAG_COUNT_LIMIT, streamPrefixes: this.options.streamPrefixes });
    const now = Date.now();
    const oldest = behind[0];
    const lag = {
      eventsBehind: behind.length,
      eventsBehindCapped: behind.length >= RELAY_LAG_COUNT_LIMIT,
      secondsBehind: oldest ? Math.max(0, (now - oldest.createdAt.getTime()) / 1000) : 0,
    };
    this.lagMeasurement = { at: now, lag };
    return lag;
  }

  /** Checks the checkpoint, then relays; whatever fails on the way is tried again, from the last event published. */
  private async run(checkpoint: GlobalPosition | undefined): Promise<void> {
    let checked = false;
    for (let attempt = 1; !this.stopRequested; attempt++) {
      try {
        if (!checked) await this.assertCheckpointWithinStore(checkpoint);
        checked = true;
        await this.relayUntilStopped();
        return;
      } catch (error) {
        if (error instanceof CheckpointBeyondStoreError || error instanceof CheckpointFencedError || this.stopRequested) throw error;
        const message = error instanceof Error ? error.message : String(error);
        const pause = this.retryPause(attempt);
        this.failure = { state: 'resubscribing', error: message, failedAttempts: attempt, crashed: false };
        // Event store errors name servers, streams and positions, never personal data.
        this.logger.warn(`reading the event store failed (attempt ${attempt}), again in ${pause} ms: ${message}`);
        await this.pause(pause);
      }
    }
  }

  /** A checkpoint past the store's last event would make the subscription skip events; refuse it, naming both. */
  private async assertCheckpointWithinStore(checkpoint: GlobalPosition | undefined): Promise<void> {
    if (!checkpoint) return;
    const [last] = await this.options.store.readAll({ direction: 'backwards', maxCount: 1 });
    if (!last || comparePositions(checkpoint, last.position) > 0) {
      throw new CheckpointBeyondStoreError(this.options.name, checkpoint, last?.position);
    }
  }

  private async relayUntilStopped(): Promise<void> {
    const subscription = this.options.store.subscribeToAll({
      after: this.position,
      streamPrefixes: this.options.streamPrefixes,
      onInterrupted: ({ error, attempt, retryInMs }) => {
        this.failure = { state: 'resubscribing', error: error.message, failedAttempts: attempt, crashed: false };
        this.logger.warn(`the event store subscription was lost (attempt ${attempt}), again in ${retryInMs} ms: ${error.message}`);
      },
      onResumed: () => this.recovered('subscribed again'),
    });
    this.stopSubscription = () => subscription.unsubscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const maxBatchSize = this.options.maxBatchSize ?? 500;
    const lingerMs = this.options.lingerMs ?? 10;
    // A pending next() is kept across batches: abandoning it would lose the event it yields.
    let pending: Promise<IteratorResult<RecordedEvent>> | undefined;

    try {
      while (!this.stopRequested) {
        const batch: RecordedEvent[] = [];
        let ended = false;
        while (batch.length < maxBatchSize) {
          pending ??= iterator.next();
          const result = batch.length === 0 ? await pending : await raceTimeout(pending, lingerMs);
          if (result === TIMED_OUT) break;
          pending = undefined;
          if (result.done) {
            ended = true;
            break;
          }
          if (this.failure.state === 'resubscribing') this.recovered('reading the event store again');
          batch.push(result.value);
        }
        if (batch.length > 0 && !(await this.publishUntilDone(batch))) return;
        // The port's subscriptions end only when unsubscribed: any other end is a failure to recover from.
        if (ended && !this.stopRequested) throw new Error('the event store subscription ended');
      }
    } finally {
      // A next() still pending when a batch failed would reject with nobody to hear it.
      pending?.catch(() => undefined);
      await subscription.unsubscribe();
    }
  }

  private recovered(how: string): void {
    if (this.failure.state) this.logger.log(`${how} after ${this.failure.failedAttempts} failed attempts`);
    this.failure = { failedAttempts: 0, crashed: false };
  }

  private retryPause(attempt: number): number {
    const retryDelayMs = this.options.retryDelayMs ?? 500;
    const maxRetryDelayMs = this.options.maxRetryDelayMs ?? 10_000;
    return Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(attempt - 1, 16));
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.pauses.signal }).catch(() => undefined);
  }

  /** False when the relay was stopped before the batch got through (it is sent again after a restart). */
  private async publishUntilDone(batch: readonly RecordedEvent[]): Promise<boolean> {
    for (let attempt = 1; !this.stopRequested; attempt++) {
      try {
        await this.publish(batch);
        if (this.failure.state === 'retrying') this.recovered('published again');
        return true;
      } catch (error) {
        // Another instance publishes now: sending again would only duplicate its work.
        if (error instanceof CheckpointFencedError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        const pause = this.retryPause(attempt);
        this.failure = { state: 'retrying', error: message, failedAttempts: attempt, crashed: false };
        // Broker and checkpoint errors name servers and codes, never personal data.
        this.logger.warn(`publishing ${batch.length} events failed (attempt ${attempt}), next in ${pause} ms: ${message}`);
        await this.pause(pause);
      }
    }
    return false;
  }

  private async publish(batch: readonly RecordedEvent[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: string | null; headers: Record<string, string> }[]>();
    // An event appended under a trace is published in a span of it, whose traceparent its messages carry.
    const spans: Span[] = [];
    for (const event of batch) {
      const parent = event.metadata[TRACEPARENT];
      const span = parent === undefined ? undefined : tracer().startSpan('kafka publish', { kind: SpanKind.PRODUCER }, contextOfTraceparent(parent));
      const traceparent = span && traceparentOf(span);
      if (span) spans.push(span);
      for (const message of await this.options.toMessages(event)) {
        const messages = byTopic.get(message.topic) ?? [];
        messages.push({ key: message.key, value: message.value, headers: { ...message.headers, ...(traceparent ? { [TRACEPARENT]: traceparent } : {}) } });
        byTopic.set(message.topic, messages);
      }
    }
    try {
      if (byTopic.size > 0) {
        await this.options.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      }
    } finally {
      for (const span of spans) span.end();
    }
    // Only now is the batch safely on the broker.
    const last = batch[batch.length - 1].position;
    await this.options.checkpoints.save(this.options.name, last, this.fencingToken);
    this.position = last;
    this.published += batch.length;
  }
}

function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
