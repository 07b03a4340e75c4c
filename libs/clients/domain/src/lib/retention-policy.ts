import { Command, Decider, DomainError, Event, EventCatalog, assertNever } from '@salon/shared/ddd';
import type { ClientEvent } from './client';

// ---------------------------------------------------------------------------------------------
// The chain's retention policy: how long the client base keeps what, per data category. Each
// category is off (null) until the owner sets it. The policy holds numbers only, nothing personal.

/** One stream per chain; its events hold periods, never a client. */
export function toRetentionPolicyStreamName(tenantId: string): string {
  return `${RETENTION_POLICY_STREAM_PREFIX}${tenantId}`;
}
export const RETENTION_POLICY_STREAM_PREFIX = 'retention-policy-';

export interface RetentionPolicy {
  /** Erase (GDPR anonymisation) a client with no visit for this many years; counted from registration when never visited. */
  readonly eraseClientsAfterYearsWithoutVisit: number | null;
  /** Drop the client's photo after this many months without a visit and without a new photo. */
  readonly dropPhotosAfterMonthsWithoutVisit: number | null;
  /** Drop the free-text comment after this many years without a visit and without the comment being written or changed. */
  readonly dropCommentsAfterYearsWithoutVisit: number | null;
}

export const RETENTION_POLICY_OFF: RetentionPolicy = {
  eraseClientsAfterYearsWithoutVisit: null,
  dropPhotosAfterMonthsWithoutVisit: null,
  dropCommentsAfterYearsWithoutVisit: null,
};

/**
 * Sane bounds: a period under one unit would erase on the next run what the front desk just
 * typed; 30 years (360 months) is longer than any limitation period the chains work under.
 */
export const RETENTION_BOUNDS: Readonly<Record<keyof RetentionPolicy, { readonly min: number; readonly max: number; readonly unit: string }>> = {
  eraseClientsAfterYearsWithoutVisit: { min: 1, max: 30, unit: 'years' },
  dropPhotosAfterMonthsWithoutVisit: { min: 1, max: 360, unit: 'months' },
  dropCommentsAfterYearsWithoutVisit: { min: 1, max: 30, unit: 'years' },
};

export const RETENTION_POLICY_FIELDS = Object.keys(RETENTION_BOUNDS) as (keyof RetentionPolicy)[];

export type SetRetentionPolicy = Command<'SetRetentionPolicy', { readonly policy: RetentionPolicy }>;
export type RetentionPolicyCommand = SetRetentionPolicy;

export type RetentionPolicySet = Event<'RetentionPolicySet', RetentionPolicy & { readonly setAt: string }>;
export type RetentionPolicyEvent = RetentionPolicySet;

export interface RetentionPolicyState {
  readonly policy: RetentionPolicy;
  readonly setAt?: string;
}

/** Nothing personal in it: stored in clear. */
export const retentionPolicyEventCatalog: EventCatalog<RetentionPolicyEvent> = {
  RetentionPolicySet: { schemaVersion: 1 },
};

/** Checks every field and names each one that is wrong (all of them, not only the first). */
export function parseRetentionPolicy(input: Partial<Record<keyof RetentionPolicy, unknown>>): RetentionPolicy {
  const errors: { field: string; reason: string }[] = [];
  const policy: Record<string, number | null> = {};
  for (const field of RETENTION_POLICY_FIELDS) {
    const value = input[field];
    const { min, max, unit } = RETENTION_BOUNDS[field];
    if (value === null || value === undefined) {
      policy[field] = null;
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      errors.push({ field, reason: `a whole number of ${unit} from ${min} to ${max}, or null for off` });
    } else {
      policy[field] = value;
    }
  }
  if (errors.length > 0) {
    throw DomainError.invalid('invalid-retention-policy', errors.map((error) => `${error.field}: ${error.reason}`).join('; '), {
      field: errors[0].field,
      errors,
    });
  }
  return policy as unknown as RetentionPolicy;
}

function samePolicy(a: RetentionPolicy, b: RetentionPolicy): boolean {
  return RETENTION_POLICY_FIELDS.every((field) => a[field] === b[field]);
}

