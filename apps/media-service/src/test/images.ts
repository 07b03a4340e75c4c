import sharp from 'sharp';

/**
 * A photo-like raster of `width` × `height` (noise from a fixed sequence: the same bytes on every
 * run, and realistic sizes, since noise does not compress), encoded as `format`.
 */
export async function photo(format: 'jpeg' | 'png' | 'webp', width = 640, height = 480, options: { quality?: number } = {}): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let state = 12345;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = state >>> 24;
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (format === 'jpeg') return image.jpeg({ quality: options.quality ?? 85 }).toBuffer();
  if (format === 'png') return image.png().toBuffer();
  return image.webp({ quality: options.quality ?? 80 }).toBuffer();
}
