/** The photo rules of DOMAIN.md ("at most 15 MB; formats jpeg, jpg, png, webp, heic, svg"). */
export const MAX_PHOTO_BYTES = 15 * 1024 * 1024;

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'heic' | 'svg';

/** Longest edge of each rendition, in pixels; a smaller raster photo is never enlarged. */
export const RENDITION_SIZES = [256, 1024] as const;
export type RenditionSize = (typeof RENDITION_SIZES)[number];

/**
 * Decoded pixels allowed per photo (input raster, decoded HEIC, rasterised SVG). 40 MP is above
 * any phone camera (a 48 MP sensor bins to 12 MP by default) and keeps one decode under ~160 MB
 * of RGBA, so a small file declaring 20000×20000 pixels (a decompression bomb) is refused first.
 */
export const MAX_PHOTO_PIXELS = 40_000_000;

export interface PhotoRendition {
  readonly size: RenditionSize;
  readonly contentType: 'image/webp';
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface PreparedPhoto {
  /** What the bytes really are (sniffed), not what was declared. */
  readonly format: PhotoFormat;
  /**
   * What is kept as the original: raster formats re-encoded (metadata stripped; HEIC re-encoded
   * as JPEG), SVG sanitised. Served for download only.
   */
  readonly original: { readonly contentType: string; readonly extension: string; readonly bytes: Buffer };
  /** One per RENDITION_SIZES, rasterised (SVG too). */
  readonly renditions: readonly PhotoRendition[];
  readonly width: number;
  readonly height: number;
}

export interface PhotoInput {
  readonly bytes: Buffer;
  readonly declaredContentType: string;
  readonly fileName?: string;
}
