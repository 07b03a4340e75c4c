import { setTimeout as sleep } from 'node:timers/promises';
import { WrongExpectedRevisionError } from '@salon/shared/event-store';

/**
 * How a write that lost a race on its stream (WrongExpectedRevisionError) is tried again: read
 * the stream anew and decide again, a bounded number of times, with a jittered pause so that a
 * burst of writers spreads out instead of colliding again on the next revision.
 */
export interface ConflictRetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The pause before attempt n is random in [0, min(maxDelayMs, baseDelayMs × 2^n)) ("full jitter"). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** An ordinary stream: one client, one visit. A conflict there is rare and settled at once. */
export const ORDINARY_STREAM: ConflictRetryPolicy = { attempts: 5, baseDelayMs: 1, maxDelayMs: 20 };

/**
 * A stream many writers append to at once: a per-chain sequence, or a client whose visits several
 * desks book at the same moment.
 */
export const CONTENDED_STREAM: ConflictRetryPolicy = { attempts: 50, baseDelayMs: 2, maxDelayMs: 100 };

/** Runs `operation` until it does not lose a race, at most `policy.attempts` times; other errors pass through. */
export async function retryOnConflict<T>(operation: () => Promise<T>, policy: ConflictRetryPolicy = ORDINARY_STREAM): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= policy.attempts) throw error;
      await sleep(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
    }
  }
}
