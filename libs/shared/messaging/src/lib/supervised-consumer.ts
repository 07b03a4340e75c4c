import { Logger } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import { SpanKind, TRACEPARENT, contextOfTraceparent, tracer, withSpan } from '@salon/shared/event-store';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerHealth, ConsumerStatus, PartitionLag, assessConsumer } from './consumer-health';
import { DeadLetterQueue, DeadLetterReason } from './dead-letters';
import { classifyFailure, describeFailure } from './failure-classification';
import { IncomingMessage, decodeMessage } from './integration-message';
import { LazyConnection } from './lazy-connection';
import type { BatchContext, ConsumerOptions, FetchedBatch, FetchedMessage, GroupConsumer, MessagingAdmin, MessagingClient } from './messaging-port';

/**
 * How a consumer hands messages over: `eachBatch` gets every decoded message of a fetched batch
 * of one partition (a projection writes them in one bulkWrite); `eachMessage` gets them one at a
 * time, in order (a policy that issues a command per message).
 */
export type MessageHandler =
  | { readonly eachBatch: (messages: readonly IncomingMessage[]) => Promise<void> }
  | { readonly eachMessage: (message: IncomingMessage) => Promise<void> };

export interface SupervisionTiming {
  /** First pause before a transient failure is retried; doubled each time up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** First pause before a crashed consumer is started again; doubled up to `maxRestartDelayMs`, reset once it joined its group. */
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  /** A consumer with lag and no progress for this long reports `stalled` (not ready). */
  readonly stallAfterMs: number;
  /** The lag is measured (two admin requests) at most this often, and waited for at most `lagTimeoutMs`. */
  readonly lagCacheMs: number;
  readonly lagTimeoutMs: number;
}

const DEFAULT_TIMING: SupervisionTiming = {
  retryDelayMs: 200,
  maxRetryDelayMs: 30_000,
  restartDelayMs: 1_000,
  maxRestartDelayMs: 10_000,
  stallAfterMs: 60_000,
  lagCacheMs: 10_000,
  lagTimeoutMs: 1_500,
};

/** How many dead-lettered source positions a consumer remembers, to send none of them twice. */
const REMEMBERED_DEAD_LETTERS = 10_000;

/** The longest pause without a heartbeat while a failure is retried (well under any session timeout). */
const HEARTBEAT_EVERY_MS = 3_000;

export interface SupervisedConsumerOptions {
  readonly kafka: MessagingClient;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where messages this group gives up on go: the environment's `ops.dead-letters.v1` (see deadLetterTopic). */
  readonly deadLetterTopic: string;
  readonly handler: MessageHandler;
  /** Runs after a batch was handled, before its offsets are committed (a projection stores its position beside its data). */
  readonly beforeCommit?: (topic: string, partition: number, nextOffset: string) => Promise<void>;
  /** Runs before every start and restart (a projection moves the group to the positions it stored). */
  readonly beforeStart?: () => Promise<void>;
  readonly consumerConfig?: Pick<ConsumerOptions, 'sessionTimeout' | 'maxBytesPerPartition'>;
  readonly partitionsConsumedConcurrently?: number;
  readonly timing?: Partial<SupervisionTiming>;
}

/** What a batch step needs to know: whether to go on, and how to tell the group it is alive. */
interface BatchControl {
  readonly live: () => boolean;
  readonly heartbeat: () => Promise<void>;
}

/** The batch was left half done because the consumer stops or lost the partition: nothing is committed, it is redelivered. */
class BatchAbandoned extends Error {}

/**
 * Every Kafka consumer of the product runs through this class, so that none can get stuck or stop
 * silently:
 * - a message that cannot be decoded, or whose handling fails for a permanent reason
 *   (`classifyFailure`), goes to the dead-letter topic with its bytes, headers, the group and the
 *   error; the consumer goes on with the next one and its position moves past it;
 * - a transient failure (a server unreachable, a concurrent append) is retried with back-off,
 *   heartbeating meanwhile, for as long as it takes: such a message is never dead-lettered;
 * - a crashed consumer (coordinator loading, broker gone, retries exhausted) is replaced by a new
 *   one with back-off, whatever the client thinks of the error (kafkajs gives up on non-retriable ones);
 * - `health()` says whether it consumes, has crashed or stopped, or has lag but makes no progress,
 *   and how many dead letters it sent.
 *
 * Offsets are committed after each batch (autoCommit off): delivery stays at least once, and
 * handlers are idempotent (stream revisions, message ids).
 */
