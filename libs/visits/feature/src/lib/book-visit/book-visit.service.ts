import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { deterministicUuid } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { BookVisit as BookVisitCommand, visitDecider } from '@salon/visits/domain';
import { CLIENT_ADMISSIONS, ClientAdmissions } from '../client-admissions/client-admissions';
import { VisitNumbers } from '../visit-numbers/visit-numbers';
import { VisitStream, VisitWriteResult, requireSalonOfUser, resultOf } from '../visit-stream/visit-stream';

export type BookingForm = Omit<BookVisitCommand['data'], 'visitId' | 'number'>;

/**
 * Booking spans three streams — the client's (admission, in the clients context), the chain's
 * visit numbers and the visit itself — and is ordered so that every failure leaves the system
 * consistent: nothing is booked unless the client was admitted and a number was allocated; an
 * admitted visit that then fails to book only keeps its client from hard deletion (erasure
 * remains possible), and an unused number is a gap.
 */
@Injectable()
export class BookVisit {
  private readonly numbers: VisitNumbers;

  constructor(
    private readonly visits: VisitStream,
    @Inject(CLIENT_ADMISSIONS) private readonly admissions: ClientAdmissions,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.numbers = new VisitNumbers(store);
  }

  async execute(context: CommandContext, form: BookingForm): Promise<VisitWriteResult> {
    requireSalonOfUser(context, form.salonId);
    const visitId = visitIdFor(context);
    const existing = await this.visits.load(context.principal.tenantId, visitId);
    // A retried booking (same Idempotency-Key) answers as the first one did.
    if (existing.state.status !== 'none') return resultOf(existing.state, existing.revision);

    // Validate before anything is written anywhere: a bad form must leave no admission and no number.
    visitDecider.decide({ type: 'BookVisit', data: { ...form, visitId, number: 1 }, metadata: commandMetadata(context) }, existing.state);

    const { tenantId, userId } = context.principal;
    await this.admissions.admit({ tenantId, userId, clientId: form.clientId, visitId, salonId: context.salonId, correlationId: context.correlationId });
    const number = await this.numbers.allocate(context.principal.tenantId, visitId, context.correlationId);
    return this.visits.record(visitId, { type: 'BookVisit', data: { ...form, visitId, number }, metadata: commandMetadata(context) });
  }
}

/** A retried booking (same Idempotency-Key) must land on the same visit id. */
function visitIdFor(context: CommandContext): string {
  return context.idempotencyKey ? deterministicUuid(context.principal.tenantId, 'book-visit', context.idempotencyKey) : randomUUID();
}
