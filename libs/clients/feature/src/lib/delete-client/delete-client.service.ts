import { Injectable } from '@nestjs/common';
import { DomainError } from '@salon/shared/ddd';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream, clientNotFound } from '../client-stream/client-stream';
import { SettleClient } from '../settle-client/settle-client';

/**
 * Hard deletion of a client created by mistake (refused when any visit is known: decided on the
 * client's stream, see clientDecider). The data key goes too, so the personal data in its events
 * is gone as well. A retry with the same Idempotency-Key answers like the first and finishes what
 * the first left undone.
 */
@Injectable()
export class DeleteClient {
  constructor(
    private readonly clients: ClientStream,
    private readonly settleClient: SettleClient,
  ) {}

  async execute(context: CommandContext, clientId: string, expectedRevision?: bigint): Promise<void> {
    try {
      await this.clients.record(clientId, { type: 'DeleteClient', data: { clientId }, metadata: commandMetadata(context) }, { expectedRevision });
    } catch (error) {
      // For the API a deleted client does not exist, as if it never had.
      if (error instanceof DomainError && error.code === 'client-deleted') throw clientNotFound(clientId);
      throw error;
    }
    await this.settleClient.execute(commandMetadata(context), clientId);
  }
}