export class SupervisedConsumer {
  private readonly logger: Logger;
  private readonly timing: SupervisionTiming;
  private readonly deadLetters: DeadLetterQueue;
  private consumer?: GroupConsumer;
  private readonly admin: LazyConnection<MessagingAdmin>;
  /** Each start attempt gets a number; events of an older consumer are ignored. */
  private generation = 0;
  private active = false;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private restartDelay: number;
  private pauses = new AbortController();
  private status: Mutable<ConsumerStatus> = { state: 'starting', deadLetters: 0, restarts: 0 };
  /** Source positions (`topic/partition@offset`) this process dead-lettered, oldest first. */
  private readonly deadLettered = new Set<string>();
  private handled = 0;
  private lagMeasurement?: { at: number; committed: bigint; lag: bigint };
  /** The newest timestamp (ms) of a message consumed here, and the last time the group had no lag: the bounds of `lagSeconds`. */
  private lastConsumedTimestamp?: number;
  private lastCaughtUpAt?: number;
  private lagRefresh?: Promise<void>;

  constructor(private readonly options: SupervisedConsumerOptions) {
    this.logger = new Logger(`Consumer:${options.groupId}`);
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.restartDelay = this.timing.restartDelayMs;
    this.deadLetters = new DeadLetterQueue(options.kafka, options.deadLetterTopic);
    this.admin = new LazyConnection(() => options.kafka.admin());
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Messages handled (dead letters not counted) since start. */
  get handledCount(): number {
    return this.handled;
  }

  /**
   * Connects, joins the group and starts consuming. Resolves after the first attempt, whether it
   * worked or not: a failed attempt is retried in the background, and `health()` says so.
   */
  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.stopping = false;
    this.pauses = new AbortController();
    this.restartDelay = this.timing.restartDelayMs;
    this.status = { state: 'starting', deadLetters: this.status.deadLetters, restarts: this.status.restarts };
    await this.attemptStart();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.active = false;
    this.status.state = 'stopped';
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.pauses.abort();
    const consumer = this.consumer;
    this.consumer = undefined;
    try {
      await consumer?.disconnect();
    } finally {
      await this.deadLetters.close();
      await this.admin.close();
    }
  }

  /** Cheap enough for every /health/ready: the lag is measured at most every `lagCacheMs`, waited for at most `lagTimeoutMs`. */
  async health(): Promise<ConsumerHealth> {
    if (this.status.state === 'running') await this.measureLag();
    return assessConsumer(this.status, Date.now(), this.timing.stallAfterMs);
  }

  // --- lifecycle --------------------------------------------------------------------------

  private async attemptStart(): Promise<void> {
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.stopping;
    try {
      await this.options.beforeStart?.();
      if (!current()) return;
      const consumer = this.options.kafka.consumer({
        ...this.options.consumerConfig,
        groupId: this.options.groupId,
        // A client restarts a crashed consumer only for errors it deems retriable and otherwise
        // leaves it dead; the supervisor restarts it in every case, so the client never does.
        restartOnFailure: false,
      });
      this.consumer = consumer;
      consumer.on('group.join', () => {
        if (current()) this.joined();
      });
      consumer.on('crash', (error) => {
        if (current()) this.scheduleRestart(error);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
      if (!current()) return;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.processBatch(consumer, payload),
      });
    } catch (error) {
      if (current()) this.scheduleRestart(error);
    }
  }

  private joined(): void {
    this.status.state = 'running';
    this.status.lastCrash = undefined;
    this.status.progressAt = Date.now();
    this.restartDelay = this.timing.restartDelayMs;
  }

