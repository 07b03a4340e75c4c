import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '@salon/shared/nest';
import { ClientCommands, WriteResult } from '../write/client-commands.service';

/**
 * The visits context asks before it records a booking. Noting the visit on the client's own
 * stream is what closes the race with a deletion: both append with the revision they read, and
 * the one appended second is decided again on the new state — a deletion after an admission is
 * refused (client-has-visits), an admission after a deletion is refused (client-deleted).
 */
export class AdmitVisitCommand extends Command<WriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly clientId: string,
    readonly visitId: string,
  ) {
    super();
  }
}

@CommandHandler(AdmitVisitCommand)
export class AdmitVisitHandler implements ICommandHandler<AdmitVisitCommand> {
  constructor(private readonly clients: ClientCommands) {}

  execute({ context, clientId, visitId }: AdmitVisitCommand): Promise<WriteResult> {
    return this.clients.noteVisit(context, clientId, visitId);
  }
}