export const retentionPolicyDecider: Decider<RetentionPolicyState, RetentionPolicyCommand, RetentionPolicyEvent> = {
  initialState: () => ({ policy: RETENTION_POLICY_OFF }),
  evolve: (_state, event) => {
    const { setAt, ...policy } = event.data;
    return { policy, setAt };
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'SetRetentionPolicy': {
        const policy = parseRetentionPolicy(command.data.policy);
        // Saving the same policy again records nothing: the stream shows real changes only.
        if (state.setAt !== undefined && samePolicy(policy, state.policy)) return [];
        return [{ type: 'RetentionPolicySet', data: { ...policy, setAt: command.metadata.now.toISOString() } }];
      }
      default:
        return assertNever(command.type);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Selection: what the policy does to one client, a pure function of the policy, the clock and
// what is known of the client.

export type RetentionCategory = 'erase' | 'photo' | 'comment';
export const RETENTION_CATEGORIES: readonly RetentionCategory[] = ['erase', 'photo', 'comment'];

/** What the selection needs of one client (the card's visit totals and the client's own stream). */
export interface RetentionSubject {
  readonly registeredAt: Date;
  /** The last completed visit (the card's visitStatistics.lastVisitAt); null when never visited. */
  readonly lastVisitAt: Date | null;
  /** Visits booked, confirmed or arrived: the client is coming, nothing of theirs goes. */
  readonly openVisits: number;
  readonly onLegalHold: boolean;
  /** When the current photo was set; absent without a photo. */
  readonly photoSetAt?: Date;
  /** When the current comment was last written or changed; absent without a comment. */
  readonly commentWrittenAt?: Date;
}

/** The instants before which each enabled category applies ("N years ago" on the calendar, UTC). */
export interface RetentionCutoffs {
  readonly erase?: Date;
  readonly photo?: Date;
  readonly comment?: Date;
}

export function retentionCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoffs {
  const years = policy.eraseClientsAfterYearsWithoutVisit;
  const months = policy.dropPhotosAfterMonthsWithoutVisit;
  const commentYears = policy.dropCommentsAfterYearsWithoutVisit;
  return {
    ...(years === null ? {} : { erase: monthsBefore(now, years * 12) }),
    ...(months === null ? {} : { photo: monthsBefore(now, months) }),
    ...(commentYears === null ? {} : { comment: monthsBefore(now, commentYears * 12) }),
  };
}

/**
 * The latest of the cutoffs: a client last seen after it is touched by no category, so the job's
 * scan of the card read model can skip them. Undefined when the policy is all off.
 */
export function latestCutoff(cutoffs: RetentionCutoffs): Date | undefined {
  const dates = [cutoffs.erase, cutoffs.photo, cutoffs.comment].filter((date): date is Date => date !== undefined);
  return dates.length === 0 ? undefined : new Date(Math.max(...dates.map((date) => date.getTime())));
}

/**
 * Which categories apply to the client now. A client on legal hold, or with a visit still open,
 * keeps everything. "Without a visit" counts from the later of the last completed visit and the
 * registration (an imported client registered last week is not erased for visits of years ago);
 * a photo counts from the later of that and when it was set, a comment from the later of that
 * and when it was last written. Erasure, when due, is the only action: it removes the rest.
 */
export function retentionActions(cutoffs: RetentionCutoffs, subject: RetentionSubject): RetentionCategory[] {
  if (subject.onLegalHold || subject.openVisits > 0) return [];
  const lastSeen = Math.max(subject.registeredAt.getTime(), subject.lastVisitAt?.getTime() ?? -Infinity);
  const expired = (cutoff: Date | undefined, since: number) => cutoff !== undefined && since < cutoff.getTime();
  if (expired(cutoffs.erase, lastSeen)) return ['erase'];
  const actions: RetentionCategory[] = [];
  if (subject.photoSetAt && expired(cutoffs.photo, Math.max(lastSeen, subject.photoSetAt.getTime()))) actions.push('photo');
  if (subject.commentWrittenAt && expired(cutoffs.comment, Math.max(lastSeen, subject.commentWrittenAt.getTime()))) actions.push('comment');
  return actions;
}

/** `months` calendar months before `instant`, the day of month clamped (31 March − 1 month = 28/29 February). */
export function monthsBefore(instant: Date, months: number): Date {
  const totalMonths = instant.getUTCFullYear() * 12 + instant.getUTCMonth() - months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(instant.getTime());
  result.setUTCFullYear(year, month, Math.min(instant.getUTCDate(), lastDay));
  return result;
}

/**
 * What the client's own stream says for the selection: when the current photo was set, when the
 * current comment was last written (registration or a save that changed it) and whether a legal
 * hold is on. Event dates are the ones the events carry.
 */
export function retentionFactsOf(history: readonly ClientEvent[]): Pick<RetentionSubject, 'photoSetAt' | 'commentWrittenAt' | 'onLegalHold'> {
  let comment: string | undefined;
  let commentWrittenAt: Date | undefined;
  let photoSetAt: Date | undefined;
  let onLegalHold = false;
  for (const event of history) {
    switch (event.type) {
      case 'ClientRegistered':
        comment = event.data.comment;
        commentWrittenAt = comment === undefined ? undefined : new Date(event.data.registeredAt);
        break;
      case 'ClientProfileEdited':
        if (event.data.comment !== comment) {
          comment = event.data.comment;
          commentWrittenAt = comment === undefined ? undefined : new Date(event.data.editedAt);
        }
        break;
      case 'ClientPhotoSet':
        photoSetAt = new Date(event.data.setAt);
        break;
      case 'ClientPhotoRemoved':
        photoSetAt = undefined;
        break;
      case 'ClientLegalHoldPlaced':
        onLegalHold = true;
        break;
      case 'ClientLegalHoldLifted':
        onLegalHold = false;
        break;
      default:
        break;
    }
  }
  return { onLegalHold, ...(photoSetAt ? { photoSetAt } : {}), ...(commentWrittenAt ? { commentWrittenAt } : {}) };
}
