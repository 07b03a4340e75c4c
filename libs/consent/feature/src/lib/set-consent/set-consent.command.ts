import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsentCommands, ConsentWriteResult } from '../write/consent-commands.service';
import { SetConsentRequest } from './set-consent.request.dto';
import { CommandContext } from '@salon/shared/nest';

export class SetConsentCommand extends Command<ConsentWriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly clientId: string,
    readonly permission: string,
    readonly request: SetConsentRequest,
  ) {
    super();
  }
}

@CommandHandler(SetConsentCommand)
export class SetConsentHandler implements ICommandHandler<SetConsentCommand> {
  constructor(private readonly consent: ConsentCommands) {}

  execute({ context, clientId, permission, request }: SetConsentCommand): Promise<ConsentWriteResult> {
    const { granted, source, evidence } = request;
    return this.consent.change(context, clientId, permission, { granted, source, evidence: evidence && { ...evidence } });
  }
}
