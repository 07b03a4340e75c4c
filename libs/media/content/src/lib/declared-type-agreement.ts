import type { PhotoFormat } from './photo-content';
import { PhotoContentRefused } from './photo-content-refused';

/**
 * What "agree" means between the upload's words and the sniffed bytes:
 *  - the declared content type (parameters and case ignored) must be one of the sniffed format's
 *    names below; `image/jpg` and `image/pjpeg` are common aliases of JPEG, `image/heif` of HEIC.
 *    An empty declared type or `application/octet-stream` says nothing (browsers and multipart
 *    clients send it for files they do not know), so the bytes decide;
 *  - a file name's last extension (case ignored) must be one of the sniffed format's extensions
 *    (jpeg/jpg, png, webp, heic/heif, svg). No file name, or a name without an extension, says
 *    nothing; any other extension (`photo.png.html`, `photo.gif`) disagrees.
 */
const DECLARED_TYPES: Readonly<Record<PhotoFormat, readonly string[]>> = {
  jpeg: ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  png: ['image/png'],
  webp: ['image/webp'],
  heic: ['image/heic', 'image/heif'],
  svg: ['image/svg+xml'],
};

const EXTENSIONS: Readonly<Record<PhotoFormat, readonly string[]>> = {
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
  webp: ['webp'],
  heic: ['heic', 'heif'],
  svg: ['svg'],
};

const UNINFORMATIVE_TYPES = new Set(['', 'application/octet-stream']);

export function assertDeclaredTypeAgrees(sniffed: { format: PhotoFormat; mediaType: string }, declaredContentType: string, fileName?: string): void {
  const declared = declaredContentType.split(';')[0].trim().toLowerCase();
  if (!UNINFORMATIVE_TYPES.has(declared) && !DECLARED_TYPES[sniffed.format].includes(declared)) {
    throw mismatch(sniffed.mediaType, 'declared content type');
  }
  const extension = extensionOf(fileName);
  if (extension !== null && !EXTENSIONS[sniffed.format].includes(extension)) {
    throw mismatch(sniffed.mediaType, "file name's extension");
  }
}

function extensionOf(fileName: string | undefined): string | null {
  if (!fileName) return null;
  // A path a client sends along (C:\photos\me.jpg) counts by its last segment only.
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : null;
}

function mismatch(detectedType: string, what: string): PhotoContentRefused {
  // Neither the declared type nor the file name is repeated: both are the caller's words.
  return new PhotoContentRefused('type-mismatch', `The photo's ${what} does not match its content (${detectedType}).`, detectedType);
}
