import type { IntegrationEventOf } from './topics';

/**
 * What every integration event of the visits context carries (on `visits.visit-events.v1`,
 * key = client id). The clients context relies on it to learn of every visit of a client, in
 * any status, so that a client with visits cannot be hard-deleted.
 */
export interface VisitEventBaseV1 {
  readonly visitId: string;
  readonly clientId: string;
}

export type VisitStatusV1 = 'booked' | 'confirmed' | 'arrived' | 'completed' | 'cancelled' | 'no-show';

export interface VisitServiceLineV1 {
  readonly serviceId: string;
  readonly name: string;
  /** Money is a number with at most two decimals, in the chain's currency. */
  readonly price: number;
  readonly durationMinutes: number;
  readonly specialistId: string;
  readonly specialistName: string;
}

export interface VisitSpecialistV1 {
  readonly specialistId: string;
  readonly specialistName: string;
}

export interface VisitAmountsV1 {
  /** Sum of the service prices. */
  readonly price: number;
  readonly discount: number;
  /** price − discount: what the client owes. */
  readonly total: number;
  readonly paid: number;
}

/**
 * The whole visit after the event (event-carried state): a consumer never has to fold the
 * visit's history itself, and a redelivered or late message is resolved by `revision` alone.
 * A visit holds no personal data: the client is referred to by id.
 */
export interface VisitSnapshotV1 {
  readonly visitId: string;
  readonly clientId: string;
  /** Unique and increasing within the chain; what staff say aloud and search for. */
  readonly number: number;
  readonly salonId: string;
  /** ISO date-times, UTC. */
  readonly startsAt: string;
  readonly endsAt: string;
  /** The salon's own calendar date of the start (YYYY-MM-DD): the "day" of every statistic. */
  readonly salonDate: string;
  readonly status: VisitStatusV1;
  readonly services: readonly VisitServiceLineV1[];
  readonly specialists: readonly VisitSpecialistV1[];
  readonly amounts: VisitAmountsV1;
  readonly bookedAt: string;
  readonly updatedAt: string;
}

export type VisitEventTypeV1 =
  | 'VisitBooked'
  | 'VisitConfirmed'
  | 'VisitArrived'
  | 'VisitCompleted'
  | 'VisitCancelled'
  | 'VisitNoShowMarked'
  | 'VisitRescheduled'
  | 'VisitServicesChanged'
  | 'VisitPaymentRecorded';

/**
 * One message per visit event. The `event-type` header equals `type`; `stream-revision` is the
 * visit stream's revision (a consumer applies a visit only if it has not seen that revision).
 */
export interface VisitEventV1 extends VisitEventBaseV1 {
  readonly type: VisitEventTypeV1;
  /** When it happened and who did it (staff user id; absent for system actors). */
  readonly occurredAt: string;
  readonly actorId?: string;
  /** Only on VisitCancelled. */
  readonly cancelledBy?: 'client' | 'salon';
  readonly late?: boolean;
  /** Only on VisitPaymentRecorded: this payment (visit.amounts.paid is the running total). */
  readonly paymentAmount?: number;
  readonly visit: VisitSnapshotV1;
}

export const VISIT_EVENT_TYPES_V1: readonly VisitEventTypeV1[] = [
  'VisitBooked',
  'VisitConfirmed',
  'VisitArrived',
  'VisitCompleted',
  'VisitCancelled',
  'VisitNoShowMarked',
  'VisitRescheduled',
  'VisitServicesChanged',
  'VisitPaymentRecorded',
];

/** What every visit message carries, with its own `type`. */
interface VisitEventCommonV1<Type extends VisitEventTypeV1> extends VisitEventBaseV1 {
  readonly type: Type;
  readonly occurredAt: string;
  readonly actorId?: string;
  readonly visit: VisitSnapshotV1;
}

/**
 * Each visit message by `event-type`: the same JSON as VisitEventV1 (which reads them all), with
 * the fields that only some events carry made exact. The value of a message is the whole object,
 * `type` included.
 */
export interface VisitEventsV1 {
  VisitBooked: VisitEventCommonV1<'VisitBooked'>;
  VisitConfirmed: VisitEventCommonV1<'VisitConfirmed'>;
  VisitArrived: VisitEventCommonV1<'VisitArrived'>;
  VisitCompleted: VisitEventCommonV1<'VisitCompleted'>;
  /** `late`: the salon counts it as a late cancellation. */
  VisitCancelled: VisitEventCommonV1<'VisitCancelled'> & { readonly cancelledBy: 'client' | 'salon'; readonly late: boolean };
  VisitNoShowMarked: VisitEventCommonV1<'VisitNoShowMarked'>;
  VisitRescheduled: VisitEventCommonV1<'VisitRescheduled'>;
  VisitServicesChanged: VisitEventCommonV1<'VisitServicesChanged'>;
  /** `paymentAmount`: this payment; `visit.amounts.paid` is the running total. */
  VisitPaymentRecorded: VisitEventCommonV1<'VisitPaymentRecorded'> & { readonly paymentAmount: number };
}

export type VisitIntegrationEventV1 = IntegrationEventOf<VisitEventsV1>;
