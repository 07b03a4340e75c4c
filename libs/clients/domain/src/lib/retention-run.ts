import { Command, Decider, DomainError, Event, EventCatalog, assertNever } from '@salon/shared/ddd';
import type { RetentionCategory, RetentionPolicy } from './retention-policy';

// ---------------------------------------------------------------------------------------------
// One application of the retention policy to a chain: its own stream, so a run is reported by id
// and the daily run of a day is started once, whichever instance or restart gets there first.

export const RETENTION_RUN_STREAM_PREFIX = 'retention-run-';
export function toRetentionRunStreamName(runId: string): string {
  return `${RETENTION_RUN_STREAM_PREFIX}${runId}`;
}

/** 'daily': the job's run of one UTC day (one per chain and day); 'on-demand': POST /retention-policy/runs. */
export type RetentionRunTrigger = 'daily' | 'on-demand';

/** Client ids only: nothing personal (an id names no one outside the chain's own records). */
export type RetentionClientIds = { readonly [Category in RetentionCategory]: readonly string[] };

export type StartRetentionRun = Command<
  'StartRetentionRun',
  { readonly runId: string; readonly trigger: RetentionRunTrigger; readonly day: string; readonly policy: RetentionPolicy; readonly asOf: string }
>;
export type FinishRetentionRun = Command<
  'FinishRetentionRun',
  { readonly runId: string; readonly applied: RetentionClientIds; readonly skipped: RetentionClientIds }
>;
export type RetentionRunCommand = StartRetentionRun | FinishRetentionRun;

/** `asOf` is the clock's "now" the selection used (the job's injected clock), `startedAt` when it was recorded. */
export type RetentionRunStarted = Event<
  'RetentionRunStarted',
  { readonly runId: string; readonly trigger: RetentionRunTrigger; readonly day: string; readonly policy: RetentionPolicy; readonly asOf: string; readonly startedAt: string }
>;
/** `skipped`: due, but refused when applied (a legal hold or a visit since the scan, a client gone meanwhile). */
export type RetentionRunFinished = Event<
  'RetentionRunFinished',
  { readonly runId: string; readonly applied: RetentionClientIds; readonly skipped: RetentionClientIds; readonly finishedAt: string }
>;
export type RetentionRunEvent = RetentionRunStarted | RetentionRunFinished;

export type RetentionRunState =
  | { readonly status: 'none' }
  | { readonly status: 'started'; readonly started: RetentionRunStarted['data'] }
  | { readonly status: 'finished'; readonly started: RetentionRunStarted['data']; readonly finished: RetentionRunFinished['data'] };

export const retentionRunEventCatalog: EventCatalog<RetentionRunEvent> = {
  RetentionRunStarted: { schemaVersion: 1 },
  RetentionRunFinished: { schemaVersion: 1 },
};

export const retentionRunDecider: Decider<RetentionRunState, RetentionRunCommand, RetentionRunEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'RetentionRunStarted':
        return { status: 'started', started: event.data };
      case 'RetentionRunFinished':
        return state.status === 'none' ? state : { status: 'finished', started: state.started, finished: event.data };
      default:
        return assertNever(event);
    }
  },
  decide: (command, state) => {
    const at = command.metadata.now.toISOString();
    switch (command.type) {
      case 'StartRetentionRun':
        // The day's run was started already (another instance, a restart): this one does nothing.
        if (state.status !== 'none') return [];
        return [{ type: 'RetentionRunStarted', data: { ...command.data, startedAt: at } }];
      case 'FinishRetentionRun':
        if (state.status === 'none') throw DomainError.notFound('retention-run-not-found', 'There is no such retention run', { runId: command.data.runId });
        if (state.status === 'finished') return [];
        return [{ type: 'RetentionRunFinished', data: { ...command.data, finishedAt: at } }];
      default:
        return assertNever(command);
    }
  },
};

/** The UTC calendar day of an instant, `YYYY-MM-DD`: the unit of "once a day". */
export function retentionDayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
