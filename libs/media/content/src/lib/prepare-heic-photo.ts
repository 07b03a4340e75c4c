import sharp from 'sharp';
import type { PreparedPhoto } from './photo-content';
import { MAX_PHOTO_PIXELS } from './photo-content';
import { heicDecoder, type HeicDecoder } from './heic-decoder';
import { assertPixelCountAllowed, encodeOriginal, encodeRenditions } from './raster-encoding';

/**
 * HEIC: sharp's prebuilt libvips has no HEVC decoder (patents), so libheif in WASM decodes the
 * pixels in a worker and sharp encodes them. The original is kept as JPEG: browsers other than
 * Safari cannot show HEIC, and a HEIC re-encoder is not available from the registries here.
 * libheif applies the HEIF rotation and mirror boxes while decoding; no metadata reaches sharp.
 */
export async function prepareHeicPhoto(bytes: Buffer, decoder: HeicDecoder = heicDecoder): Promise<PreparedPhoto> {
  const decoded = await decoder.decode(bytes);
  assertPixelCountAllowed(decoded.width, decoded.height);
  const source = () => {
    const pixels = sharp(decoded.rgba, { raw: { width: decoded.width, height: decoded.height, channels: 4 }, limitInputPixels: MAX_PHOTO_PIXELS });
    return decoded.opaque ? pixels.removeAlpha() : pixels;
  };
  const [original, renditions] = await Promise.all([encodeOriginal(source, 'jpeg'), encodeRenditions(source)]);
  const { width, height, ...kept } = original;
  return { format: 'heic', original: kept, renditions, width, height };
}
