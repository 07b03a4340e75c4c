import type { VisitSnapshotV1, VisitStatusV1 } from '@salon/contracts';
import type { ReadModelDocument } from '@salon/shared/messaging';
import { NO_VISITS_BY_STATUS, VisitCountsByStatus, CardVisitTotals, VisitSummary } from '../client-profiles/client-profile.document';

/** The logical collection of the clients context's own record of every visit it heard of. */
export const CLIENT_VISIT_LEDGER_COLLECTION = 'client_visit_ledger';

/** What the statistics are computed from: one visit as the ledger keeps it. */
export interface LedgeredVisit {
  _id: string;
  number: number;
  status: VisitStatusV1;
  startsAt: Date;
  salonDate: string;
  salonId: string;
  services: string[];
  specialists: string[];
  amount: number;
}

/**
 * What the clients context keeps of one visit (`_id` = visit id): enough for the statistics on
 * the client card, nothing personal. Guarded by the visit stream's revision.
 */
export interface VisitLedgerEntry extends ReadModelDocument, LedgeredVisit {
  _id: string;
  tenantId: string;
  clientId: string;
  revision: number;
}

/** The statuses that count as a visit that happened: first, last and visitCount. */
export const COUNTED_VISIT_STATUSES: readonly VisitStatusV1[] = ['completed'];

export function toLedgerEntry(tenantId: string, visit: VisitSnapshotV1): Omit<VisitLedgerEntry, '_id' | 'revision'> {
  const { _id: _visitId, ...ledgered } = toLedgeredVisit(visit);
  return { tenantId, clientId: visit.clientId, ...ledgered };
}

/** What the statistics need of a visit (the card keeps these per visit). */
export function toLedgeredVisit(visit: VisitSnapshotV1): LedgeredVisit {
  return {
    _id: visit.visitId,
    number: visit.number,
    status: visit.status,
    startsAt: new Date(visit.startsAt),
    salonDate: visit.salonDate,
    salonId: visit.salonId,
    services: visit.services.map((line) => line.name),
    specialists: visit.specialists.map((specialist) => specialist.specialistName),
    amount: visit.amounts.total,
  };
}

const STATUS_KEYS: Record<VisitStatusV1, keyof VisitCountsByStatus> = {
  booked: 'booked',
  confirmed: 'confirmed',
  arrived: 'arrived',
  completed: 'completed',
  cancelled: 'cancelled',
  'no-show': 'noShow',
};

/**
 * The statistics of one client from all of their ledger entries, a pure function of them (so
 * redelivery and rebuilds give the same document). Ties on the start time are broken by the
 * visit number, so "first" and "last" never depend on the order entries were read in.
 */
export function computeCardVisitTotals(entries: readonly LedgeredVisit[]): CardVisitTotals {
  const countsByStatus = { ...NO_VISITS_BY_STATUS };
  for (const entry of entries) countsByStatus[STATUS_KEYS[entry.status]] += 1;
  const counted = entries
    .filter((entry) => COUNTED_VISIT_STATUSES.includes(entry.status))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.number - b.number);
  const first = counted[0];
  const last = counted[counted.length - 1];
  return {
    firstVisitAt: first ? first.startsAt : null,
    lastVisitAt: last ? last.startsAt : null,
    visitCount: counted.length,
    countsByStatus,
    firstVisit: first ? summaryOf(first) : null,
    lastVisit: last ? summaryOf(last) : null,
  };
}

function summaryOf(entry: LedgeredVisit): VisitSummary {
  return {
    visitId: entry._id,
    number: entry.number,
    at: entry.startsAt,
    salonDate: entry.salonDate,
    salonId: entry.salonId,
    status: entry.status,
    services: [...entry.services],
    specialists: [...entry.specialists],
    amount: entry.amount,
  };
}
