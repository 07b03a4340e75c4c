import { Injectable } from '@nestjs/common';
import { RETENTION_CATEGORIES, RetentionCategory, RetentionClientIds, RetentionPolicy, RetentionRunTrigger } from '@salon/clients/domain';
import { DomainError } from '@salon/shared/ddd';
import { RetentionRuns } from '../retention/retention-runs';

export interface RetentionRunReport {
  readonly runId: string;
  readonly trigger: RetentionRunTrigger;
  /** 'started' and never 'finished': still running, or stopped by a crash (the next run does what it left). */
  readonly status: 'started' | 'finished';
  readonly day: string;
  readonly asOf: string;
  readonly policy: RetentionPolicy;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Per category, the clients it was applied to. */
  readonly counts: { readonly [Category in RetentionCategory]: number };
  readonly clientIds: RetentionClientIds;
  /** Due but refused when applied (a hold or a visit since the scan), or not applied (photos, for now). */
  readonly skipped: RetentionClientIds;
}

const NONE: RetentionClientIds = { erase: [], photo: [], comment: [] };

@Injectable()
export class GetRetentionRun {
  constructor(private readonly runs: RetentionRuns) {}

  async execute(tenantId: string, runId: string): Promise<RetentionRunReport> {
    const state = await this.runs.state(tenantId, runId);
    if (state.status === 'none') throw DomainError.notFound('retention-run-not-found', 'There is no such retention run in your salon chain.');
    const { trigger, day, asOf, policy, startedAt } = state.started;
    const finished = state.status === 'finished' ? state.finished : undefined;
    const clientIds = finished?.applied ?? NONE;
    return {
      runId,
      trigger,
      status: state.status,
      day,
      asOf,
      policy,
      startedAt,
      finishedAt: finished?.finishedAt ?? null,
      counts: Object.fromEntries(RETENTION_CATEGORIES.map((category) => [category, clientIds[category].length])) as RetentionRunReport['counts'],
      clientIds,
      skipped: finished?.skipped ?? NONE,
    };
  }
}
