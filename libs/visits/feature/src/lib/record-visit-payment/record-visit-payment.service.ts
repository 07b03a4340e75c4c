import { Injectable } from '@nestjs/common';
import { CommandContext } from '@salon/shared/nest';
import { VisitStream, VisitWriteResult } from '../visit-stream/visit-stream';

/** Records money paid for an arrived or completed visit, at most what is due. */
@Injectable()
export class RecordVisitPayment {
  constructor(private readonly visits: VisitStream) {}

  execute(context: CommandContext, visitId: string, amount: number, expectedRevision?: bigint): Promise<VisitWriteResult> {
    return this.visits.change(context, visitId, { type: 'RecordVisitPayment', data: { visitId, amount } }, expectedRevision);
  }
}
