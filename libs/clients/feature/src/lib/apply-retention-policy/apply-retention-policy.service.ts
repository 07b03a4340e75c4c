import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import {
  RETENTION_CATEGORIES,
  RETENTION_JOB_ACTOR,
  RetentionCategory,
  RetentionClientIds,
  RetentionCutoffs,
  RetentionPolicy,
  RetentionRunTrigger,
  latestCutoff,
  retentionActions,
  retentionCutoffs,
  retentionDayOf,
  retentionFactsOf,
} from '@salon/clients/domain';
import { DomainError } from '@salon/shared/ddd';
import { deterministicUuid } from '@salon/shared/event-sourcing';
import { WrongExpectedRevisionError } from '@salon/shared/event-store';
import { CommandContext, MONGO_CONNECTION, commandMetadata } from '@salon/shared/nest';
import { ClientStream } from '../client-stream/client-stream';
import { EraseClient } from '../erase-client/erase-client.service';
import { CLIENT_PHOTO_REMOVAL, ClientPhotoRemoval } from '../retention/client-photo-removal';
import { RETENTION_CLOCK, RetentionClock } from '../retention/retention-clock';
import { RetentionCandidate, RetentionCandidates } from '../retention/retention-candidates';
import { RetentionPolicies } from '../retention/retention-policies';
import { RetentionRuns } from '../retention/retention-runs';

// The actor recorded on every event a retention run causes: the erasure certificate's "by" reads it (domain).
export { RETENTION_JOB_ACTOR };

/** What the policy does to the chain now: per category, the ids of the clients it touches. */
export interface RetentionPlan {
  readonly asOf: string;
  readonly policy: RetentionPolicy;
  readonly counts: { readonly [Category in RetentionCategory]: number };
  readonly clientIds: RetentionClientIds;
}

export interface RetentionRunStartedResult {
  readonly runId: string;
  /** false: the run of the day had been started already (by another instance or before a restart). */
  readonly started: boolean;
}

/** Client streams read at once while planning. */
const STREAM_READS_AT_ONCE = 8;

const emptyIds = (): Record<RetentionCategory, string[]> => ({ erase: [], photo: [], comment: [] });
const countsOf = (ids: RetentionClientIds) =>
  Object.fromEntries(RETENTION_CATEGORIES.map((category) => [category, ids[category].length])) as RetentionPlan['counts'];

/**
 * Applies the chain's retention policy: the dry run says what it would do, a run does it and is
 * recorded on its own stream. Erasures are ordinary erasures (EraseClient: the same events,
 * archive numbers and follow-ups as a person's request), comments go as a profile edit without
 * the comment; both are decided again on the client's stream, so a legal hold placed after the
 * scan still wins (the client is then listed as skipped). Photos: see applyPhoto.
 */
@Injectable()
export class ApplyRetentionPolicy {
  private readonly logger = new Logger(ApplyRetentionPolicy.name);
  private readonly candidates: RetentionCandidates;

  constructor(
    private readonly policies: RetentionPolicies,
    private readonly runs: RetentionRuns,
    private readonly clients: ClientStream,
    private readonly eraseClient: EraseClient,
    @Inject(MONGO_CONNECTION) mongo: Connection,
    @Inject(RETENTION_CLOCK) private readonly clock: RetentionClock,
    @Inject(CLIENT_PHOTO_REMOVAL) private readonly photos: ClientPhotoRemoval | null,
  ) {
    this.candidates = new RetentionCandidates(mongo);
  }

  async dryRun(tenantId: string): Promise<RetentionPlan> {
    const { state } = await this.policies.load(tenantId);
    return this.plan(tenantId, state.policy, this.clock.now());
  }

  /** The daily run: once per chain and UTC day, whoever calls it first; later calls the same day do nothing. */
  runOfTheDay(tenantId: string): Promise<RetentionRunStartedResult> {
    const day = retentionDayOf(this.clock.now());
    return this.run(tenantId, 'daily', deterministicUuid('retention-daily-run', tenantId, day));
  }

  /** A run now (POST /retention-policy/runs); it does whatever the policy says is due, nothing twice. */
  runNow(tenantId: string, idempotencyKey?: string): Promise<RetentionRunStartedResult> {
    // With an Idempotency-Key a retry names the same run, which is then found started and not run again.
    return this.run(tenantId, 'on-demand', idempotencyKey ? deterministicUuid('retention-run', tenantId, idempotencyKey) : randomUUID());
  }

  private async run(tenantId: string, trigger: RetentionRunTrigger, runId: string): Promise<RetentionRunStartedResult> {
    const now = this.clock.now();
    const { state } = await this.policies.load(tenantId);
    const context = jobContext(tenantId, runId);
    const metadata = commandMetadata(context);
    const started = await this.runs.record(runId, {
      type: 'StartRetentionRun',
      data: { runId, trigger, day: retentionDayOf(now), policy: state.policy, asOf: now.toISOString() },
      metadata,
    });
    if (started.length === 0) return { runId, started: false };

    const plan = await this.plan(tenantId, state.policy, now);
    const applied = emptyIds();
    const skipped = emptyIds();
    for (const category of RETENTION_CATEGORIES) {
      for (const clientId of plan.clientIds[category]) {
        const done = await this.apply(context, category, clientId, retentionCutoffs(state.policy, now));
        (done ? applied : skipped)[category].push(clientId);
      }
    }
    await this.runs.record(runId, { type: 'FinishRetentionRun', data: { runId, applied, skipped }, metadata: commandMetadata(context) });
    // Counts and the run id only: never a client's data.
    this.logger.log(`retention run ${runId} (${trigger}): ${RETENTION_CATEGORIES.map((c) => `${c} ${applied[c].length}/${plan.counts[c]}`).join(', ')}`);
    return { runId, started: true };
  }

