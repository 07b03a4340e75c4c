import { Inject, Injectable } from '@nestjs/common';
import { originalKey, renditionKey, toClientPhotosStreamName } from '@salon/media/domain';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { ClientPhotosStream } from '../client-photos/client-photos-stream';
import { PhotoStorage } from '../photo-storage/photo-storage';
import { clientPhotosEventCodec } from '../relay/photo-integration-events';

/** One stored image of the client, as a short-lived link the data package is filled from. */
export interface ExportedPhotoFile {
  /** Its name inside the package's `photos/` folder: ids and a size only. */
  readonly name: string;
  readonly contentType: string;
  readonly url: string;
}

export interface ClientPhotosExport {
  readonly clientId: string;
  /** The current photo as recorded (ids, format, sizes), null without one. */
  readonly photo: { readonly photoId: string; readonly format: string; readonly sizes: readonly number[]; readonly byteLength: number; readonly original: { readonly contentType: string; readonly extension: string } } | null;
  readonly files: readonly ExportedPhotoFile[];
  readonly events: readonly {
    readonly context: 'media';
    readonly stream: string;
    readonly revision: string;
    readonly type: string;
    readonly recordedAt: string;
    readonly actorId: string | null;
    readonly salonId: string | null;
    readonly correlationId: string;
    readonly data: unknown;
  }[];
}

/**
 * The media context's part of the client's data package: the current photo (the stored original
 * and its renditions, as presigned links valid the configured photo-link lifetime: the media
 * service never hands out its bucket) and every event of the client's media stream. Earlier
 * photos are not there to export: a replaced or removed photo's objects are deleted.
 */
@Injectable()
export class ExportClientPhotos {
  private readonly codec = clientPhotosEventCodec();

  constructor(
    private readonly photos: ClientPhotosStream,
    private readonly storage: PhotoStorage,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(tenantId: string, clientId: string): Promise<ClientPhotosExport> {
    const stream = toClientPhotosStreamName(clientId);
    const recorded = (await this.store.readStream(stream)).filter((event) => event.metadata.tenantId === tenantId);
    const events = await Promise.all(
      recorded.map(async (event) => ({
        context: 'media' as const,
        stream,
        revision: String(event.revision),
        type: event.type,
        recordedAt: event.createdAt.toISOString(),
        actorId: event.metadata.actorId ?? null,
        salonId: event.metadata.salonId ?? null,
        correlationId: event.metadata.correlationId,
        data: (await this.codec.decode(event)).data,
      })),
    );
    const { current } = await this.photos.state(tenantId, clientId);
    if (!current) return { clientId, photo: null, files: [], events };
    const { photoId, original } = current;
    const files: ExportedPhotoFile[] = [
      {
        name: `${photoId}/original.${original.extension}`,
        contentType: original.contentType,
        url: (await this.storage.link(originalKey(tenantId, clientId, photoId, original.extension))).url,
      },
    ];
    for (const size of current.sizes) {
      files.push({ name: `${photoId}/${size}.webp`, contentType: 'image/webp', url: (await this.storage.link(renditionKey(tenantId, clientId, photoId, size))).url });
    }
    return { clientId, photo: { ...current, sizes: [...current.sizes], original: { ...original } }, files, events };
  }
}
