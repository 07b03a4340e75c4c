import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClientProfileRequest } from '../http/client-profile.request.dto';
import { ClientCommands, WriteResult } from '../write/client-commands.service';
import { CommandContext } from '@salon/shared/nest';

export class EditClientProfileCommand extends Command<WriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly clientId: string,
    readonly request: ClientProfileRequest,
    readonly expectedRevision: bigint,
  ) {
    super();
  }
}

@CommandHandler(EditClientProfileCommand)
export class EditClientProfileHandler implements ICommandHandler<EditClientProfileCommand> {
  constructor(private readonly clients: ClientCommands) {}

  execute({ context, clientId, request, expectedRevision }: EditClientProfileCommand): Promise<WriteResult> {
    return this.clients.editProfile(context, clientId, { ...request }, expectedRevision);
  }
}
