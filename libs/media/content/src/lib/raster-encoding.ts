import sharp, { type Metadata, type OutputInfo, type Sharp, type SharpOptions } from 'sharp';
import { MAX_PHOTO_PIXELS, RENDITION_SIZES, type PhotoRendition } from './photo-content';
import { PhotoContentRefused } from './photo-content-refused';

/** A pipeline that still takes longer than this on a 2-core machine is an attack, not a photo. */
const ENCODE_TIMEOUT_SECONDS = 20;
const RENDITION_WEBP_QUALITY = 80;

/** Builds a fresh sharp pipeline over the same input; each output gets its own. */
export type PixelSource = () => Sharp;

export type OriginalEncoding = 'jpeg' | 'png' | 'webp';

const ORIGINAL_CONTENT: Readonly<Record<OriginalEncoding, { contentType: string; extension: string }>> = {
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  png: { contentType: 'image/png', extension: 'png' },
  webp: { contentType: 'image/webp', extension: 'webp' },
};

/** sharp over encoded bytes, with the pixel limit; libvips fails on the first decoding warning. */
export function sharpOver(bytes: Buffer, options: SharpOptions = {}): Sharp {
  return sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'warning', ...options }).timeout({ seconds: ENCODE_TIMEOUT_SECONDS });
}

export function assertPixelCountAllowed(width: number, height: number): void {
  if (width * height > MAX_PHOTO_PIXELS) {
    throw new PhotoContentRefused('too-many-pixels', `The photo has more pixels than the ${MAX_PHOTO_PIXELS / 1_000_000} megapixels accepted.`);
  }
}

/**
 * The kept original: decoded and encoded again, which leaves behind whatever followed the image
 * data (a polyglot's HTML after PNG's IEND) and all metadata — sharp writes none unless asked
 * (no EXIF, GPS, XMP, IPTC or ICC). EXIF orientation is applied to the pixels first, so the
 * photo still stands the right way up without its tag.
 */
export async function encodeOriginal(
  source: PixelSource,
  encoding: OriginalEncoding,
): Promise<{ contentType: string; extension: string; bytes: Buffer; width: number; height: number }> {
  const oriented = source().rotate();
  const encoder =
    encoding === 'jpeg'
      ? oriented.flatten({ background: '#ffffff' }).jpeg({ quality: 90 })
      : encoding === 'png'
        ? oriented.png()
        : oriented.webp({ quality: 90 });
  const { data, info } = await runPipeline(encoder);
  return { ...ORIGINAL_CONTENT[encoding], bytes: data, width: info.width, height: info.height };
}

/** One webp per rendition size: the longest edge at most that size, never enlarged. */
export async function encodeRenditions(source: PixelSource): Promise<PhotoRendition[]> {
  return Promise.all(
    RENDITION_SIZES.map(async (size) => {
      const pipeline = source()
        .rotate()
        .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: RENDITION_WEBP_QUALITY });
      const { data, info } = await runPipeline(pipeline);
      return { size, contentType: 'image/webp' as const, bytes: data, width: info.width, height: info.height };
    }),
  );
}

export async function runPipeline(pipeline: Sharp): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw refusalForDecodeError(error);
  }
}

export async function readMetadata(pipeline: Sharp): Promise<Metadata> {
  try {
    return await pipeline.metadata();
  } catch (error) {
    throw refusalForDecodeError(error);
  }
}

/** libvips' words may quote the input, so only the kind of failure is kept. */
export function refusalForDecodeError(error: unknown): PhotoContentRefused {
  if (error instanceof PhotoContentRefused) return error;
  const message = error instanceof Error ? error.message : '';
  if (/pixel limit/i.test(message)) {
    return new PhotoContentRefused('too-many-pixels', `The photo has more pixels than the ${MAX_PHOTO_PIXELS / 1_000_000} megapixels accepted.`);
  }
  return new PhotoContentRefused('corrupt-image', 'The photo could not be decoded: the image data is corrupt or truncated.');
}
