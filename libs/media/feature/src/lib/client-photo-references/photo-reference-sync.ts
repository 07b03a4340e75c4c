import { Inject, Injectable } from '@nestjs/common';
import { ClientPhotosStream } from '../client-photos/client-photos-stream';
import { CLIENT_PHOTO_REFERENCES, ClientPhotoReferences, PhotoReferenceCall } from './client-photo-references';

/** Rounds before giving up when the media stream keeps changing under the sync (others sync then). */
const MAX_ROUNDS = 5;

/**
 * Puts the card's reference (on the client's stream) in step with the media stream's current
 * photo, after an upload or a removal appended. The two are different streams, so uploads and
 * removals at once could leave the card naming a photo the media stream replaced. Every writer
 * runs this after its append: it sets the reference to what the media stream holds now, then reads
 * the media stream again, and repeats while it changed meanwhile. A stale write (read before a
 * later append) is thus always followed by its writer's own check, and the later appender syncs
 * after its append as well: whatever the interleaving, the last write names the current photo.
 */
@Injectable()
export class PhotoReferenceSync {
  constructor(
    private readonly photos: ClientPhotosStream,
    @Inject(CLIENT_PHOTO_REFERENCES) private readonly references: ClientPhotoReferences,
  ) {}

  async keepInStep(call: PhotoReferenceCall): Promise<void> {
    let { state, revision } = await this.photos.load(call.tenantId, call.clientId);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (state.erased) return;
      if (state.current) await this.references.set({ ...call, photoId: state.current.photoId });
      else await this.references.remove(call);
      const after = await this.photos.load(call.tenantId, call.clientId);
      if (after.revision === revision) return;
      ({ state, revision } = after);
    }
  }
}
