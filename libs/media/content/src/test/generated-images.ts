import sharp, { type Sharp } from 'sharp';

/**
 * A raster of the given size with structure in every channel (diagonal bands), the same on every
 * run. Not noise: noise costs seconds to encode as WebP, and these tests need pixels, not entropy.
 */
export async function patternImage(width: number, height: number): Promise<Sharp> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      pixels[i] = (x + y) & 0xff;
      pixels[i + 1] = (x * 3) & 0xff;
      pixels[i + 2] = (y * 5) & 0xff;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

export async function jpeg(width: number, height: number): Promise<Buffer> {
  return (await patternImage(width, height)).jpeg({ quality: 85 }).toBuffer();
}

export async function png(width: number, height: number): Promise<Buffer> {
  return (await patternImage(width, height)).png().toBuffer();
}

export async function webp(width: number, height: number): Promise<Buffer> {
  return (await patternImage(width, height)).webp({ quality: 80 }).toBuffer();
}

/** The smallest valid GIF: one transparent pixel. */
export const ONE_PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