  private scheduleRestart(error: unknown): void {
    if (this.restartTimer || this.stopping) return;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(delay * 2, this.timing.maxRestartDelayMs);
    this.status.state = 'restarting';
    this.status.lastCrash = describeFailure(error);
    this.status.restarts += 1;
    this.logger.warn(`consumer failed (${this.status.lastCrash}); starting it again in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    const crashed = this.consumer;
    this.consumer = undefined;
    await crashed?.disconnect().catch(() => undefined);
    if (!this.stopping) await this.attemptStart();
  }

  // --- batches ----------------------------------------------------------------------------

  private async processBatch(consumer: GroupConsumer, { batch, resolveOffset, heartbeat, isRunning, isStale }: BatchContext): Promise<void> {
    const control: BatchControl = { live: () => isRunning() && !isStale() && !this.stopping, heartbeat };
    if (batch.messages.length === 0 || !control.live()) return;
    try {
      const { handler } = this.options;
      if ('eachBatch' in handler) await this.handleWholeBatch(batch, handler.eachBatch, control);
      else await this.handleOneByOne(batch, handler.eachMessage, resolveOffset, control);
      const last = batch.messages[batch.messages.length - 1].offset;
      const next = (BigInt(last) + 1n).toString();
      const { beforeCommit } = this.options;
      if (beforeCommit) await this.retrying(control, () => beforeCommit(batch.topic, batch.partition, next));
      resolveOffset(last);
      // Commit and heartbeat failures go to the client, which re-joins on a rebalance (and crashes, then restarts, otherwise).
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      await heartbeat();
    } catch (error) {
      if (error instanceof BatchAbandoned) return;
      throw error;
    }
  }

  private async handleWholeBatch(
    batch: FetchedBatch,
    eachBatch: (messages: readonly IncomingMessage[]) => Promise<void>,
    control: BatchControl,
  ): Promise<void> {
    const decoded: Decoded[] = [];
    for (const raw of batch.messages) {
      const incoming = await this.decodeOrDeadLetter(batch, raw, control);
      if (incoming) decoded.push({ raw, incoming });
    }
    if (decoded.length === 0) return;
    const spans = decoded.flatMap((item) => this.handlingSpan(item.raw) ?? []);
    const failure = await this.tryHandling(control, () => eachBatch(decoded.map((item) => item.incoming))).finally(() => spans.forEach((span) => span.end()));
    if (!failure) return this.progressed(decoded.map((item) => item.raw));
    // Some message of the batch cannot be handled: find it by handling each alone (handlers are
    // idempotent, so what the failed attempt may have written already is harmless).
    for (const item of decoded) await this.handleAlone(batch, item, (message) => eachBatch([message]), control);
  }

  private async handleOneByOne(
    batch: FetchedBatch,
    eachMessage: (message: IncomingMessage) => Promise<void>,
    resolveOffset: (offset: string) => void,
    control: BatchControl,
  ): Promise<void> {
    for (const raw of batch.messages) {
      if (!control.live()) throw new BatchAbandoned();
      const incoming = await this.decodeOrDeadLetter(batch, raw, control);
      if (incoming) await this.handleAlone(batch, { raw, incoming }, eachMessage, control);
      resolveOffset(raw.offset);
      await control.heartbeat();
    }
  }

  private async handleAlone(batch: FetchedBatch, item: Decoded, handle: (message: IncomingMessage) => Promise<void>, control: BatchControl): Promise<void> {
    const span = this.handlingSpan(item.raw);
    // Inside the span: the commands a policy issues for the message continue its trace.
    const handled = () => (span ? withSpan(span, () => handle(item.incoming)) : handle(item.incoming));
    const failure = await this.tryHandling(control, handled).finally(() => span?.end());
    if (failure) await this.sendToDeadLetters(batch, item.raw, 'rejected', failure, control);
    else this.progressed([item.raw]);
  }

  private async decodeOrDeadLetter(batch: FetchedBatch, raw: FetchedMessage, control: BatchControl): Promise<IncomingMessage | undefined> {
    try {
      return decodeMessage(batch.topic, batch.partition, raw);
    } catch (error) {
      await this.sendToDeadLetters(batch, raw, 'undecodable', error, control);
      return undefined;
    }
  }

  private async sendToDeadLetters(batch: FetchedBatch, raw: FetchedMessage, reason: DeadLetterReason, error: unknown, control: BatchControl): Promise<void> {
    // Offsets are committed per batch: a restart or rebalance before the commit hands the same
    // message over again. Once dead-lettered by this process, it is not sent (nor counted) twice.
    const source = `${batch.topic}/${batch.partition}@${raw.offset}`;
    if (this.deadLettered.has(source)) return;
    const description = describeFailure(error);
    await this.retrying(control, () =>
      this.deadLetters.send({
        topic: batch.topic,
        partition: batch.partition,
        message: raw,
        group: this.options.groupId,
        reason,
        error: description,
        at: new Date(),
      }),
    );
    this.rememberDeadLettered(source);
    this.consumed([raw]);
    this.status.deadLetters += 1;
    this.status.progressAt = Date.now();
    this.logger.warn(
      `${batch.topic}/${batch.partition}@${raw.offset} (key ${raw.key?.toString() ?? 'none'}) sent to ${this.deadLetters.topic}, ${reason}: ${description}`,
    );
  }

  /** A span of the handling of a message that carries a traceparent (tracing on), else none. */
  private handlingSpan(raw: FetchedMessage): Span | undefined {
    const header = raw.headers?.[TRACEPARENT];
    if (header === undefined) return undefined;
    return tracer().startSpan(`${this.options.groupId} handle`, { kind: SpanKind.CONSUMER }, contextOfTraceparent(header.toString()));
  }

  private rememberDeadLettered(source: string): void {
    this.deadLettered.add(source);
    // Only redeliveries of recent batches matter: the oldest positions are forgotten first.
    if (this.deadLettered.size > REMEMBERED_DEAD_LETTERS) this.deadLettered.delete(this.deadLettered.values().next().value as string);
  }

  private progressed(messages: readonly FetchedMessage[]): void {
    this.handled += messages.length;
    this.status.progressAt = Date.now();
    this.consumed(messages);
  }

  /** Handled or dead-lettered: either way consumed, for the lag in seconds. */
  private consumed(messages: readonly FetchedMessage[]): void {
    for (const message of messages) {
      const timestamp = Number(message.timestamp);
      if (Number.isFinite(timestamp) && timestamp > (this.lastConsumedTimestamp ?? -Infinity)) this.lastConsumedTimestamp = timestamp;
    }
  }

  /** Runs `operation`, retrying transient failures; resolves with the permanent failure, if it ends in one. */
  private async tryHandling(control: BatchControl, operation: () => Promise<void>): Promise<unknown> {
    try {
      await this.retrying(control, operation);
      return undefined;
    } catch (error) {
      if (!(error instanceof BatchAbandoned) && classifyFailure(error) === 'permanent') return error;
      throw error;
    }
  }

  /** Retries transient failures with back-off until `operation` succeeds; a permanent failure is thrown. */
  private async retrying<T>(control: BatchControl, operation: () => Promise<T>): Promise<T> {
    let delay = this.timing.retryDelayMs;
    for (;;) {
      try {
        const result = await operation();
        this.status.retrying = undefined;
        return result;
      } catch (error) {
        if (classifyFailure(error) === 'permanent') {
          this.status.retrying = undefined;
          throw error;
        }
        this.status.retrying = describeFailure(error);
        this.logger.warn(`transient failure, retrying in ${delay} ms: ${this.status.retrying}`);
        await this.pause(delay, control);
        delay = Math.min(delay * 2, this.timing.maxRetryDelayMs);
      }
    }
  }

  /** Waits, heartbeating now and then so the group keeps the partition; gives up when the batch is no longer ours. */
  private async pause(ms: number, control: BatchControl): Promise<void> {
    for (let left = ms; left > 0; left -= HEARTBEAT_EVERY_MS) {
      await sleep(Math.min(left, HEARTBEAT_EVERY_MS), undefined, { signal: this.pauses.signal }).catch(() => undefined);
      if (!control.live()) throw new BatchAbandoned();
      await control.heartbeat();
    }
  }

  // --- lag --------------------------------------------------------------------------------

  private async measureLag(): Promise<void> {
    if (this.lagMeasurement && Date.now() - this.lagMeasurement.at < this.timing.lagCacheMs) return;
    this.lagRefresh ??= this.refreshLag()
      .catch((error: unknown) => this.logger.debug(`lag not measured: ${describeFailure(error)}`))
      .finally(() => (this.lagRefresh = undefined));
    // A slow broker leaves the last measurement in place rather than slowing /health/ready down.
    await Promise.race([this.lagRefresh, sleep(this.timing.lagTimeoutMs, undefined, { ref: false })]);
  }

  private async refreshLag(): Promise<void> {
    const admin = await this.admin.get();
    const committedOffsets = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [...this.options.topics] });
    let lag = 0n;
    let committed = 0n;
    const partitionLags: PartitionLag[] = [];
    for (const { topic, partitions } of committedOffsets) {
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const offset = BigInt(partitions.find((p) => p.partition === end.partition)?.offset ?? '-1');
        // Nothing committed yet: the group reads from the first offset still kept.
        const position = offset >= 0n ? offset : BigInt(end.low);
        const behind = BigInt(end.high) - position;
        lag += behind > 0n ? behind : 0n;
        committed += position;
        partitionLags.push({ topic, partition: end.partition, lag: behind > 0n ? Number(behind) : 0 });
      }
    }
    this.status.partitionLags = partitionLags;
    const now = Date.now();
    const previous = this.lagMeasurement;
    // Offsets moved (maybe by another instance of the group holding the partitions), or the lag
    // just appeared: either way the clock of "no progress" starts now.
    if (previous && (previous.committed !== committed || (previous.lag === 0n && lag > 0n))) this.status.progressAt = now;
    this.lagMeasurement = { at: now, committed, lag };
    this.status.lag = Number(lag);
    if (lag === 0n) this.lastCaughtUpAt = now;
    // The oldest waiting message came after the last one consumed and after the group last had no lag.
    const waitingSince = Math.max(this.lastConsumedTimestamp ?? -Infinity, this.lastCaughtUpAt ?? -Infinity);
    this.status.lagSeconds = lag === 0n ? 0 : Number.isFinite(waitingSince) ? Math.max(0, (now - waitingSince) / 1000) : undefined;
  }
}

interface Decoded {
  readonly raw: FetchedMessage;
  readonly incoming: IncomingMessage;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