  private async plan(tenantId: string, policy: RetentionPolicy, now: Date): Promise<RetentionPlan> {
    const cutoffs = retentionCutoffs(policy, now);
    const clientIds = emptyIds();
    const lastSeenBefore = latestCutoff(cutoffs);
    if (lastSeenBefore !== undefined) {
      for await (const page of this.candidates.scan(tenantId, lastSeenBefore)) {
        // Erasure is decided from the card alone; the client's stream is read only for a photo or
        // a comment that may be due (their dates are on the stream), so most clients cost no read.
        const toRead: RetentionCandidate[] = [];
        for (const candidate of page) {
          if (retentionActions({ erase: cutoffs.erase }, candidate).length > 0) {
            clientIds.erase.push(candidate.clientId);
            continue;
          }
          const mayDrop = (candidate.hasPhoto && cutoffs.photo !== undefined) || (candidate.hasComment && cutoffs.comment !== undefined);
          if (mayDrop && !candidate.onLegalHold && candidate.openVisits === 0) toRead.push(candidate);
        }
        // A few streams at a time: each read is a short wait on the store, and the page is bounded.
        for (let from = 0; from < toRead.length; from += STREAM_READS_AT_ONCE) {
          const decided = await Promise.all(
            toRead.slice(from, from + STREAM_READS_AT_ONCE).map(async (candidate) => {
              const { state, history } = await this.clients.load(tenantId, candidate.clientId);
              if (state.status !== 'active') return { clientId: candidate.clientId, actions: [] };
              return { clientId: candidate.clientId, actions: retentionActions({ photo: cutoffs.photo, comment: cutoffs.comment }, { ...candidate, ...retentionFactsOf(history) }) };
            }),
          );
          for (const { clientId, actions } of decided) for (const action of actions) clientIds[action].push(clientId);
        }
      }
    }
    return { asOf: now.toISOString(), policy, counts: countsOf(clientIds), clientIds };
  }

  /** true when done; false when the client's stream refused it (a hold or a change since the scan). */
  private async apply(context: CommandContext, category: RetentionCategory, clientId: string, cutoffs: RetentionCutoffs): Promise<boolean> {
    try {
      switch (category) {
        case 'erase':
          await this.eraseClient.execute(context, clientId);
          return true;
        case 'comment': {
          // A comment written since the scan is not the one that was due: checked on the stream,
          // and recorded on the revision checked (a save meanwhile makes it a conflict, skipped).
          const { history, revision } = await this.clients.load(context.principal.tenantId, clientId);
          const { commentWrittenAt } = retentionFactsOf(history);
          if (revision === undefined || !isBefore(commentWrittenAt, cutoffs.comment)) return false;
          const result = await this.clients.record(clientId, { type: 'DropClientComment', data: { clientId }, metadata: commandMetadata(context) }, { expectedRevision: revision });
          return result.revision !== revision;
        }
        case 'photo':
          return this.applyPhoto(context, clientId, cutoffs);
      }
    } catch (error) {
      if (error instanceof DomainError || error instanceof WrongExpectedRevisionError) {
        this.logger.warn(`retention ${category} skipped for a client: ${error instanceof DomainError ? error.code : 'changed meanwhile'}`);
        return false;
      }
      // The media service down or refusing: the photo stays due, and the next run tries again.
      if (category === 'photo') {
        this.logger.warn(`retention photo skipped for a client: ${error instanceof Error ? error.name : 'unknown error'}`);
        return false;
      }
      throw error;
    }
  }

  /**
   * Through the media service (ClientPhotoRemoval), which owns the objects. The hold is checked on
   * the client's stream first: the media service's removal knows nothing of holds. Without a media
   * service configured, a due photo is listed as skipped.
   */
  private async applyPhoto(context: CommandContext, clientId: string, cutoffs: RetentionCutoffs): Promise<boolean> {
    if (this.photos === null) return false;
    const { state, history } = await this.clients.load(context.principal.tenantId, clientId);
    if (state.status !== 'active' || state.legalHold !== undefined || state.photoRef === undefined) return false;
    // A photo uploaded since the scan is not the one that was due.
    if (!isBefore(retentionFactsOf(history).photoSetAt, cutoffs.photo)) return false;
    const { tenantId, userId } = context.principal;
    return this.photos.remove({ tenantId, userId, correlationId: context.correlationId, clientId });
  }
}

function isBefore(instant: Date | undefined, cutoff: Date | undefined): boolean {
  return instant !== undefined && cutoff !== undefined && instant.getTime() < cutoff.getTime();
}

/** The retention job's context: its own actor, the run id as correlation, no idempotency key (runs are idempotent by state). */
function jobContext(tenantId: string, runId: string): CommandContext {
  return { principal: { userId: RETENTION_JOB_ACTOR, tenantId, roles: [], salonIds: [] }, correlationId: runId };
}
