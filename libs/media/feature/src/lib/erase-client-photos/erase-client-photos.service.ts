import { Injectable } from '@nestjs/common';
import { clientPrefix } from '@salon/media/domain';
import { MessageContext, messageMetadata } from '@salon/shared/nest';
import { ClientPhotosStream } from '../client-photos/client-photos-stream';
import { PhotoStorage } from '../photo-storage/photo-storage';

/**
 * The client was erased or hard-deleted: every object under the client's prefix goes — every
 * photo, rendition, version and delete marker, also objects of an upload that never got its
 * reference — and the media stream records it (ClientPhotosErased, so no photo is stored for the
 * client again). The objects go first: a redelivered message removes whatever is left and finds
 * the event recorded. Repeatable.
 */
@Injectable()
export class EraseClientPhotos {
  constructor(
    private readonly storage: PhotoStorage,
    private readonly photos: ClientPhotosStream,
  ) {}

  async execute(context: MessageContext, clientId: string, because: 'erased' | 'deleted'): Promise<void> {
    await this.storage.removeEverythingUnder(clientPrefix(context.tenantId, clientId));
    await this.photos.record(clientId, { type: 'EraseClientPhotos', data: { clientId, because }, metadata: messageMetadata(context) });
  }
}
