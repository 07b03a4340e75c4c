import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { PhotoContentRefused, preparePhoto, RENDITION_SIZES, type PreparedPhoto } from '../index';
import { jpeg, ONE_PIXEL_GIF, png, webp } from '../test/generated-images';

async function refusalOf(promise: Promise<unknown>): Promise<PhotoContentRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PhotoContentRefused) return error;
    throw error;
  }
  throw new Error('expected the photo to be refused, it was accepted');
}

async function expectRenditionsOf(photo: PreparedPhoto, width: number, height: number): Promise<void> {
  expect(photo.renditions.map((rendition) => rendition.size)).toEqual([...RENDITION_SIZES]);
  for (const rendition of photo.renditions) {
    const scale = Math.min(1, rendition.size / Math.max(width, height));
    expect(rendition.contentType).toBe('image/webp');
    expect({ width: rendition.width, height: rendition.height }).toEqual({ width: Math.round(width * scale), height: Math.round(height * scale) });
    const metadata = await sharp(rendition.bytes).metadata();
    expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({
      format: 'webp',
      width: rendition.width,
      height: rendition.height,
    });
  }
}

describe('preparePhoto: raster formats sharp decodes', () => {
  it.each([
    ['jpeg', 'image/jpeg', 'photo.jpg', () => jpeg(1280, 960), 'image/jpeg', 'jpg'],
    ['png', 'image/png', 'photo.png', () => png(300, 500), 'image/png', 'png'],
    ['webp', 'image/webp', 'photo.webp', () => webp(1080, 720), 'image/webp', 'webp'],
  ] as const)('keeps a %s re-encoded in its format, with a webp per rendition size', async (format, declared, fileName, make, contentType, extension) => {
    const bytes = await make();
    const { width, height } = await sharp(bytes).metadata();
    if (!width || !height) throw new Error('the generated fixture has no dimensions');

    const photo = await preparePhoto({ bytes, declaredContentType: declared, fileName });

    expect({ format: photo.format, width: photo.width, height: photo.height }).toEqual({ format, width, height });
    expect({ contentType: photo.original.contentType, extension: photo.original.extension }).toEqual({ contentType, extension });
    expect((await sharp(photo.original.bytes).metadata()).format).toBe(format);
    await expectRenditionsOf(photo, width, height);
  });

  it('never enlarges a photo smaller than a rendition size', async () => {
    const photo = await preparePhoto({ bytes: await png(200, 100), declaredContentType: 'image/png' });

    expect(photo.renditions.map(({ size, width, height }) => ({ size, width, height }))).toEqual([
      { size: 256, width: 200, height: 100 },
      { size: 1024, width: 200, height: 100 },
    ]);
  });

  it('keeps no EXIF of a JPEG (GPS position included), and stands it up by its orientation tag', async () => {
    const base = await jpeg(400, 200);
    const withGps = await sharp(base)
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'Camera' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 13/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '21/1 0/1 0/1' },
      })
      .jpeg()
      .toBuffer();
    const input = await sharp(withGps).metadata();
    const withoutGps = await sharp(base).withExif({ IFD0: { Make: 'Camera' } }).jpeg().toBuffer();
    // The GPS directory is really in the upload: its EXIF is longer than the same EXIF without it.
    expect(input.exif?.includes(Buffer.from('Camera'))).toBe(true);
    expect(input.exif?.length).toBeGreaterThan((await sharp(withoutGps).metadata()).exif?.length ?? Number.POSITIVE_INFINITY);
    expect(input.orientation).toBe(6);

    const photo = await preparePhoto({ bytes: withGps, declaredContentType: 'image/jpeg', fileName: 'me.jpeg' });

    for (const bytes of [photo.original.bytes, ...photo.renditions.map((rendition) => rendition.bytes)]) {
      const metadata = await sharp(bytes).metadata();
      expect({ exif: metadata.exif, xmp: metadata.xmp, icc: metadata.icc, iptc: metadata.iptc, orientation: metadata.orientation }).toEqual({
        exif: undefined,
        xmp: undefined,
        icc: undefined,
        iptc: undefined,
        orientation: undefined,
      });
      expect(bytes.includes(Buffer.from('Exif\0'))).toBe(false);
    }
    // Orientation 6 is "rotate 90° clockwise to display": the kept pixels are already turned.
    expect({ width: photo.width, height: photo.height }).toEqual({ width: 200, height: 400 });
  });

  it('converts a photo with a wide-gamut ICC profile to sRGB before dropping the profile, so its colours stay', async () => {
    const srgbColour = { r: 200, g: 100, b: 50 };
    // sharp turns the sRGB colour into Display P3 numbers and embeds the P3 profile.
    const displayP3 = await sharp({ create: { width: 16, height: 16, channels: 3, background: srgbColour } }).withIccProfile('p3').png().toBuffer();
    const storedNumbers = await sharp(displayP3).keepIccProfile().raw().toBuffer();
    expect(Math.abs(storedNumbers[0] - srgbColour.r)).toBeGreaterThan(5);

    const photo = await preparePhoto({ bytes: displayP3, declaredContentType: 'image/png' });

    const kept = await sharp(photo.original.bytes).raw().toBuffer();
    expect((await sharp(photo.original.bytes).metadata()).icc).toBeUndefined();
    expect([kept[0], kept[1], kept[2]].map((value, channel) => Math.abs(value - [srgbColour.r, srgbColour.g, srgbColour.b][channel]) <= 2)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('keeps no trace of HTML appended after the PNG image data (a polyglot)', async () => {
    const payload = '<html><body><script>alert(document.cookie)</script></body></html>';
    const polyglot = Buffer.concat([await png(64, 64), Buffer.from(payload)]);

    const photo = await preparePhoto({ bytes: polyglot, declaredContentType: 'image/png', fileName: 'photo.png' });

    for (const bytes of [photo.original.bytes, ...photo.renditions.map((rendition) => rendition.bytes)]) {
      expect(bytes.includes(Buffer.from('<script'))).toBe(false);
      expect(bytes.includes(Buffer.from('html'))).toBe(false);
    }
  });
});

describe('preparePhoto: what it refuses', () => {
  it('refuses an HTML page named .png as text/html (415)', async () => {
    const page = Buffer.from('<!DOCTYPE html>\n<html><body><img src=x onerror="alert(1)"></body></html>');

    const refusal = await refusalOf(preparePhoto({ bytes: page, declaredContentType: 'image/png', fileName: 'photo.png' }));

    expect({ code: refusal.code, status: refusal.status, detectedType: refusal.detectedType }).toEqual({
      code: 'unsupported-type',
      status: 415,
      detectedType: 'text/html',
    });
    expect(refusal.message).not.toContain('photo.png');
  });

  it('refuses a script fragment without any HTML element around it as text/html', async () => {
    const refusal = await refusalOf(preparePhoto({ bytes: Buffer.from('  <script>alert(1)</script>'), declaredContentType: '' }));

    expect({ code: refusal.code, detectedType: refusal.detectedType }).toEqual({ code: 'unsupported-type', detectedType: 'text/html' });
  });

  it('refuses a GIF as an unsupported type naming image/gif (415)', async () => {
    const refusal = await refusalOf(preparePhoto({ bytes: ONE_PIXEL_GIF, declaredContentType: 'image/gif', fileName: 'a.gif' }));

    expect({ code: refusal.code, status: refusal.status, detectedType: refusal.detectedType }).toEqual({
      code: 'unsupported-type',
      status: 415,
      detectedType: 'image/gif',
    });
    expect(refusal.message).toContain('image/gif');
  });

  it('refuses bytes of no known type with detectedType null', async () => {
    const refusal = await refusalOf(preparePhoto({ bytes: Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), declaredContentType: 'image/png' }));

    expect({ code: refusal.code, status: refusal.status, detectedType: refusal.detectedType }).toEqual({
      code: 'unsupported-type',
      status: 415,
      detectedType: null,
    });
  });

  it('refuses JPEG bytes declared as image/png (415, naming what they are)', async () => {
    const refusal = await refusalOf(preparePhoto({ bytes: await jpeg(32, 32), declaredContentType: 'image/png' }));

    expect({ code: refusal.code, status: refusal.status, detectedType: refusal.detectedType }).toEqual({
      code: 'type-mismatch',
      status: 415,
      detectedType: 'image/jpeg',
    });
  });

  it.each(['photo.png', 'photo.jpg.html', 'photo.gif'])('refuses JPEG bytes named %s', async (fileName) => {
    const refusal = await refusalOf(preparePhoto({ bytes: await jpeg(32, 32), declaredContentType: 'image/jpeg', fileName }));

    expect(refusal.code).toBe('type-mismatch');
    expect(refusal.message).not.toContain(fileName);
  });

  it.each([
    ['image/jpg', 'IMG_0001.JPG'],
    ['image/jpeg; charset=binary', 'photo.jpeg'],
    ['application/octet-stream', 'photo'],
    ['', undefined],
  ])('accepts JPEG bytes declared %j and named %j: aliases, parameters and uninformative types agree', async (declaredContentType, fileName) => {
    const photo = await preparePhoto({ bytes: await jpeg(32, 32), declaredContentType, fileName });

    expect(photo.format).toBe('jpeg');
  });

  it('refuses a PNG declaring 20000×20000 pixels (a decompression bomb) before decoding it', async () => {
    const bomb = pngDeclaring(20_000, 20_000);

    const refusal = await refusalOf(preparePhoto({ bytes: bomb, declaredContentType: 'image/png' }));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'too-many-pixels', status: 400 });
  });

  it('refuses a truncated JPEG as a corrupt image (400)', async () => {
    const whole = await jpeg(800, 600);

    const refusal = await refusalOf(preparePhoto({ bytes: whole.subarray(0, Math.floor(whole.length / 2)), declaredContentType: 'image/jpeg' }));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'corrupt-image', status: 400 });
    expect(refusal.message).not.toMatch(/vips|jpeg:/i);
  });
});

