import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '@salon/shared/nest';
import { StatusChange, VisitCommands, VisitWriteResult } from '../write/visit-commands.service';
import { CancelVisitRequest } from './cancel-visit.request.dto';

/** One step of the lifecycle: confirm, arrive, complete, no-show, or cancel (with who and whether late). */
export class ChangeVisitStatusCommand extends Command<VisitWriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly visitId: string,
    readonly change: StatusChange | { cancel: CancelVisitRequest },
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}

@CommandHandler(ChangeVisitStatusCommand)
export class ChangeVisitStatusHandler implements ICommandHandler<ChangeVisitStatusCommand> {
  constructor(private readonly visits: VisitCommands) {}

  execute({ context, visitId, change, expectedRevision }: ChangeVisitStatusCommand): Promise<VisitWriteResult> {
    return typeof change === 'string'
      ? this.visits.changeStatus(context, visitId, change, expectedRevision)
      : this.visits.cancel(context, visitId, { ...change.cancel }, expectedRevision);
  }
}
