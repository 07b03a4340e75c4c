import { CommandMetadata, DomainError, specificationFor } from '@salon/shared/ddd';
import type { ClientEvent } from './client';
import {
  RETENTION_POLICY_OFF,
  RetentionPolicy,
  RetentionSubject,
  SetRetentionPolicy,
  latestCutoff,
  monthsBefore,
  parseRetentionPolicy,
  retentionActions,
  retentionCutoffs,
  retentionFactsOf,
  retentionPolicyDecider,
} from './retention-policy';

// Every date here is computed from one instant; the rules are about distances from "now".
const now = new Date(Date.UTC(2030, 2, 31, 12));
const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'c', causationId: 'c', now };
const set = (policy: Partial<RetentionPolicy>): SetRetentionPolicy => ({
  type: 'SetRetentionPolicy',
  data: { policy: { ...RETENTION_POLICY_OFF, ...policy } },
  metadata,
});
const spec = specificationFor(retentionPolicyDecider);
const yearsAgo = (years: number, days = 0) => new Date(monthsBefore(now, years * 12).getTime() + days * 86_400_000);
const monthsAgo = (months: number, days = 0) => new Date(monthsBefore(now, months).getTime() + days * 86_400_000);

describe('the retention policy decider', () => {
  it('records a policy, and nothing when the same policy is saved again', () => {
    const policy = { eraseClientsAfterYearsWithoutVisit: 5, dropPhotosAfterMonthsWithoutVisit: 18, dropCommentsAfterYearsWithoutVisit: null };
    spec.given([]).when(set(policy)).then([{ type: 'RetentionPolicySet', data: { ...policy, setAt: now.toISOString() } }]);
    spec
      .given([{ type: 'RetentionPolicySet', data: { ...policy, setAt: now.toISOString() } }])
      .when(set(policy))
      .thenNothingHappened();
  });

  it('records the all-off policy once, as the owner’s explicit choice', () => {
    spec.given([]).when(set({})).then([{ type: 'RetentionPolicySet', data: { ...RETENTION_POLICY_OFF, setAt: now.toISOString() } }]);
  });

  it.each([
    ['eraseClientsAfterYearsWithoutVisit', 0],
    ['eraseClientsAfterYearsWithoutVisit', 31],
    ['eraseClientsAfterYearsWithoutVisit', 2.5],
    ['dropPhotosAfterMonthsWithoutVisit', -1],
    ['dropPhotosAfterMonthsWithoutVisit', 361],
    ['dropCommentsAfterYearsWithoutVisit', '3'],
  ] as const)('refuses %s = %p, naming the field', (field, value) => {
    const error = spec.given([]).when(set({ [field]: value } as never)).thenThrows('invalid-retention-policy');
    expect(error.details).toMatchObject({ field, errors: [{ field, reason: expect.stringMatching(/whole number/) }] });
  });

  it('names every wrong field at once', () => {
    try {
      parseRetentionPolicy({ eraseClientsAfterYearsWithoutVisit: 0, dropPhotosAfterMonthsWithoutVisit: 1000 });
      throw new Error('accepted');
    } catch (error) {
      expect((error as DomainError).details['errors']).toEqual([
        expect.objectContaining({ field: 'eraseClientsAfterYearsWithoutVisit' }),
        expect.objectContaining({ field: 'dropPhotosAfterMonthsWithoutVisit' }),
      ]);
    }
  });
});

describe('calendar arithmetic', () => {
  it('clamps the day: one month before 31 March is the end of February', () => {
    expect(monthsBefore(now, 1).getUTCMonth()).toBe(1);
    expect(monthsBefore(now, 1).getUTCDate()).toBe(new Date(Date.UTC(now.getUTCFullYear(), 2, 0)).getUTCDate());
    expect(monthsBefore(now, 12).getUTCFullYear()).toBe(now.getUTCFullYear() - 1);
    expect(monthsBefore(now, 12).getUTCHours()).toBe(12);
  });
});

