import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PreparedPhoto, preparePhoto } from '@salon/media/content';
import { originalKey, photoPrefix, renditionKey } from '@salon/media/domain';
import { deterministicUuid } from '@salon/shared/event-sourcing';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { CLIENT_PHOTO_REFERENCES, ClientPhotoReferences } from '../client-photo-references/client-photo-references';
import { PhotoReferenceSync } from '../client-photo-references/photo-reference-sync';
import { ClientPhotosStream } from '../client-photos/client-photos-stream';
import { PhotoStorage } from '../photo-storage/photo-storage';

export interface PhotoUpload {
  readonly bytes: Buffer;
  readonly declaredContentType: string;
  /** From Content-Disposition, to check its extension against the content; never stored or logged. */
  readonly fileName?: string;
}

export interface StoredClientPhoto {
  readonly clientId: string;
  readonly photoId: string;
  readonly format: string;
  readonly sizes: readonly number[];
  readonly byteLength: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The client's photo, end to end. In this order, each step only once the one before it held:
 * 1. the content is checked and re-encoded (preparePhoto: sniffed type, declared type and
 *    extension agree, decoded and re-encoded without metadata, renditions made) — a refusal
 *    stores nothing;
 * 2. the original and the renditions are stored under the photo's own prefix;
 * 3. the clients service makes the photo the client's, on the client's own stream (the client
 *    must exist in the caller's chain and be active) — on a refusal the objects just stored are
 *    removed and the answer is the clients service's (404 for an unknown client);
 * 4. the media stream records the photo as current (ClientPhotoStored, published on
 *    media.photo-events.v1) and which photo it replaced;
 * 5. the replaced photo's objects, every version, are removed: one current photo per client.
 *
 * A crash between steps leaves: after 2, objects nothing refers to (under the client's prefix, so
 * an erasure or deletion removes them; nothing sweeps them before); after 3, a card naming a photo
 * the media stream does not know yet (GET answers 404 for it); after 4, nothing for long: the
 * photo-objects follow-up removes the replaced photo's objects from the media stream.
 *
 * Concurrent uploads and removals for one client: after its append each puts the reference in
 * step with the media stream's current photo (PhotoReferenceSync), so the card and the media
 * stream end naming the same photo. Not covered: an upload that dies between its reference and its
 * append (the card names a photo the media stream does not know, until the next change).
 *
 * A retry with the same Idempotency-Key derives the same photo id, so it stores the same
 * keys again and completes every step without a second photo.
 */
@Injectable()
export class UploadClientPhoto {
  private readonly logger = new Logger(UploadClientPhoto.name);

  constructor(
    private readonly storage: PhotoStorage,
    private readonly photos: ClientPhotosStream,
    @Inject(CLIENT_PHOTO_REFERENCES) private readonly references: ClientPhotoReferences,
    private readonly referenceSync: PhotoReferenceSync,
  ) {}

  async execute(context: CommandContext, clientId: string, upload: PhotoUpload): Promise<StoredClientPhoto> {
    const prepared = await preparePhoto({ bytes: upload.bytes, declaredContentType: upload.declaredContentType, fileName: upload.fileName });
    const tenantId = context.principal.tenantId;
    const photoId = photoIdOf(context, clientId);
    await this.storage.put(objectsOf(tenantId, clientId, photoId, prepared));

    const call = { tenantId, userId: context.principal.userId, clientId, salonId: context.salonId, correlationId: context.correlationId };
    try {
      await this.references.set({ ...call, photoId });
    } catch (error) {
      await this.storage.removeEverythingUnder(photoPrefix(tenantId, clientId, photoId)).catch((cleanup: Error) => {
        this.logger.warn(`objects of a refused photo left for the erasure to remove: ${cleanup.message}`);
      });
      throw error;
    }

    const sizes = prepared.renditions.map((rendition) => rendition.size);
    const byteLength = prepared.original.bytes.length;
    const result = await this.photos.record(clientId, {
      type: 'RecordStoredPhoto',
      data: { clientId, photoId, format: prepared.format, sizes, byteLength, original: { contentType: prepared.original.contentType, extension: prepared.original.extension } },
      metadata: commandMetadata(context),
    });
    await this.referenceSync.keepInStep(call);
    const stored = result.events.find((event) => event.type === 'ClientPhotoStored');
    const replaced = stored?.type === 'ClientPhotoStored' ? stored.data.replacedPhotoId : undefined;
    if (replaced) await this.storage.removeEverythingUnder(photoPrefix(tenantId, clientId, replaced));

    return { clientId, photoId, format: prepared.format, sizes, byteLength, width: prepared.width, height: prepared.height };
  }
}

/**
 * A random id; with an Idempotency-Key, the one derived from it (and the client), so a retry of
 * the same upload writes the same objects and records the same photo.
 */
function photoIdOf(context: CommandContext, clientId: string): string {
  return context.idempotencyKey ? deterministicUuid(context.principal.tenantId, 'upload-client-photo', clientId, context.idempotencyKey) : randomUUID();
}

function objectsOf(tenantId: string, clientId: string, photoId: string, prepared: PreparedPhoto) {
  return [
    {
      key: originalKey(tenantId, clientId, photoId, prepared.original.extension),
      bytes: prepared.original.bytes,
      contentType: prepared.original.contentType,
      // Download only: an SVG opened inline could run in the store's origin.
      contentDisposition: `attachment; filename="photo.${prepared.original.extension}"`,
    },
    ...prepared.renditions.map((rendition) => ({
      key: renditionKey(tenantId, clientId, photoId, rendition.size),
      bytes: rendition.bytes,
      contentType: rendition.contentType,
    })),
  ];
}
