import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { CommandHandler, deterministicUuid } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import {
  BookVisit,
  CancelledBy,
  Visit,
  VisitCommand,
  VisitEvent,
  VisitServiceLine,
  VisitState,
  toVisitStreamName,
  visitDecider,
} from '@salon/visits/domain';
import { visitEventCodec } from '../publishing/visit-integration-events';
import { CLIENT_ADMISSIONS, ClientAdmissions } from './client-admissions';
import { VisitNumbers } from './visit-numbers';

export interface VisitWriteResult {
  readonly visitId: string;
  readonly number: number;
  readonly status: Visit['status'];
  /** The visit stream's revision after the command: the ETag for the next If-Match. */
  readonly revision: bigint | undefined;
}

export type BookingForm = Omit<BookVisit['data'], 'visitId' | 'number'>;

/** The lifecycle steps that take no data beyond who and when. */
export type StatusChange = 'confirm' | 'arrive' | 'complete' | 'no-show';

const STATUS_COMMANDS: Record<StatusChange, VisitCommand['type']> = {
  confirm: 'ConfirmVisit',
  arrive: 'MarkVisitArrived',
  complete: 'CompleteVisit',
  'no-show': 'MarkVisitNoShow',
};

/**
 * The visits' write side. Booking spans three streams — the client's (admission, in the clients
 * context), the chain's visit numbers and the visit itself — and is ordered so that every failure
 * leaves the system consistent: nothing is booked unless the client was admitted and a number was
 * allocated; an admitted visit that then fails to book only keeps its client from hard deletion
 * (erasure remains possible), and an unused number is a gap.
 */
@Injectable()
export class VisitCommands {
  private readonly visits: CommandHandler<VisitState, VisitCommand, VisitEvent>;
  private readonly numbers: VisitNumbers;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLIENT_ADMISSIONS) private readonly admissions: ClientAdmissions,
    cipher: PersonalDataCipher,
  ) {
    this.visits = new CommandHandler(store, visitDecider, visitEventCodec(cipher));
    this.numbers = new VisitNumbers(store);
  }

  async book(context: CommandContext, form: BookingForm, authorization: string): Promise<VisitWriteResult> {
    requireSalonOfUser(context, form.salonId);
    const visitId = visitIdFor(context);
    const stream = toVisitStreamName(visitId);
    const existing = await this.visits.load(stream, context.principal.tenantId);
    // A retried booking (same Idempotency-Key) answers as the first one did.
    if (existing.state.status !== 'none') return resultOf(existing.state, existing.revision);

    // Validate before anything is written anywhere: a bad form must leave no admission and no number.
    visitDecider.decide({ type: 'BookVisit', data: { ...form, visitId, number: 1 }, metadata: commandMetadata(context) }, existing.state);

    await this.admissions.admit({ clientId: form.clientId, visitId, authorization, correlationId: context.correlationId });
    const number = await this.numbers.allocate(context.principal.tenantId, visitId, context.correlationId);
    const result = await this.visits.handle(stream, {
      type: 'BookVisit',
      data: { ...form, visitId, number },
      metadata: commandMetadata(context),
    });
    return resultOf(result.state, result.revision);
  }

  changeStatus(context: CommandContext, visitId: string, change: StatusChange, expectedRevision?: bigint): Promise<VisitWriteResult> {
    return this.run(context, visitId, { type: STATUS_COMMANDS[change], data: { visitId } } as Pick<VisitCommand, 'type' | 'data'>, expectedRevision);
  }

  cancel(
    context: CommandContext,
    visitId: string,
    cancellation: { by: CancelledBy; late: boolean },
    expectedRevision?: bigint,
  ): Promise<VisitWriteResult> {
    return this.run(context, visitId, { type: 'CancelVisit', data: { visitId, ...cancellation } }, expectedRevision);
  }

  reschedule(
    context: CommandContext,
    visitId: string,
    times: { startsAt: string; endsAt: string },
    expectedRevision?: bigint,
  ): Promise<VisitWriteResult> {
    return this.run(context, visitId, { type: 'RescheduleVisit', data: { visitId, ...times } }, expectedRevision);
  }

  changeServices(
    context: CommandContext,
    visitId: string,
    change: { services: readonly VisitServiceLine[]; discount: number },
    expectedRevision?: bigint,
  ): Promise<VisitWriteResult> {
    return this.run(context, visitId, { type: 'ChangeVisitServices', data: { visitId, ...change } }, expectedRevision);
  }

  recordPayment(context: CommandContext, visitId: string, amount: number, expectedRevision?: bigint): Promise<VisitWriteResult> {
    return this.run(context, visitId, { type: 'RecordVisitPayment', data: { visitId, amount } }, expectedRevision);
  }

  /** The visit as the event store has it now (the visit "opened" from a list), with its revision. */
  async get(context: CommandContext, visitId: string): Promise<{ visit: Visit; revision: bigint | undefined }> {
    const { state, revision } = await this.visits.load(toVisitStreamName(visitId), context.principal.tenantId);
    if (state.status === 'none') throw visitNotFound(visitId);
    return { visit: state, revision };
  }

  private async run(
    context: CommandContext,
    visitId: string,
    command: Pick<VisitCommand, 'type' | 'data'>,
    expectedRevision?: bigint,
  ): Promise<VisitWriteResult> {
    const { state: before } = await this.visits.load(toVisitStreamName(visitId), context.principal.tenantId);
    if (before.status === 'none') throw visitNotFound(visitId);
    requireSalonOfUser(context, before.salonId);
    const result = await this.visits.handle(
      toVisitStreamName(visitId),
      { ...command, metadata: commandMetadata(context) } as VisitCommand,
      { expectedRevision },
    );
    return resultOf(result.state, result.revision);
  }
}

function resultOf(state: VisitState, revision: bigint | undefined): VisitWriteResult {
  if (state.status === 'none') throw new Error('a recorded visit has a state');
  return { visitId: state.visitId, number: state.number, status: state.status, revision };
}

/** Staff tied to some salons of the chain change visits of those salons only; owners and analysts have all. */
function requireSalonOfUser(context: CommandContext, salonId: string): void {
  const mine = context.principal.salonIds;
  if (typeof salonId === 'string' && mine.length > 0 && !mine.includes(salonId)) {
    throw new DomainError('forbidden', 'salon-not-yours', `You do not work at salon "${salonId}"`, { field: 'salonId' });
  }
}

/** A retried booking (same Idempotency-Key) must land on the same visit id. */
function visitIdFor(context: CommandContext): string {
  return context.idempotencyKey ? deterministicUuid(context.principal.tenantId, 'book-visit', context.idempotencyKey) : randomUUID();
}

export function visitNotFound(visitId: string): DomainError {
  return DomainError.notFound('visit-not-found', 'There is no such visit in your salon chain.', { visitId });
}
