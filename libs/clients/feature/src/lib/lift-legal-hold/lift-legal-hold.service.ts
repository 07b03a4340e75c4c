import { Injectable } from '@nestjs/common';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream, WriteResult } from '../client-stream/client-stream';

/** The legal claim is over: retention and erasure apply to the client again. */
@Injectable()
export class LiftLegalHold {
  constructor(private readonly clients: ClientStream) {}

  execute(context: CommandContext, clientId: string, expectedRevision?: bigint): Promise<WriteResult> {
    return this.clients.record(clientId, { type: 'LiftLegalHold', data: { clientId }, metadata: commandMetadata(context) }, { expectedRevision });
  }
}
