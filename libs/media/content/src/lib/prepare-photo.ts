import { assertDeclaredTypeAgrees } from './declared-type-agreement';
import type { PhotoInput, PreparedPhoto } from './photo-content';
import { prepareHeicPhoto } from './prepare-heic-photo';
import { prepareSharpDecodedPhoto } from './prepare-raster-photo';
import { prepareSvgPhoto } from './prepare-svg-photo';
import { sniffPhotoFormat } from './sniff-photo-format';

/**
 * Checks an uploaded photo and makes what is stored of it: the type comes from the bytes, the
 * upload's declared type and file name must agree with it, and nothing of the upload is kept
 * as sent (rasters are re-encoded, SVG re-serialised from an allowlist). Refusals are
 * PhotoContentRefused; the byte limit is the caller's (it is enforced while streaming).
 */
export async function preparePhoto(input: PhotoInput): Promise<PreparedPhoto> {
  const sniffed = await sniffPhotoFormat(input.bytes);
  assertDeclaredTypeAgrees(sniffed, input.declaredContentType ?? '', input.fileName);
  switch (sniffed.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
      return prepareSharpDecodedPhoto(input.bytes, sniffed.format);
    case 'heic':
      return prepareHeicPhoto(input.bytes);
    case 'svg':
      return prepareSvgPhoto(input.bytes);
  }
}
