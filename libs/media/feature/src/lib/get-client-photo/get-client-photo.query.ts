import { Injectable } from '@nestjs/common';
import type { RenditionSize } from '@salon/media/content';
import { originalKey, renditionKey } from '@salon/media/domain';
import { DomainError } from '@salon/shared/ddd';
import { ClientPhotosStream } from '../client-photos/client-photos-stream';
import { PhotoStorage } from '../photo-storage/photo-storage';

export interface PhotoLink {
  readonly clientId: string;
  readonly photoId: string;
  readonly url: string;
  readonly expiresAt: string;
  readonly contentType: string;
  readonly size?: RenditionSize;
}

/**
 * A short-lived link to the client's current photo, read from the media stream (never behind):
 * a rendition (webp) to show, or the original to download. The API never serves image bytes
 * itself, so no upload is ever rendered from the API's origin.
 */
@Injectable()
export class GetClientPhoto {
  constructor(
    private readonly photos: ClientPhotosStream,
    private readonly storage: PhotoStorage,
  ) {}

  async rendition(tenantId: string, clientId: string, size: RenditionSize): Promise<PhotoLink> {
    const photo = await this.current(tenantId, clientId);
    const { url, expiresAt } = await this.storage.link(renditionKey(tenantId, clientId, photo.photoId, size));
    return { clientId, photoId: photo.photoId, url, expiresAt: expiresAt.toISOString(), contentType: 'image/webp', size };
  }

  /** The original, as an attachment: the browser saves it and never shows it inline (an SVG runs nothing). */
  async original(tenantId: string, clientId: string): Promise<PhotoLink> {
    const photo = await this.current(tenantId, clientId);
    const { extension, contentType } = photo.original;
    const { url, expiresAt } = await this.storage.link(originalKey(tenantId, clientId, photo.photoId, extension), {
      download: { fileName: `photo-${photo.photoId}.${extension}` },
      contentType,
    });
    return { clientId, photoId: photo.photoId, url, expiresAt: expiresAt.toISOString(), contentType };
  }

  private async current(tenantId: string, clientId: string) {
    const { current } = await this.photos.state(tenantId, clientId);
    if (!current) throw DomainError.notFound('photo-not-found', 'The client has no photo (or there is no such client in your chain).', { clientId });
    return current;
  }
}
