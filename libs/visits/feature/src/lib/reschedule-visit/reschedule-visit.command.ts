import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '@salon/shared/nest';
import { VisitCommands, VisitWriteResult } from '../write/visit-commands.service';
import { RescheduleVisitRequest } from './reschedule-visit.request.dto';

export class RescheduleVisitCommand extends Command<VisitWriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly visitId: string,
    readonly request: RescheduleVisitRequest,
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}

@CommandHandler(RescheduleVisitCommand)
export class RescheduleVisitHandler implements ICommandHandler<RescheduleVisitCommand> {
  constructor(private readonly visits: VisitCommands) {}

  execute({ context, visitId, request, expectedRevision }: RescheduleVisitCommand): Promise<VisitWriteResult> {
    return this.visits.reschedule(context, visitId, { ...request }, expectedRevision);
  }
}
