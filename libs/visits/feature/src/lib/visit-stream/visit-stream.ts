import { Inject, Injectable } from '@nestjs/common';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { CommandHandler } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { Visit, VisitCommand, VisitEvent, VisitState, toVisitStreamName, visitDecider } from '@salon/visits/domain';
import { visitEventCodec } from '../relay/visit-integration-events';

export interface VisitWriteResult {
  readonly visitId: string;
  readonly number: number;
  readonly status: Visit['status'];
  /** The visit stream's revision after the command: the ETag for the next If-Match. */
  readonly revision: bigint | undefined;
}

/** A command on a visit, before the request's metadata is added. */
export type VisitChange = Pick<VisitCommand, 'type' | 'data'>;

/**
 * One stream per visit (`visit-<visitId>`), every rule in visitDecider: what every visit use case
 * shares — loading, and changing a booked visit of a salon the user works at — and nothing a
 * single use case decides.
 */
@Injectable()
export class VisitStream {
  private readonly handler: CommandHandler<VisitState, VisitCommand, VisitEvent>;

  constructor(@Inject(EVENT_STORE) store: EventStore, cipher: PersonalDataCipher) {
    this.handler = new CommandHandler(store, visitDecider, visitEventCodec(cipher));
  }

  /** The visit's state and revision; status 'none' when it was never booked. Another chain's visit reads as missing (404). */
  load(tenantId: string, visitId: string): Promise<{ state: VisitState; revision: bigint | undefined }> {
    return this.handler.load(toVisitStreamName(visitId), tenantId);
  }

  /** Decides the command on the visit's stream and appends what it decided. */
  async record(visitId: string, command: VisitCommand, expectedRevision?: bigint): Promise<VisitWriteResult> {
    const result = await this.handler.handle(toVisitStreamName(visitId), command, { expectedRevision });
    return resultOf(result.state, result.revision);
  }

  /** Changes a booked visit; staff tied to some salons change visits of those salons only. */
  async change(context: CommandContext, visitId: string, change: VisitChange, expectedRevision?: bigint): Promise<VisitWriteResult> {
    const { state: before } = await this.load(context.principal.tenantId, visitId);
    if (before.status === 'none') throw visitNotFound(visitId);
    requireSalonOfUser(context, before.salonId);
    return this.record(visitId, { ...change, metadata: commandMetadata(context) } as VisitCommand, expectedRevision);
  }
}

export function resultOf(state: VisitState, revision: bigint | undefined): VisitWriteResult {
  if (state.status === 'none') throw new Error('a recorded visit has a state');
  return { visitId: state.visitId, number: state.number, status: state.status, revision };
}

/** Staff tied to some salons of the chain change visits of those salons only; owners and analysts have all. */
export function requireSalonOfUser(context: CommandContext, salonId: string): void {
  const mine = context.principal.salonIds;
  if (typeof salonId === 'string' && mine.length > 0 && !mine.includes(salonId)) {
    throw new DomainError('forbidden', 'salon-not-yours', `You do not work at salon "${salonId}"`, { field: 'salonId' });
  }
}

export function visitNotFound(visitId: string): DomainError {
  return DomainError.notFound('visit-not-found', 'There is no such visit in your salon chain.', { visitId });
}
