import type { PreparedPhoto } from './photo-content';
import { PhotoContentRefused } from './photo-content-refused';
import { assertPixelCountAllowed, encodeOriginal, encodeRenditions, readMetadata, sharpOver } from './raster-encoding';

export type SharpDecodedFormat = 'jpeg' | 'png' | 'webp';

/** JPEG, PNG and WebP: libvips decodes them; the original keeps its format, re-encoded. */
export async function prepareSharpDecodedPhoto(bytes: Buffer, format: SharpDecodedFormat): Promise<PreparedPhoto> {
  const metadata = await readMetadata(sharpOver(bytes));
  // The header was sniffed as `format`; libvips reading it as something else means a crafted file.
  if (metadata.format !== format || !metadata.width || !metadata.height) {
    throw new PhotoContentRefused('corrupt-image', 'The photo could not be decoded: the image data is corrupt or truncated.');
  }
  // Checked from the header before any pixel is decoded; sharp's limitInputPixels guards the decode too.
  assertPixelCountAllowed(metadata.width, metadata.height);
  const source = () => sharpOver(bytes);
  const [original, renditions] = await Promise.all([encodeOriginal(source, format), encodeRenditions(source)]);
  const { width, height, ...kept } = original;
  return { format, original: kept, renditions, width, height };
}
