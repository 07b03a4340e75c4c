import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClientCommands } from '../write/client-commands.service';
import { CommandContext } from '@salon/shared/nest';

export class DeleteClientCommand extends Command<void> {
  constructor(
    readonly context: CommandContext,
    readonly clientId: string,
    readonly expectedRevision: bigint | undefined,
  ) {
    super();
  }
}

@CommandHandler(DeleteClientCommand)
export class DeleteClientHandler implements ICommandHandler<DeleteClientCommand> {
  constructor(private readonly clients: ClientCommands) {}

  execute({ context, clientId, expectedRevision }: DeleteClientCommand): Promise<void> {
    return this.clients.delete(context, clientId, expectedRevision);
  }
}
