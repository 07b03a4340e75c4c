import type { IntegrationEventOf } from './topics';

/**
 * `media.photo-events.v1`: the lifecycle of client photos in the media context (key = client id).
 * No personal data: a photo is named by a random id (`photoId`, the `photoRef` the clients
 * context keeps), never by anything of the person; the image itself stays in the media store.
 */
export interface MediaEventsV1 {
  /**
   * A photo was checked, re-encoded and stored with its renditions, and became the client's
   * current photo; `replacedPhotoId` is the photo it replaced (whose objects are then deleted).
   */
  ClientPhotoStored: {
    readonly clientId: string;
    readonly photoId: string;
    /** The format the upload was sniffed as: jpeg, png, webp, heic or svg. */
    readonly format: string;
    /** The rendition widths served, in pixels (256, 1024). */
    readonly sizes: readonly number[];
    /** Bytes of the stored original (after re-encoding or sanitising). */
    readonly byteLength: number;
    /** The stored original's type and key extension (a HEIC is kept re-encoded, e.g. as JPEG). */
    readonly original: { readonly contentType: string; readonly extension: string };
    readonly replacedPhotoId?: string;
    readonly storedAt: string;
  };
  /** The profile removed the photo; its objects are deleted. */
  ClientPhotoDiscarded: { readonly clientId: string; readonly photoId: string; readonly discardedAt: string };
  /** The client was erased or hard-deleted: every object under the client's prefix, every version, is gone. */
  ClientPhotosErased: { readonly clientId: string; readonly because: 'erased' | 'deleted'; readonly erasedAt: string };
}

export type MediaEventTypeV1 = keyof MediaEventsV1;
export const MEDIA_EVENT_TYPES_V1: readonly MediaEventTypeV1[] = ['ClientPhotoStored', 'ClientPhotoDiscarded', 'ClientPhotosErased'];

export type MediaIntegrationEventV1 = IntegrationEventOf<MediaEventsV1>;
