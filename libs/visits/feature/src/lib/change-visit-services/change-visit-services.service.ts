import { Injectable } from '@nestjs/common';
import { CommandContext } from '@salon/shared/nest';
import { VisitServiceLine } from '@salon/visits/domain';
import { VisitStream, VisitWriteResult } from '../visit-stream/visit-stream';

/** Replaces the visit's services (the whole new list): specialists and amounts follow. */
@Injectable()
export class ChangeVisitServices {
  constructor(private readonly visits: VisitStream) {}

  execute(
    context: CommandContext,
    visitId: string,
    change: { services: readonly VisitServiceLine[]; discount: number },
    expectedRevision?: bigint,
  ): Promise<VisitWriteResult> {
    return this.visits.change(context, visitId, { type: 'ChangeVisitServices', data: { visitId, ...change } }, expectedRevision);
  }
}
