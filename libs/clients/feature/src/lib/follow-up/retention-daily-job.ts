import { Inject, Injectable, Logger } from '@nestjs/common';
import { BackgroundWorker, WorkerHealth } from '@salon/shared/nest';
import { ApplyRetentionPolicy } from '../apply-retention-policy/apply-retention-policy.service';
import { RETENTION_JOB_SCHEDULE, RetentionJobSchedule } from '../retention/retention-clock';
import { RetentionPolicies } from '../retention/retention-policies';

/**
 * Applies each chain's retention policy once a day. It looks every hour (RetentionJobSchedule)
 * and starts the chain's run of the UTC day, which is recorded on a stream named after the chain
 * and the day: whichever instance gets there first runs it, every other instance and every
 * restart that day finds it started and does nothing. A run cut short by a crash stays
 * "started"; the next day's run does what it left (the selection is by the clients' state).
 */
@Injectable()
export class RetentionDailyJob implements BackgroundWorker {
  readonly name = 'clients.retention-daily-job';
  private readonly logger = new Logger(RetentionDailyJob.name);
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private lastCheckAt: string | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly policies: RetentionPolicies,
    private readonly applyRetentionPolicy: ApplyRetentionPolicy,
    @Inject(RETENTION_JOB_SCHEDULE) private readonly schedule: RetentionJobSchedule,
  ) {}

  async start(): Promise<void> {
    const next = (delay: number) => {
      this.timer = setTimeout(() => {
        this.checking = this.check().finally(() => next(this.schedule.checkEveryMs));
      }, delay);
      this.timer.unref();
    };
    next(this.schedule.firstCheckAfterMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.checking;
  }

  health(): WorkerHealth {
    return { ok: true, state: this.lastError ? 'failed-last-check' : 'scheduled', lastCheckAt: this.lastCheckAt ?? null, ...(this.lastError ? { error: this.lastError } : {}) };
  }

  /** One look at every chain with a policy: starts the day's run where it is not started yet. */
  async check(): Promise<void> {
    this.lastError = undefined;
    for (const tenantId of await this.policies.chainsWithPolicy()) {
      try {
        await this.applyRetentionPolicy.runOfTheDay(tenantId);
      } catch (error) {
        // The error's kind only: a message could quote data. The next check tries again.
        this.lastError = error instanceof Error ? error.name : 'unknown error';
        this.logger.error(`retention run of a chain failed: ${this.lastError}`);
      }
    }
    this.lastCheckAt = new Date().toISOString();
  }
}
