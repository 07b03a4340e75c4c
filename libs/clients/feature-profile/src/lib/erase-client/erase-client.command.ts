import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClientCommands } from '../write/client-commands.service';
import { CommandContext } from '@salon/shared/nest';

export class EraseClientCommand extends Command<{ clientId: string; archivedNumber: number }> {
  constructor(
    readonly context: CommandContext,
    readonly clientId: string,
  ) {
    super();
  }
}

@CommandHandler(EraseClientCommand)
export class EraseClientHandler implements ICommandHandler<EraseClientCommand> {
  constructor(private readonly clients: ClientCommands) {}

  execute({ context, clientId }: EraseClientCommand): Promise<{ clientId: string; archivedNumber: number }> {
    return this.clients.erase(context, clientId);
  }
}
