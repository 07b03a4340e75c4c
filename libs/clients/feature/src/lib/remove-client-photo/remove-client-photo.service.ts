import { Injectable } from '@nestjs/common';
import { CONTENDED_STREAM } from '@salon/shared/event-sourcing';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream, WriteResult } from '../client-stream/client-stream';

/** The media context removed the client's photo: the card shows none. Decided on the client's own stream. */
@Injectable()
export class RemoveClientPhoto {
  constructor(private readonly clients: ClientStream) {}

  execute(context: CommandContext, clientId: string): Promise<WriteResult> {
    return this.clients.record(
      clientId,
      { type: 'RemoveClientPhoto', data: { clientId }, metadata: commandMetadata(context) },
      { conflictRetry: CONTENDED_STREAM },
    );
  }
}
