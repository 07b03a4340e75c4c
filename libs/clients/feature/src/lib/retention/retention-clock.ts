/**
 * Where the retention job takes "now" from. Injected so tests move time (years, for a policy of
 * years) without waiting, and every date a test uses is computed from it.
 */
export interface RetentionClock {
  now(): Date;
}

export const RETENTION_CLOCK = Symbol('RETENTION_CLOCK');

export const SYSTEM_CLOCK: RetentionClock = { now: () => new Date() };

/** When the daily job looks whether a chain's run of the day is due. */
export interface RetentionJobSchedule {
  /** After the service starts: not at once, so a crash loop does not hammer the store. */
  readonly firstCheckAfterMs: number;
  readonly checkEveryMs: number;
}

export const RETENTION_JOB_SCHEDULE = Symbol('RETENTION_JOB_SCHEDULE');

export const DEFAULT_RETENTION_JOB_SCHEDULE: RetentionJobSchedule = { firstCheckAfterMs: 60_000, checkEveryMs: 3_600_000 };
