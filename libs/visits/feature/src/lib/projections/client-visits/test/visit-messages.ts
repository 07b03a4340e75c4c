import { randomUUID } from 'node:crypto';
import { TOPICS, VisitEventTypeV1, VisitEventV1, VisitServiceLineV1, VisitSnapshotV1, VisitStatusV1 } from '@salon/contracts';
import { IncomingMessage } from '@salon/shared/messaging';

export interface VisitSpec {
  readonly tenantId?: string;
  readonly visitId?: string;
  readonly clientId?: string;
  readonly number: number;
  readonly salonId?: string;
  /** ISO date-time of the start; salonDate is its UTC date unless given. */
  readonly startsAt: string;
  readonly salonDate?: string;
  readonly services: readonly VisitServiceLineV1[];
  readonly discount?: number;
  readonly bookedAt?: string;
}

let offsetCounter = 0;

export function line(serviceId: string, name: string, price: number, specialistId: string, specialistName: string, durationMinutes = 60): VisitServiceLineV1 {
  return { serviceId, name, price, durationMinutes, specialistId, specialistName };
}

/**
 * Builds one visit's messages as `visits.visit-events.v1` carries them: the whole visit after each
 * event, the stream revision counting up from 0, passed through JSON.
 */
export class VisitMessages {
  readonly tenantId: string;
  readonly visitId: string;
  readonly clientId: string;
  private revision = -1n;
  private visit: VisitSnapshotV1;
  /** Every message built so far, in order. */
  readonly messages: IncomingMessage<VisitEventV1>[] = [];

  constructor(spec: VisitSpec) {
    this.tenantId = spec.tenantId ?? 'chain-main';
    this.visitId = spec.visitId ?? randomUUID();
    this.clientId = spec.clientId ?? randomUUID();
    const price = cents(spec.services.reduce((sum, s) => sum + s.price, 0));
    const discount = spec.discount ?? 0;
    this.visit = {
      visitId: this.visitId,
      clientId: this.clientId,
      number: spec.number,
      salonId: spec.salonId ?? 'salon-1',
      startsAt: spec.startsAt,
      endsAt: plusMinutes(spec.startsAt, spec.services.reduce((sum, s) => sum + s.durationMinutes, 0)),
      salonDate: spec.salonDate ?? spec.startsAt.slice(0, 10),
      status: 'booked',
      services: spec.services,
      specialists: specialistsOf(spec.services),
      amounts: { price, discount, total: cents(price - discount), paid: 0 },
      bookedAt: spec.bookedAt ?? '2025-10-01T08:00:00.000Z',
      updatedAt: spec.bookedAt ?? '2025-10-01T08:00:00.000Z',
    };
  }

  booked(): IncomingMessage<VisitEventV1> {
    return this.emit('VisitBooked', {});
  }
  confirmed(): IncomingMessage<VisitEventV1> {
    return this.emit('VisitConfirmed', { status: 'confirmed' });
  }
  arrived(): IncomingMessage<VisitEventV1> {
    return this.emit('VisitArrived', { status: 'arrived' });
  }
  completed(): IncomingMessage<VisitEventV1> {
    return this.emit('VisitCompleted', { status: 'completed' });
  }
  cancelled(): IncomingMessage<VisitEventV1> {
    return this.emit('VisitCancelled', { status: 'cancelled' }, { cancelledBy: 'client', late: false });
  }
  noShow(): IncomingMessage<VisitEventV1> {
    return this.emit('VisitNoShowMarked', { status: 'no-show' });
  }
  paid(amount: number): IncomingMessage<VisitEventV1> {
    return this.emit('VisitPaymentRecorded', { amounts: { ...this.visit.amounts, paid: cents(this.visit.amounts.paid + amount) } }, { paymentAmount: amount });
  }
  rescheduled(startsAt: string, salonDate = startsAt.slice(0, 10), salonId?: string): IncomingMessage<VisitEventV1> {
    const minutes = (Date.parse(this.visit.endsAt) - Date.parse(this.visit.startsAt)) / 60_000;
    return this.emit('VisitRescheduled', { startsAt, endsAt: plusMinutes(startsAt, minutes), salonDate, ...(salonId ? { salonId } : {}) });
  }
  servicesChanged(services: readonly VisitServiceLineV1[], discount = this.visit.amounts.discount): IncomingMessage<VisitEventV1> {
    const price = cents(services.reduce((sum, s) => sum + s.price, 0));
    return this.emit('VisitServicesChanged', {
      services,
      specialists: specialistsOf(services),
      amounts: { price, discount, total: cents(price - discount), paid: this.visit.amounts.paid },
    });
  }

  /** The visit as the last message left it. */
  get snapshot(): VisitSnapshotV1 {
    return this.visit;
  }

  private emit(type: VisitEventTypeV1, change: Partial<VisitSnapshotV1> & { status?: VisitStatusV1 }, extra: Partial<VisitEventV1> = {}): IncomingMessage<VisitEventV1> {
    this.revision += 1n;
    offsetCounter += 1;
    const at = new Date(Date.parse(this.visit.updatedAt) + 60_000).toISOString();
    this.visit = { ...this.visit, ...change, updatedAt: type === 'VisitBooked' ? this.visit.updatedAt : at };
    const data: VisitEventV1 = { type, visitId: this.visitId, clientId: this.clientId, occurredAt: this.visit.updatedAt, ...extra, visit: this.visit };
    const message: IncomingMessage<VisitEventV1> = {
      topic: TOPICS.visitEvents.name,
      partition: 0,
      offset: String(offsetCounter),
      key: this.clientId,
      eventId: randomUUID(),
      eventType: type,
      schemaVersion: 1,
      tenantId: this.tenantId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      streamRevision: this.revision,
      data: JSON.parse(JSON.stringify(data)) as VisitEventV1,
    };
    this.messages.push(message);
    return message;
  }
}

function specialistsOf(services: readonly VisitServiceLineV1[]) {
  const seen = new Map<string, string>();
  for (const s of services) if (!seen.has(s.specialistId)) seen.set(s.specialistId, s.specialistName);
  return [...seen].map(([specialistId, specialistName]) => ({ specialistId, specialistName }));
}

function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}
