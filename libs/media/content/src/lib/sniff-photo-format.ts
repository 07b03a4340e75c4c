import { fromBuffer } from 'file-type';
import type { PhotoFormat } from './photo-content';
import { PhotoContentRefused } from './photo-content-refused';

/** Raster types file-type recognises that are photos here, by the MIME type it reports. */
const RASTER_FORMAT_BY_SNIFFED_MIME: Readonly<Record<string, PhotoFormat>> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  // An animated PNG is still a PNG: sharp reads (and keeps) its first frame.
  'image/apng': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heic',
};

/**
 * Start tags that make a browser sniff a document as HTML (WHATWG MIME Sniffing, "identifying a
 * resource with an unknown MIME type"), plus the elements that run code wherever they appear.
 */
const HTML_START_TAGS = /^<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|object|embed|svg:script|meta|form|img|link|base)[\s/>]/i;
const HTML_ANYWHERE = /<(?:script|html|body|iframe|object|embed|meta\s+http-equiv)[\s/>]/i;

/** How much of a text document is looked at to find its root element. */
const PROLOG_SCAN_CHARS = 64 * 1024;

export interface SniffedPhoto {
  readonly format: PhotoFormat;
  /** The media type the format is known by, for the agreement check and the error bodies. */
  readonly mediaType: string;
}

/**
 * What the bytes are, whatever the upload says. Raster formats are recognised by their magic
 * numbers (file-type); an SVG is an XML document whose root element is `svg`; HTML or script is
 * refused as `text/html` (a photo named `.png` that a browser would run as a page).
 */
export async function sniffPhotoFormat(bytes: Buffer): Promise<SniffedPhoto> {
  const sniffed = await sniffMagicNumbers(bytes);
  if (sniffed) {
    const rasterFormat = RASTER_FORMAT_BY_SNIFFED_MIME[sniffed.mime];
    if (rasterFormat) return { format: rasterFormat, mediaType: rasterFormat === 'heic' ? 'image/heic' : sniffed.mime };
    // file-type reports any document starting with `<?xml` as XML; whether it is an SVG is ours to say.
    if (sniffed.mime !== 'application/xml') throw unsupported(sniffed.mime);
  }
  const text = textOf(bytes);
  if (text === null) throw unsupported(sniffed?.mime ?? null);
  const root = rootElementOf(text);
  if (root !== null && /^(?:[A-Za-z_][\w.-]*:)?svg$/.test(root.name)) return { format: 'svg', mediaType: 'image/svg+xml' };
  if ((root !== null && HTML_START_TAGS.test(text.slice(root.offset))) || HTML_START_TAGS.test(text.trimStart()) || HTML_ANYWHERE.test(text)) {
    throw unsupported('text/html');
  }
  throw unsupported(root !== null ? 'application/xml' : (sniffed?.mime ?? null));
}

/** file-type reads deeper than the magic number for some formats (PNG chunks) and throws when the file ends first. */
async function sniffMagicNumbers(bytes: Buffer): Promise<{ mime: string } | undefined> {
  try {
    return await fromBuffer(bytes);
  } catch {
    throw new PhotoContentRefused('corrupt-image', 'The photo could not be decoded: the image data is corrupt or truncated.');
  }
}

function unsupported(detectedType: string | null): PhotoContentRefused {
  const named = detectedType ? ` (${detectedType})` : '';
  return new PhotoContentRefused(
    'unsupported-type',
    `The photo's content${named} is not one of the accepted formats: jpeg, png, webp, heic, svg.`,
    detectedType,
  );
}

/** The document as text when it is UTF-8 without NUL bytes (binary data is no SVG or HTML). */
function textOf(bytes: Buffer): string | null {
  const head = bytes.subarray(0, PROLOG_SCAN_CHARS);
  if (head.includes(0)) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * The first element's name and where it starts, after the XML declaration, processing
 * instructions, comments and a DOCTYPE (whose internal subset may contain `>`); null when the
 * text does not start like markup.
 */
function rootElementOf(text: string): { name: string; offset: number } | null {
  let at = 0;
  const limit = Math.min(text.length, PROLOG_SCAN_CHARS);
  while (at < limit) {
    while (at < limit && /\s/.test(text[at])) at++;
    if (text[at] !== '<') return null;
    if (text.startsWith('<?', at)) {
      const end = text.indexOf('?>', at + 2);
      if (end < 0) return null;
      at = end + 2;
    } else if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return null;
      at = end + 3;
    } else if (/^<!doctype/i.test(text.slice(at, at + 9))) {
      const subsetStart = text.indexOf('[', at);
      const firstClose = text.indexOf('>', at);
      if (firstClose < 0) return null;
      if (subsetStart >= 0 && subsetStart < firstClose) {
        const subsetEnd = text.indexOf(']', subsetStart);
        if (subsetEnd < 0) return null;
        const close = text.indexOf('>', subsetEnd);
        if (close < 0) return null;
        at = close + 1;
      } else {
        at = firstClose + 1;
      }
    } else {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(at, at + 256));
      return name ? { name: name[1], offset: at } : null;
    }
  }
  return null;
}
