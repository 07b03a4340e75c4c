import { Injectable } from '@nestjs/common';
import { CommandContext } from '@salon/shared/nest';
import { VisitStream, VisitWriteResult } from '../visit-stream/visit-stream';

/** Moves a visit that has not ended. */
@Injectable()
export class RescheduleVisit {
  constructor(private readonly visits: VisitStream) {}

  execute(context: CommandContext, visitId: string, times: { startsAt: string; endsAt: string }, expectedRevision?: bigint): Promise<VisitWriteResult> {
    return this.visits.change(context, visitId, { type: 'RescheduleVisit', data: { visitId, ...times } }, expectedRevision);
  }
}
