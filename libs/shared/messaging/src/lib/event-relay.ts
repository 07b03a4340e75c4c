import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { EventStore, GlobalPosition, RecordedEvent, formatPosition } from '@salon/shared/event-store';
import { CheckpointStore } from './checkpoint-store';
import { OutgoingMessage } from './integration-message';

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
  /** An idempotent producer (kafka.producer({ idempotent: true })), connected by the caller. */
  readonly producer: Producer;
  readonly checkpoints: CheckpointStore;
  /** Most events published in one Kafka request. */
  readonly maxBatchSize?: number;
  /** How long a partial batch waits for more events before it is sent. */
  readonly lingerMs?: number;
  /** First pause before a batch that could not be published is sent again; doubled up to `maxRetryDelayMs`. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
}

/** How the relay is doing, for /health/ready: `retrying` while the broker does not take a batch. */
export type RelayHealth = {
  readonly ok: boolean;
  readonly state: 'publishing' | 'retrying' | 'crashed' | 'stopped';
  readonly error?: string;
  readonly failedAttempts: number;
  readonly published: number;
};

const TIMED_OUT = Symbol('timed out');

/**
 * Publishes the events of the event store to Kafka: a catch-up subscription from the stored
 * checkpoint, batches sent with acks from all in-sync replicas, and the checkpoint saved only
 * after the broker acknowledged. A crash between the two re-sends the last batch: delivery is
 * at least once, and consumers de-duplicate by event id / stream revision.
 *
 * A batch the broker does not take (unreachable, restarting: kafkajs gives up after its own
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
  private failure: { error?: string; failedAttempts: number; crashed: boolean } = { failedAttempts: 0, crashed: false };
  private pauses = new AbortController();

  constructor(private readonly options: EventRelayOptions) {
    this.logger = new Logger(`EventRelay:${options.name}`);
  }

  /** Starts in the background; the returned promise settles once the subscription is open. */
  async start(): Promise<void> {
    if (this.running) return;
    this.stopRequested = false;
    this.pauses = new AbortController();
    this.failure = { failedAttempts: 0, crashed: false };
    const checkpoint = await this.options.checkpoints.load(this.options.name);
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

  /** Resolves when the relay loop ends (after stop(), or rejects on a fatal error). */
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
    const { error, failedAttempts, crashed } = this.failure;
    const state = crashed ? 'crashed' : this.running === undefined ? 'stopped' : error ? 'retrying' : 'publishing';
    return { ok: state === 'publishing', state, error, failedAttempts, published: this.published };
  }

  private async run(after: GlobalPosition | undefined): Promise<void> {
    const subscription = this.options.store.subscribeToAll({ after, streamPrefixes: this.options.streamPrefixes });
    this.stopSubscription = () => subscription.unsubscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const maxBatchSize = this.options.maxBatchSize ?? 500;
    const lingerMs = this.options.lingerMs ?? 10;
    // A pending next() is kept across batches: abandoning it would lose the event it yields.
    let pending: Promise<IteratorResult<RecordedEvent>> | undefined;

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
        batch.push(result.value);
      }
      if (batch.length > 0 && !(await this.publishUntilDone(batch))) break;
      if (ended) break;
    }
    await subscription.unsubscribe();
  }

  /** False when the relay was stopped before the batch got through (it is sent again after a restart). */
  private async publishUntilDone(batch: readonly RecordedEvent[]): Promise<boolean> {
    const retryDelayMs = this.options.retryDelayMs ?? 500;
    const maxRetryDelayMs = this.options.maxRetryDelayMs ?? 10_000;
    for (let attempt = 1; !this.stopRequested; attempt++) {
      try {
        await this.publish(batch);
        if (this.failure.error) this.logger.log(`published again after ${this.failure.failedAttempts} failed attempts`);
        this.failure = { failedAttempts: 0, crashed: false };
        return true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const pause = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(attempt - 1, 16));
        this.failure = { error: message, failedAttempts: attempt, crashed: false };
        // Broker and checkpoint errors name servers and codes, never personal data.
        this.logger.warn(`publishing ${batch.length} events failed (attempt ${attempt}), next in ${pause} ms: ${message}`);
        await sleep(pause, undefined, { signal: this.pauses.signal }).catch(() => undefined);
      }
    }
    return false;
  }

  private async publish(batch: readonly RecordedEvent[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: string | null; headers: Record<string, string> }[]>();
    for (const event of batch) {
      for (const message of await this.options.toMessages(event)) {
        const messages = byTopic.get(message.topic) ?? [];
        messages.push({ key: message.key, value: message.value, headers: { ...message.headers } });
        byTopic.set(message.topic, messages);
      }
    }
    if (byTopic.size > 0) {
      await this.options.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
    // Only now is the batch safely on the broker.
    await this.options.checkpoints.save(this.options.name, batch[batch.length - 1].position);
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
