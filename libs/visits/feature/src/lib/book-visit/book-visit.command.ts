import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext } from '@salon/shared/nest';
import { VisitCommands, VisitWriteResult } from '../write/visit-commands.service';
import { BookVisitRequest } from './book-visit.request.dto';

export class BookVisitCommand extends Command<VisitWriteResult> {
  constructor(
    readonly context: CommandContext,
    readonly request: BookVisitRequest,
    /** Forwarded to the clients service, which admits the visit under the same identity. */
    readonly authorization: string,
  ) {
    super();
  }
}

@CommandHandler(BookVisitCommand)
export class BookVisitHandler implements ICommandHandler<BookVisitCommand> {
  constructor(private readonly visits: VisitCommands) {}

  execute({ context, request, authorization }: BookVisitCommand): Promise<VisitWriteResult> {
    const { discount = 0, ...form } = request;
    return this.visits.book(context, { ...form, discount }, authorization);
  }
}
