import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import type { BackgroundWorker, WorkerHealth } from './workers';

/**
 * A lease in MongoDB that one instance at a time holds, for work that must not run twice at
 * once (a relay: two would publish every event twice and race on one checkpoint). The holder
 * renews it every `ttlMs / 3`; another instance takes it once it has expired, so a holder that
 * died is replaced within `ttlMs` (plus one attempt interval). Each taking raises `token`, the
 * fencing token: a renewal names the token it holds, so a holder that was paused past its lease
 * (a long GC, a partition) learns at its next renewal that it lost it, and stops.
 */
export interface LeaseDocument {
  _id: string;
  holder: string;
  token: number;
  expiresAt: Date;
}

export const WORKER_LEASES_COLLECTION = 'worker_leases';

/** A held lease: its fencing token. */
export interface HeldLease {
  readonly token: number;
}

export class MongoLease {
  /** This instance, in the lease document and the logs: host and a random suffix (no personal data). */
  readonly holder = `${hostname()}-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly connection: Connection,
    readonly name: string,
    readonly ttlMs: number,
  ) {}

  /** Takes the lease if it is free or expired (or already ours); undefined when another holds it. */
  async acquire(now = new Date()): Promise<HeldLease | undefined> {
    const leases = this.collection();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const taken = await leases.findOneAndUpdate(
      { _id: this.name, $or: [{ expiresAt: { $lte: now } }, { holder: this.holder }] },
      { $set: { holder: this.holder, expiresAt }, $inc: { token: 1 } },
      { returnDocument: 'after' },
    );
    if (taken) return { token: taken.token };
    try {
      // Never taken before: the first to insert it holds it.
      await leases.insertOne({ _id: this.name, holder: this.holder, token: 1, expiresAt });
      return { token: 1 };
    } catch (error) {
      if (isDuplicateKey(error)) return undefined;
      throw error;
    }
  }

  /** Extends the lease held with `token`; false when it is no longer ours (expired and taken). */
  async renew(lease: HeldLease, now = new Date()): Promise<boolean> {
    const result = await this.collection().updateOne(
      { _id: this.name, holder: this.holder, token: lease.token },
      { $set: { expiresAt: new Date(now.getTime() + this.ttlMs) } },
    );
    return result.matchedCount === 1;
  }

  /** Gives the lease up at once (a clean stop), so that a standby need not wait for it to expire. */
  async release(lease: HeldLease): Promise<void> {
    await this.collection().updateOne({ _id: this.name, holder: this.holder, token: lease.token }, { $set: { expiresAt: new Date(0) } });
  }

  private collection() {
    return this.connection.collection<LeaseDocument>(WORKER_LEASES_COLLECTION);
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export interface LeasedWorkerTiming {
  /** How often a standby tries to take the lease (default: a third of its time to live). */
  readonly attemptEveryMs?: number;
}

/**
 * Runs `worker` only while this instance holds `lease`: a standby instance reports `standby`
 * (ready: it is there to take over) and tries to take the lease every `attemptEveryMs`; the
 * holder renews it, and stops the worker as soon as a renewal fails or finds the lease taken.
 * `start` resolves at once; the worker starts when the lease is taken.
 */
export function leasedWorker(worker: BackgroundWorker, lease: MongoLease, timing: LeasedWorkerTiming = {}): BackgroundWorker {
  const logger = new Logger(`lease:${lease.name}`);
  const everyMs = timing.attemptEveryMs ?? Math.max(Math.floor(lease.ttlMs / 3), 50);
  let held: HeldLease | undefined;
  let running = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let turn: Promise<void> = Promise.resolve();
  let lastError: string | undefined;

  const giveUp = async (why: string) => {
    logger.warn(`${lease.holder} lost the lease (${why}): stopping ${worker.name}`);
    held = undefined;
    if (running) {
      running = false;
      await worker.stop().catch((error: unknown) => logger.warn(`${worker.name} did not stop cleanly: ${String(error)}`));
    }
  };

  const step = async () => {
    try {
      if (held) {
        if (!(await lease.renew(held))) await giveUp('taken by another instance after it expired');
      } else {
        const taken = await lease.acquire();
        if (taken) {
          logger.log(`${lease.holder} took the lease (token ${taken.token}): starting ${worker.name}`);
          try {
            await worker.start(taken);
          } catch (error) {
            // Not started: the lease goes back, for this or another instance to try again.
            await lease.release(taken);
            throw error;
          }
          held = taken;
          running = true;
        }
      }
      lastError = undefined;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      // A renewal that cannot reach MongoDB cannot prove the lease is still ours: stop, as a lost lease.
      if (held) await giveUp(`MongoDB did not answer: ${lastError}`);
    }
  };

  const schedule = () => {
    if (stopping) return;
    timer = setTimeout(() => {
      turn = step().finally(schedule);
    }, everyMs);
    timer.unref();
  };

  return {
    name: worker.name,
    start: async () => {
      stopping = false;
      turn = step();
      await turn;
      schedule();
    },
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await turn;
      if (running) {
        running = false;
        await worker.stop();
      }
      if (held) await lease.release(held).catch((error: unknown) => logger.warn(`the lease was not released: ${String(error)}`));
      held = undefined;
    },
    health: async (): Promise<WorkerHealth> => {
      if (running) return { ...((await worker.health?.()) ?? { ok: true }), lease: 'held' };
      return { ok: lastError === undefined, state: 'standby', lease: 'standby', ...(lastError ? { error: lastError } : {}) };
    },
  };
}
