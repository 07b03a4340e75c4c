import { ClientEventsAsReadV1, TOPICS } from '@salon/contracts';
import { IncomingMessage, MessagePolicy, MessagingClient } from '@salon/shared/messaging';
import { messageContextOf } from '@salon/shared/nest';
import { EraseClientPhotos } from '../erase-client-photos/erase-client-photos.service';

/**
 * The media context follows the clients context's end of a client: `ClientErased` (GDPR
 * erasure) and `ClientDeleted` (hard deletion of a client created by mistake) remove every photo
 * object of the client, every version. Idempotent: a redelivered message finds nothing left.
 * A failure of the object store is transient (retried with back-off, never skipped).
 */
export class MediaClientEventsPolicy extends MessagePolicy {
  constructor(
    kafka: MessagingClient,
    private readonly eraseClientPhotos: EraseClientPhotos,
    prefix = '',
  ) {
    super({ kafka, groupId: 'media.client-events-policy', topics: [TOPICS.clientEvents.name], prefix, partitionsConsumedConcurrently: 6 });
  }

  async handle(message: IncomingMessage): Promise<void> {
    if (message.data === null) return;
    const context = messageContextOf(message);
    switch (message.eventType) {
      case 'ClientErased':
        await this.eraseClientPhotos.execute(context, (message.data as ClientEventsAsReadV1['ClientErased']).clientId, 'erased');
        return;
      case 'ClientDeleted':
        await this.eraseClientPhotos.execute(context, (message.data as ClientEventsAsReadV1['ClientDeleted']).clientId, 'deleted');
        return;
      default:
        return;
    }
  }
}
