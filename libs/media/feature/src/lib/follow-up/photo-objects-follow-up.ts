import { ClientPhotosEvent, clientIdOfPhotosStream, clientPrefix, photoPrefix } from '@salon/media/domain';
import { EventCodec } from '@salon/shared/event-sourcing';
import { RecordedEvent } from '@salon/shared/event-store';
import { FollowUpOutcome } from '@salon/shared/messaging';
import { PhotoStorage } from '../photo-storage/photo-storage';

/**
 * Finishes, from the media stream, the object removals its use cases do right after their append:
 * the replaced photo's objects after ClientPhotoStored, the discarded photo's after
 * ClientPhotoDiscarded, everything under the client's prefix after ClientPhotosErased. A crash
 * between the append and the removal then leaves nothing behind for long. Removing what is gone
 * already is harmless, so handling an event twice is too.
 */
export function photoObjectsFollowUp(storage: PhotoStorage, codec: EventCodec<ClientPhotosEvent>) {
  return async (recorded: RecordedEvent): Promise<FollowUpOutcome> => {
    const tenantId = recorded.metadata.tenantId;
    const clientId = clientIdOfPhotosStream(recorded.streamName);
    const event = await codec.decode(recorded);
    switch (event.type) {
      case 'ClientPhotoStored':
        if (event.data.replacedPhotoId) await storage.removeEverythingUnder(photoPrefix(tenantId, clientId, event.data.replacedPhotoId));
        return 'done';
      case 'ClientPhotoDiscarded':
        await storage.removeEverythingUnder(photoPrefix(tenantId, clientId, event.data.photoId));
        return 'done';
      case 'ClientPhotosErased':
        await storage.removeEverythingUnder(clientPrefix(tenantId, clientId));
        return 'done';
    }
  };
}
