import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClientCommands, WriteResult } from '../write/client-commands.service';
import { SetClientDiscountsRequest } from './set-client-discounts.request.dto';
import { CommandContext } from '@salon/shared/nest';

export class SetClientDiscountsCommand extends Command<WriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly clientId: string,
    readonly request: SetClientDiscountsRequest,
    readonly expectedRevision: bigint | undefined,
  ) {
    super();
  }
}

@CommandHandler(SetClientDiscountsCommand)
export class SetClientDiscountsHandler implements ICommandHandler<SetClientDiscountsCommand> {
  constructor(private readonly clients: ClientCommands) {}

  execute({ context, clientId, request, expectedRevision }: SetClientDiscountsCommand): Promise<WriteResult> {
    return this.clients.setDiscounts(context, clientId, { ...request }, expectedRevision);
  }
}
