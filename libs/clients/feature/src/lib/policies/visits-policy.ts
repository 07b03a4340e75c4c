import { TOPICS, VisitEventBaseV1 } from '@salon/contracts';
import { DomainError } from '@salon/shared/ddd';
import { systemContext } from '@salon/shared/nest';
import { IncomingMessage, MessagePolicy, MessagingClient } from '@salon/shared/messaging';
import { AdmitVisit } from '../admit-visit/admit-visit.service';

/**
 * The clients context learns of every visit (any status) from the visits topic, so that a
 * client with visits can never be hard-deleted. Noting a visit is idempotent per visit id, so
 * redelivered messages are harmless. A visit that cannot be noted for good (e.g. of an unknown
 * client, which admission makes impossible) goes to the dead letters; anything transient is retried (see SupervisedConsumer).
 */
export class VisitsPolicy extends MessagePolicy {
  constructor(
    kafka: MessagingClient,
    private readonly admitVisit: AdmitVisit,
    prefix = '',
  ) {
    super({ kafka, groupId: 'clients.visits-policy', topics: [TOPICS.visitEvents.name], prefix });
  }

  async handle(message: IncomingMessage): Promise<void> {
    // Every visit, whatever its status later, starts with VisitBooked: noting that one is
    // enough, and spares a read of the client's stream for each later event of the visit.
    if (message.eventType !== 'VisitBooked') return;
    const visit = message.data as VisitEventBaseV1 | null;
    if (!visit?.clientId || !visit.visitId) return;
    try {
      await this.admitVisit.execute(systemContext(message.tenantId, message.correlationId), visit.clientId, visit.visitId);
    } catch (error) {
      // A visit admitted before the client was erased, heard of after: an archived client's
      // visits stay as they are, so there is nothing to note and nothing to dead-letter.
      if (error instanceof DomainError && error.code === 'client-erased') return;
      throw error;
    }
  }
}
