import { HEADERS, TOPICS, VisitEventTypeV1, VisitEventV1, VisitSnapshotV1, VisitStatusV1 } from '@salon/contracts';
import { IncomingMessage, OutgoingMessage, toIncomingMessage } from '@salon/shared/messaging';

const TYPE_OF: Record<VisitStatusV1, VisitEventTypeV1> = {
  booked: 'VisitBooked',
  confirmed: 'VisitConfirmed',
  arrived: 'VisitArrived',
  completed: 'VisitCompleted',
  cancelled: 'VisitCancelled',
  'no-show': 'VisitNoShowMarked',
};

/**
 * Plays the visits context for one visit: each call is the next message of its stream on
 * `visits.visit-events.v1`, as the visits relay writes it (the whole visit after the event).
 */
export class VisitEvents {
  private revision = -1;
  private visit: VisitSnapshotV1;

  constructor(
    readonly tenantId: string,
    clientId: string,
    visitId: string,
    number: number,
    startsAt: string,
    overrides: Partial<VisitSnapshotV1> = {},
  ) {
    this.visit = {
      visitId,
      clientId,
      number,
      salonId: 'salon-1',
      startsAt,
      endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
      salonDate: startsAt.slice(0, 10),
      status: 'booked',
      services: [{ serviceId: 's1', name: 'Haircut', price: 50, durationMinutes: 60, specialistId: 'p1', specialistName: 'Anna Nowak' }],
      specialists: [{ specialistId: 'p1', specialistName: 'Anna Nowak' }],
      amounts: { price: 50, discount: 0, total: 50, paid: 0 },
      bookedAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      ...overrides,
    };
  }

  /** Moves the visit to `status` (booking first when it is the first message). */
  to(status: VisitStatusV1, change: Partial<VisitSnapshotV1> = {}): IncomingMessage {
    const type = this.revision < 0 ? 'VisitBooked' : TYPE_OF[status];
    return this.next(type, { ...change, status });
  }

  rescheduled(startsAt: string): IncomingMessage {
    return this.next('VisitRescheduled', { startsAt, salonDate: startsAt.slice(0, 10) });
  }

  private next(type: VisitEventTypeV1, change: Partial<VisitSnapshotV1>): IncomingMessage {
    this.revision += 1;
    this.visit = { ...this.visit, ...change };
    const event: VisitEventV1 = { type, visitId: this.visit.visitId, clientId: this.visit.clientId, occurredAt: this.visit.updatedAt, visit: this.visit };
    const message: OutgoingMessage = {
      topic: TOPICS.visitEvents.name,
      key: this.visit.clientId,
      value: JSON.stringify(event),
      headers: {
        [HEADERS.eventId]: `${this.visit.visitId}-${this.revision}`,
        [HEADERS.eventType]: type,
        [HEADERS.schemaVersion]: '1',
        [HEADERS.tenantId]: this.tenantId,
        [HEADERS.correlationId]: 'test',
        [HEADERS.causationId]: 'test',
        [HEADERS.streamRevision]: String(this.revision),
      },
    };
    return toIncomingMessage(message);
  }
}