describe('preparePhoto: damaged uploads', () => {
  it('refuses a PNG cut off inside its first chunk header as a corrupt image (file-type itself throws on it)', async () => {
    const whole = await png(16, 16);

    const refusal = await refusalOf(preparePhoto({ bytes: whole.subarray(0, 12), declaredContentType: 'image/png' }));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'corrupt-image', status: 400 });
  });

  it('answers every damaged version of each format with a photo or a PhotoContentRefused, nothing else', async () => {
    const seeds = [await jpeg(48, 32), await png(48, 32), await webp(48, 32), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="4" height="4"/></svg>')];
    // A fixed sequence, so a failure names a case that can be run again.
    let state = 20_240;
    const next = (bound: number) => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state % bound;
    };
    const outcomes = new Set<string>();
    for (const seed of seeds) {
      for (let round = 0; round < 15; round++) {
        const damaged = Buffer.from(seed);
        for (let flips = 1 + next(6); flips > 0; flips--) damaged[next(damaged.length)] = next(256);
        const input = round % 3 === 0 ? damaged.subarray(0, next(damaged.length)) : damaged;
        try {
          await preparePhoto({ bytes: input, declaredContentType: '' });
          outcomes.add('accepted');
        } catch (error) {
          if (!(error instanceof PhotoContentRefused)) throw new Error(`case ${seeds.indexOf(seed)}/${round} threw ${String(error)}`);
          outcomes.add(error.code);
        }
      }
    }
    expect(outcomes.has('corrupt-image')).toBe(true);
  });
});

/**
 * A PNG whose header declares width×height grey pixels. Its image data holds only the first rows:
 * the refusal must come from the header alone, and deflating 400 MB of zeros would cost the test
 * run more than a second.
 */
function pngDeclaring(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (data: Buffer) => {
    let c = 0xffffffff;
    for (const byte of data) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = deflateSync(Buffer.alloc((width + 1) * 16));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
