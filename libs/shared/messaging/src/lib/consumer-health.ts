/**
 * What a consumer group reports on /health/ready (see SupervisedConsumer). `ok` is false while
 * it is not consuming (starting, restarting after a crash, stopped) and while it has lag but
 * made no progress for a while (stalled); dead letters alone never make it unhealthy.
 */
// A type rather than an interface: it then fits wherever a report with extra fields is expected (WorkerHealth).
export type ConsumerHealth = {
  readonly ok: boolean;
  readonly state: ConsumerState | 'stalled';
  /** Why it is not ok, or the transient failure it is retrying. */
  readonly error?: string;
  /** Messages this process sent to the dead letters since it started (`npm run dead-letters -- list` shows them all). */
  readonly deadLetters: number;
  /** Messages behind the high watermarks, from the group's committed offsets; absent until first measured. */
  readonly lag?: number;
  /**
   * How long the oldest message not yet consumed may have waited, in seconds (at most this long):
   * 0 without lag; else since the later of the last consumed message's timestamp and the last
   * measurement that found no lag. Absent while neither is known (lag found before any message here).
   */
  readonly lagSeconds?: number;
  /** The lag of each partition of the group's topics (`topic` as named in Kafka, with its prefix), measured with `lag`. */
  readonly partitionLags?: readonly PartitionLag[];
  readonly restarts: number;
  readonly lastProgressAt?: string;
};

export type PartitionLag = { readonly topic: string; readonly partition: number; readonly lag: number };

export type ConsumerState = 'starting' | 'running' | 'restarting' | 'stopped';

/** What the supervisor knows at a moment; `assessConsumer` turns it into a health report. */
export interface ConsumerStatus {
  readonly state: ConsumerState;
  /** The crash or start failure behind `restarting`. */
  readonly lastCrash?: string;
  /** The transient failure being retried now, if any. */
  readonly retrying?: string;
  readonly deadLetters: number;
  readonly restarts: number;
  readonly lag?: number;
  readonly lagSeconds?: number;
  readonly partitionLags?: readonly PartitionLag[];
  /**
   * The last sign of progress (ms since the epoch): a message handled here, the group's
   * committed offsets moving (another instance may hold the partitions), the moment the lag
   * appeared, or the moment the group was joined.
   */
  readonly progressAt?: number;
}

/** Pure: the health report of a consumer, given its status and the time. */
export function assessConsumer(status: ConsumerStatus, now: number, stallAfterMs: number): ConsumerHealth {
  const common = {
    deadLetters: status.deadLetters,
    restarts: status.restarts,
    ...(status.lag === undefined ? {} : { lag: status.lag }),
    ...(status.lagSeconds === undefined ? {} : { lagSeconds: status.lagSeconds }),
    ...(status.partitionLags === undefined ? {} : { partitionLags: status.partitionLags }),
    ...(status.progressAt === undefined ? {} : { lastProgressAt: new Date(status.progressAt).toISOString() }),
  };
  switch (status.state) {
    case 'starting':
      return { ok: false, state: 'starting', error: status.lastCrash ?? 'not consuming yet', ...common };
    case 'restarting':
      return { ok: false, state: 'restarting', error: status.lastCrash ?? 'restarting', ...common };
    case 'stopped':
      return { ok: false, state: 'stopped', error: 'the consumer was stopped', ...common };
    case 'running': {
      const idleMs = now - (status.progressAt ?? now);
      if ((status.lag ?? 0) > 0 && idleMs > stallAfterMs) {
        const why = status.retrying ? `; retrying ${status.retrying}` : '';
        return { ok: false, state: 'stalled', error: `${status.lag} messages behind, no progress for ${Math.round(idleMs / 1000)} s${why}`, ...common };
      }
      return { ok: true, state: 'running', ...(status.retrying ? { error: `retrying: ${status.retrying}` } : {}), ...common };
    }
  }
}
