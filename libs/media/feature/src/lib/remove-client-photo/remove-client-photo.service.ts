import { Inject, Injectable } from '@nestjs/common';
import { photoPrefix } from '@salon/media/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { CLIENT_PHOTO_REFERENCES, ClientPhotoReferences } from '../client-photo-references/client-photo-references';
import { PhotoReferenceSync } from '../client-photo-references/photo-reference-sync';
import { ClientPhotosStream } from '../client-photos/client-photos-stream';
import { PhotoStorage } from '../photo-storage/photo-storage';

/**
 * The profile removes the photo: the clients service drops the reference (deciding on the
 * client's stream that the client is there: another chain's client is a 404), the media stream
 * records the photo discarded, and its objects go, every version. Removing a photo that is not
 * there changes nothing. A crash after the first step leaves a card without a photo whose objects
 * are still stored: the retry (same request) finishes it; an erasure removes them in any case.
 */
@Injectable()
export class RemoveClientPhoto {
  constructor(
    private readonly storage: PhotoStorage,
    private readonly photos: ClientPhotosStream,
    @Inject(CLIENT_PHOTO_REFERENCES) private readonly references: ClientPhotoReferences,
    private readonly referenceSync: PhotoReferenceSync,
  ) {}

  async execute(context: CommandContext, clientId: string): Promise<void> {
    const tenantId = context.principal.tenantId;
    const call = { tenantId, userId: context.principal.userId, clientId, salonId: context.salonId, correlationId: context.correlationId };
    await this.references.remove(call);
    const result = await this.photos.record(clientId, { type: 'DiscardPhoto', data: { clientId }, metadata: commandMetadata(context) });
    // An upload at the same moment may have set its reference after our removal (PhotoReferenceSync).
    await this.referenceSync.keepInStep(call);
    const discarded = result.events.find((event) => event.type === 'ClientPhotoDiscarded');
    if (discarded?.type === 'ClientPhotoDiscarded') await this.storage.removeEverythingUnder(photoPrefix(tenantId, clientId, discarded.data.photoId));
  }
}
