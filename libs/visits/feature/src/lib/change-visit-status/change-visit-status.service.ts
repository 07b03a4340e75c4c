import { Injectable } from '@nestjs/common';
import { CommandContext } from '@salon/shared/nest';
import { CancelledBy, VisitCommand } from '@salon/visits/domain';
import { VisitStream, VisitWriteResult } from '../visit-stream/visit-stream';

/** The lifecycle steps that take no data beyond who and when. */
export type StatusChange = 'confirm' | 'arrive' | 'complete' | 'no-show';

/** One step of the lifecycle: confirm, arrive, complete, no-show, or cancel (with who and whether late). */
export type LifecycleStep = StatusChange | { readonly cancel: { readonly by: CancelledBy; readonly late: boolean } };

const STATUS_COMMANDS: Record<StatusChange, VisitCommand['type']> = {
  confirm: 'ConfirmVisit',
  arrive: 'MarkVisitArrived',
  complete: 'CompleteVisit',
  'no-show': 'MarkVisitNoShow',
};

@Injectable()
export class ChangeVisitStatus {
  constructor(private readonly visits: VisitStream) {}

  execute(context: CommandContext, visitId: string, step: LifecycleStep, expectedRevision?: bigint): Promise<VisitWriteResult> {
    return typeof step === 'string'
      ? this.visits.change(context, visitId, { type: STATUS_COMMANDS[step], data: { visitId } } as Pick<VisitCommand, 'type' | 'data'>, expectedRevision)
      : this.visits.change(context, visitId, { type: 'CancelVisit', data: { visitId, by: step.cancel.by, late: step.cancel.late } }, expectedRevision);
  }
}
