import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsentCommands, ConsentWriteResult } from '../write/consent-commands.service';
import { WithdrawAllMarketingRequest } from './withdraw-all-marketing.request.dto';
import { CommandContext } from '@salon/shared/nest';

export class WithdrawAllMarketingCommand extends Command<ConsentWriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly clientId: string,
    readonly request: WithdrawAllMarketingRequest,
  ) {
    super();
  }
}

@CommandHandler(WithdrawAllMarketingCommand)
export class WithdrawAllMarketingHandler implements ICommandHandler<WithdrawAllMarketingCommand> {
  constructor(private readonly consent: ConsentCommands) {}

  execute({ context, clientId, request }: WithdrawAllMarketingCommand): Promise<ConsentWriteResult> {
    return this.consent.withdrawAllMarketing(context, clientId, request.source);
  }
}
