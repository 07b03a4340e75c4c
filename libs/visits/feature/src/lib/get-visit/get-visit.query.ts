import { Injectable } from '@nestjs/common';
import { CommandContext } from '@salon/shared/nest';
import { Visit } from '@salon/visits/domain';
import { VisitStream, visitNotFound } from '../visit-stream/visit-stream';

/** The visit as the event store has it now (the visit "opened" from a list), with its revision. */
@Injectable()
export class GetVisit {
  constructor(private readonly visits: VisitStream) {}

  async execute(context: CommandContext, visitId: string): Promise<{ visit: Visit; revision: bigint | undefined }> {
    const { state, revision } = await this.visits.load(context.principal.tenantId, visitId);
    if (state.status === 'none') throw visitNotFound(visitId);
    return { visit: state, revision };
  }
}
