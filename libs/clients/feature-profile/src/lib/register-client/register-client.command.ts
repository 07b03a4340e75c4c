import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClientCommands, WriteResult } from '../write/client-commands.service';
import { RegisterClientRequest } from './register-client.request.dto';
import { CommandContext } from '@salon/shared/nest';

export class RegisterClientCommand extends Command<WriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly request: RegisterClientRequest,
  ) {
    super();
  }
}

@CommandHandler(RegisterClientCommand)
export class RegisterClientHandler implements ICommandHandler<RegisterClientCommand> {
  constructor(private readonly clients: ClientCommands) {}

  execute({ context, request }: RegisterClientCommand): Promise<WriteResult> {
    const { consent, ...form } = request;
    return this.clients.register(context, { ...form, initialConsent: consent ? { ...consent } : undefined });
  }
}
