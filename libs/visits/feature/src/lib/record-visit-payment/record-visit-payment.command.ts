import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '@salon/shared/nest';
import { VisitCommands, VisitWriteResult } from '../write/visit-commands.service';

export class RecordVisitPaymentCommand extends Command<VisitWriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly visitId: string,
    readonly amount: number,
    readonly expectedRevision?: bigint,
  ) {
    super();
  }
}

@CommandHandler(RecordVisitPaymentCommand)
export class RecordVisitPaymentHandler implements ICommandHandler<RecordVisitPaymentCommand> {
  constructor(private readonly visits: VisitCommands) {}

  execute({ context, visitId, amount, expectedRevision }: RecordVisitPaymentCommand): Promise<VisitWriteResult> {
    return this.visits.recordPayment(context, visitId, amount, expectedRevision);
  }
}
