import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { PhotoContentRefused, preparePhoto } from '../index';
import { HeicDecoder } from './heic-decoder';
import { prepareHeicPhoto } from './prepare-heic-photo';

const fixture = (name: string) => readFileSync(join(__dirname, '../test/fixtures', name));
/** HEVC-coded (hvc1) by x265 through heif-enc; see the README next to it. */
const heic = fixture('photo-480x320.heic');

async function refusalOf(promise: Promise<unknown>): Promise<PhotoContentRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PhotoContentRefused) return error;
    throw error;
  }
  throw new Error('expected the photo to be refused, it was accepted');
}

describe('preparePhoto: HEIC (HEVC) decoded by libheif in a worker thread', () => {
  it('keeps an HEVC-coded HEIC as a JPEG and renders its webp sizes', async () => {
    expect(heic.includes(Buffer.from('hvc1'))).toBe(true);

    const photo = await preparePhoto({ bytes: heic, declaredContentType: 'image/heic', fileName: 'IMG_0042.HEIC' });

    expect({ format: photo.format, width: photo.width, height: photo.height }).toEqual({ format: 'heic', width: 480, height: 320 });
    expect({ contentType: photo.original.contentType, extension: photo.original.extension }).toEqual({ contentType: 'image/jpeg', extension: 'jpg' });
    const original = await sharp(photo.original.bytes).metadata();
    expect({ format: original.format, width: original.width, height: original.height, exif: original.exif }).toEqual({
      format: 'jpeg',
      width: 480,
      height: 320,
      exif: undefined,
    });
    expect(photo.renditions.map(({ size, width, height, contentType }) => ({ size, width, height, contentType }))).toEqual([
      { size: 256, width: 256, height: 171, contentType: 'image/webp' },
      { size: 1024, width: 480, height: 320, contentType: 'image/webp' },
    ]);
    // The fixture's left edge is a red gradient stop, its centre-right a green rectangle: real pixels came through.
    const { data } = await sharp(photo.original.bytes).extract({ left: 360, top: 160, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect({ redBelowGreen: data[0] < data[1], greenBright: data[1] > 120 }).toEqual({ redBelowGreen: true, greenBright: true });
  });

  it('accepts image/heif and .heif for the same bytes', async () => {
    const photo = await preparePhoto({ bytes: heic, declaredContentType: 'image/heif', fileName: 'photo.heif' });

    expect(photo.format).toBe('heic');
  });

  it('refuses a HEIC declaring 7000×6000 pixels from its header, before decoding it', async () => {
    const refusal = await refusalOf(preparePhoto({ bytes: fixture('uniform-7000x6000.heic'), declaredContentType: 'image/heic' }));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'too-many-pixels', status: 400 });
  });

  it('refuses a truncated HEIC as a corrupt image', async () => {
    const refusal = await refusalOf(preparePhoto({ bytes: heic.subarray(0, Math.floor(heic.length * 0.6)), declaredContentType: 'image/heic' }));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'corrupt-image', status: 400 });
  });

  it('queues uploads that arrive together: each gets its own photo', async () => {
    const photos = await Promise.all([1, 2, 3].map(() => preparePhoto({ bytes: heic, declaredContentType: 'image/heic' })));

    expect(photos.map((photo) => [photo.width, photo.height])).toEqual([
      [480, 320],
      [480, 320],
      [480, 320],
    ]);
  });

  it('stops a decode that overruns its time limit, and the next decode gets a fresh worker', async () => {
    // Starting a worker and loading libheif's WASM alone takes far longer than 1 ms.
    const impatient = new HeicDecoder({ timeLimitMs: 1, idleMs: 1_000, maxPixels: 40_000_000 });
    try {
      const refusal = await refusalOf(prepareHeicPhoto(heic, impatient));
      expect(refusal.code).toBe('corrupt-image');
    } finally {
      await impatient.close();
    }
    const patient = new HeicDecoder({ timeLimitMs: 30_000, idleMs: 1_000, maxPixels: 40_000_000 });
    try {
      const photo = await prepareHeicPhoto(heic, patient);
      expect(photo.width).toBe(480);
    } finally {
      await patient.close();
    }
  });
});
