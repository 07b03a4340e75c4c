import sharp, { type Sharp } from 'sharp';

/** A photo-like raster (random noise does not compress, so sizes are realistic) of the given size. */
export async function noiseImage(width: number, height: number): Promise<Sharp> {
  const pixels = Buffer.alloc(width * height * 3);
  // A fixed linear congruential sequence: the same image on every run, no Math.random.
  let state = 12345;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = state >>> 24;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

export async function jpeg(width: number, height: number): Promise<Buffer> {
  return (await noiseImage(width, height)).jpeg({ quality: 85 }).toBuffer();
}

export async function png(width: number, height: number): Promise<Buffer> {
  return (await noiseImage(width, height)).png().toBuffer();
}

export async function webp(width: number, height: number): Promise<Buffer> {
  return (await noiseImage(width, height)).webp({ quality: 80 }).toBuffer();
}

/** The smallest valid GIF: one transparent pixel. */
export const ONE_PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