describe('what the policy does to one client', () => {
  const policy: RetentionPolicy = { eraseClientsAfterYearsWithoutVisit: 5, dropPhotosAfterMonthsWithoutVisit: 12, dropCommentsAfterYearsWithoutVisit: 2 };
  const cutoffs = retentionCutoffs(policy, now);
  const subject = (overrides: Partial<RetentionSubject>): RetentionSubject => ({
    registeredAt: yearsAgo(10),
    lastVisitAt: null,
    openVisits: 0,
    onLegalHold: false,
    ...overrides,
  });

  it('erases a client whose last visit is older than the period, and only erases (it removes the rest)', () => {
    expect(retentionActions(cutoffs, subject({ lastVisitAt: yearsAgo(5, -1), photoSetAt: yearsAgo(9), commentWrittenAt: yearsAgo(9) }))).toEqual(['erase']);
  });

  it('keeps a client who came within the period', () => {
    expect(retentionActions(cutoffs, subject({ lastVisitAt: yearsAgo(5, 1) }))).toEqual([]);
  });

  it('counts a client who never came from the registration', () => {
    expect(retentionActions(cutoffs, subject({ registeredAt: yearsAgo(5, -1) }))).toEqual(['erase']);
    expect(retentionActions(cutoffs, subject({ registeredAt: yearsAgo(5, 1) }))).toEqual([]);
  });

  it('counts from the registration when it is later than the last visit (an imported client)', () => {
    expect(retentionActions(cutoffs, subject({ registeredAt: yearsAgo(1), lastVisitAt: yearsAgo(8) }))).toEqual([]);
  });

  it('touches nothing of a client on legal hold or with a visit still open', () => {
    const old = { lastVisitAt: yearsAgo(9), photoSetAt: yearsAgo(9), commentWrittenAt: yearsAgo(9) };
    expect(retentionActions(cutoffs, subject({ ...old, onLegalHold: true }))).toEqual([]);
    expect(retentionActions(cutoffs, subject({ ...old, openVisits: 1 }))).toEqual([]);
  });

  it('drops a photo after the months without a visit, counted from the later of the visit and the photo', () => {
    const lastVisitAt = monthsAgo(12, -1);
    expect(retentionActions(cutoffs, subject({ lastVisitAt, photoSetAt: monthsAgo(30) }))).toEqual(['photo']);
    expect(retentionActions(cutoffs, subject({ lastVisitAt, photoSetAt: monthsAgo(2) }))).toEqual([]);
    expect(retentionActions(cutoffs, subject({ lastVisitAt: monthsAgo(11), photoSetAt: monthsAgo(30) }))).toEqual([]);
    expect(retentionActions(cutoffs, subject({ lastVisitAt }))).toEqual([]);
  });

  it('drops a comment after the years without a visit and without the comment being written', () => {
    expect(retentionActions(cutoffs, subject({ lastVisitAt: yearsAgo(3), commentWrittenAt: yearsAgo(4) }))).toEqual(['comment']);
    expect(retentionActions(cutoffs, subject({ lastVisitAt: yearsAgo(3), commentWrittenAt: yearsAgo(1) }))).toEqual([]);
    expect(retentionActions(cutoffs, subject({ lastVisitAt: yearsAgo(1), commentWrittenAt: yearsAgo(4) }))).toEqual([]);
    expect(retentionActions(cutoffs, subject({ lastVisitAt: yearsAgo(3), commentWrittenAt: yearsAgo(4), photoSetAt: yearsAgo(4) }))).toEqual(['photo', 'comment']);
  });

  it('does nothing for a category that is off, and nothing at all with the policy off', () => {
    const old = subject({ lastVisitAt: yearsAgo(20), photoSetAt: yearsAgo(20), commentWrittenAt: yearsAgo(20) });
    expect(retentionActions(retentionCutoffs({ ...policy, eraseClientsAfterYearsWithoutVisit: null }, now), old)).toEqual(['photo', 'comment']);
    expect(retentionActions(retentionCutoffs(RETENTION_POLICY_OFF, now), old)).toEqual([]);
    expect(latestCutoff(retentionCutoffs(RETENTION_POLICY_OFF, now))).toBeUndefined();
    expect(latestCutoff(cutoffs)).toEqual(cutoffs.photo);
  });
});

describe('the facts of a client’s stream the selection uses', () => {
  const at = (months: number) => monthsAgo(months).toISOString();
  const base = { clientId: 'c-1', phone: '+48601234567', phoneLineType: 'mobile', smsCapable: true, gender: 'unspecified' } as const;
  it('dates the comment by its last change, the photo by its setting, and follows the hold', () => {
    const history: ClientEvent[] = [
      { type: 'ClientRegistered', data: { ...base, comment: 'Prefers mornings', initialConsent: {}, registeredAt: at(40) } },
      { type: 'ClientProfileEdited', data: { ...base, comment: 'Prefers mornings', firstName: 'Anna', editedAt: at(30) } },
      { type: 'ClientPhotoSet', data: { clientId: 'c-1', photoRef: 'p', setAt: at(20) } },
      { type: 'ClientLegalHoldPlaced', data: { clientId: 'c-1', reason: 'litigation', placedAt: at(10) } },
    ];
    expect(retentionFactsOf(history)).toEqual({ onLegalHold: true, photoSetAt: monthsAgo(20), commentWrittenAt: monthsAgo(40) });
    const later: ClientEvent[] = [
      ...history,
      { type: 'ClientProfileEdited', data: { ...base, comment: 'Prefers evenings', editedAt: at(5) } },
      { type: 'ClientPhotoRemoved', data: { clientId: 'c-1', removedAt: at(4) } },
      { type: 'ClientLegalHoldLifted', data: { clientId: 'c-1', liftedAt: at(3) } },
    ];
    expect(retentionFactsOf(later)).toEqual({ onLegalHold: false, commentWrittenAt: monthsAgo(5) });
  });
});
