import { Injectable } from '@nestjs/common';
import { LegalHoldReason } from '@salon/clients/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream, WriteResult } from '../client-stream/client-stream';

/** The chain must keep the client's data for a legal claim: retention skips the client, erasure is refused (409). */
@Injectable()
export class PlaceLegalHold {
  constructor(private readonly clients: ClientStream) {}

  execute(context: CommandContext, clientId: string, hold: { reason: LegalHoldReason; reference?: string }, expectedRevision?: bigint): Promise<WriteResult> {
    return this.clients.record(
      clientId,
      { type: 'PlaceLegalHold', data: { clientId, reason: hold.reason, ...(hold.reference === undefined ? {} : { reference: hold.reference }) }, metadata: commandMetadata(context) },
      { expectedRevision },
    );
  }
}
