import { Inject, Injectable } from '@nestjs/common';
import { assertNotOnLegalHold } from '@salon/clients/domain';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ArchiveNumbers } from '../archive-numbers/archive-numbers';
import { ClientStream, clientNotFound } from '../client-stream/client-stream';
import { SettleClient } from '../settle-client/settle-client';

export interface ErasureResult {
  readonly clientId: string;
  readonly archivedNumber: number;
}

/**
 * GDPR erasure: records the anonymisation, then destroys the client's data key, which makes
 * every copy of their personal data (event store, Kafka, rebuilt read models) unreadable.
 * Visits and amounts stay, under "Archived client N". Safe to retry: a retry finishes the job.
 */
@Injectable()
export class EraseClient {
  private readonly archiveNumbers: ArchiveNumbers;

  constructor(
    private readonly clients: ClientStream,
    private readonly settleClient: SettleClient,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.archiveNumbers = new ArchiveNumbers(store);
  }

  async execute(context: CommandContext, clientId: string): Promise<ErasureResult> {
    const { state } = await this.clients.load(context.principal.tenantId, clientId);
    if (state.status === 'unregistered' || state.status === 'deleted') throw clientNotFound(clientId);
    // 409 client-on-legal-hold before a number is taken: a refused erasure leaves no gap.
    assertNotOnLegalHold(state);
    const archivedNumber =
      state.status === 'erased'
        ? state.archivedNumber
        : await this.archiveNumbers.allocate(context.principal.tenantId, clientId, context.correlationId);
    const actorRole = erasingRoleOf(context);
    await this.clients.record(clientId, {
      type: 'EraseClient',
      data: { clientId, archivedNumber, ...(actorRole === undefined ? {} : { actorRole }) },
      metadata: commandMetadata(context),
    });
    await this.settleClient.execute(commandMetadata(context), clientId);
    return { clientId, archivedNumber };
  }
}

/**
 * The role that allowed the erasure (the route admits owner and manager), for the certificate's
 * "by whom". The retention job has no role: its actor says who it was.
 */
function erasingRoleOf(context: CommandContext): string | undefined {
  return context.principal.roles.find((role) => role === 'owner' || role === 'manager');
}
