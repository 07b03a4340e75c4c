import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '@salon/shared/nest';
import { VisitCommands, VisitWriteResult } from '../write/visit-commands.service';
import { ChangeVisitServicesRequest } from './change-visit-services.request.dto';

export class ChangeVisitServicesCommand extends Command<VisitWriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly visitId: string,
    readonly request: ChangeVisitServicesRequest,
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}

@CommandHandler(ChangeVisitServicesCommand)
export class ChangeVisitServicesHandler implements ICommandHandler<ChangeVisitServicesCommand> {
  constructor(private readonly visits: VisitCommands) {}

  execute({ context, visitId, request, expectedRevision }: ChangeVisitServicesCommand): Promise<VisitWriteResult> {
    const { services, discount = 0 } = request;
    return this.visits.changeServices(context, visitId, { services, discount }, expectedRevision);
  }
}
