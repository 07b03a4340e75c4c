import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore, GlobalPosition, RecordedEvent, formatPosition } from '@salon/shared/event-store';
import { CheckpointStore } from './checkpoint-store';

/**
 * What a follow-up made of one event: `done` (including "nothing to do for this one"), or
 * `not-yet` when the event is too recent to act on (a grace period): the follow-up then waits and
 * looks at that event again, and at none after it, since events come in global order.
 */
export type FollowUpOutcome = 'done' | 'not-yet';

export interface EventStoreFollowUpOptions {
  /** Names the checkpoint and the worker on /health/ready. */
  readonly name: string;
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly streamPrefixes: readonly string[];
  /** Must be idempotent: after a crash the events since the last checkpoint are handled again. */
  readonly handle: (event: RecordedEvent) => Promise<FollowUpOutcome>;
  /** How often it looks for new events once caught up (and for a `not-yet` event to become due). */
  readonly pollIntervalMs?: number;
  /** The longest pause between two attempts at an event that keeps failing. */
  readonly maxBackoffMs?: number;
  /** Failing for this long without a success makes it `stalled` on /health/ready (60 s unless said). */
  readonly stallAfterMs?: number;
  readonly batchSize?: number;
}

// A type rather than an interface, so that it is a WorkerHealth (a report /health/ready shows as is).
export type FollowUpHealth = {
  /** Whether it runs and makes progress: /health/ready answers 503 otherwise. */
  readonly ok: boolean;
  /** `stalled` once every attempt failed for `stallAfterMs` (the event store unreachable, a handler failing). */
  readonly state: 'running' | 'stalled' | 'stopped';
  readonly running: boolean;
  /** The error of the event it is stuck on, retried with back-off; absent when all is well. */
  readonly lastError?: string;
  readonly failedAttempts: number;
  readonly handled: number;
  readonly position?: string;
};

/**
 * Finishes, from the event store itself, what a use case does after its deciding append (release a
 * phone, destroy a data key, ...): a crash between the append and those side effects can no longer
 * leave them undone. Reads the context's own streams from a stored checkpoint, hands each event to
 * `handle`, and moves the checkpoint only past events handled. A failing event is retried with
 * back-off until it succeeds: it is never skipped, since skipping would leave the job unfinished.
 *
 * It polls `readAll` rather than holding a live subscription, because it must be able to stop at an
 * event that is not due yet and come back to it.
 */
export class EventStoreFollowUp {
  private readonly logger: Logger;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: AbortController;
  private status: { lastError?: string; failingSince?: number; failedAttempts: number; handled: number; position?: GlobalPosition } = {
    failedAttempts: 0,
    handled: 0,
  };

  constructor(private readonly options: EventStoreFollowUpOptions) {
    this.logger = new Logger(`FollowUp:${options.name}`);
  }

  get name(): string {
    return this.options.name;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.status.position = await this.options.checkpoints.load(this.options.name);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.abort();
    await this.loop;
    this.loop = undefined;
  }

  health(now = Date.now()): FollowUpHealth {
    const { lastError, failingSince, failedAttempts, handled, position } = this.status;
    const running = this.loop !== undefined && !this.stopping;
    const stalled = running && failingSince !== undefined && now - failingSince >= (this.options.stallAfterMs ?? 60_000);
    const state = !running ? 'stopped' : stalled ? 'stalled' : 'running';
    return { ok: state === 'running', state, running, lastError, failedAttempts, handled, position: position && formatPosition(position) };
  }

  /** Handles whatever is due now; resolves once caught up (tests, and the loop's step). */
  async runOnce(): Promise<void> {
    const { store, streamPrefixes, handle, checkpoints, name, batchSize = 200 } = this.options;
    for (;;) {
      const events = await store.readAll({ after: this.status.position, streamPrefixes, maxCount: batchSize });
      let handledUpTo: GlobalPosition | undefined;
      let waiting = false;
      try {
        for (const event of events) {
          if ((await handle(event)) === 'not-yet') {
            waiting = true;
            break;
          }
          handledUpTo = event.position;
          this.status.handled++;
        }
      } finally {
        if (handledUpTo) {
          await checkpoints.save(name, handledUpTo);
          this.status.position = handledUpTo;
        }
      }
      if (waiting || events.length < batchSize) return;
    }
  }

  private async run(): Promise<void> {
    const pollIntervalMs = this.options.pollIntervalMs ?? 1_000;
    const maxBackoffMs = this.options.maxBackoffMs ?? 30_000;
    while (!this.stopping) {
      let pause = pollIntervalMs;
      try {
        await this.runOnce();
        if (this.status.lastError) this.logger.log('recovered');
        this.status = { ...this.status, lastError: undefined, failingSince: undefined, failedAttempts: 0 };
      } catch (error) {
        const failedAttempts = this.status.failedAttempts + 1;
        // Error messages of these steps name ids and codes, never personal data.
        const lastError = error instanceof Error ? error.message : String(error);
        this.status = { ...this.status, lastError, failedAttempts, failingSince: this.status.failingSince ?? Date.now() };
        pause = Math.min(maxBackoffMs, pollIntervalMs * 2 ** Math.min(failedAttempts, 10));
        this.logger.warn(`attempt ${failedAttempts} failed, next in ${pause} ms: ${lastError}`);
      }
      this.wake = new AbortController();
      await sleep(pause, undefined, { signal: this.wake.signal }).catch(() => undefined);
    }
  }
}
