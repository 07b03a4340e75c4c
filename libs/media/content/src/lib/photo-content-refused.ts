export type PhotoRefusalCode = 'unsupported-type' | 'type-mismatch' | 'corrupt-image' | 'too-many-pixels' | 'unsafe-content';

const STATUS_BY_CODE: Readonly<Record<PhotoRefusalCode, 400 | 415>> = {
  'unsupported-type': 415,
  'type-mismatch': 415,
  'corrupt-image': 400,
  'too-many-pixels': 400,
  'unsafe-content': 400,
};

/**
 * Thrown for content that is refused; `status` is the HTTP status the API answers. The message
 * is written for the API's error body: it never contains file bytes, file names or a decoder's
 * own words (which may quote the input).
 */
export class PhotoContentRefused extends Error {
  readonly status: 400 | 415;

  constructor(
    readonly code: PhotoRefusalCode,
    message: string,
    /** The sniffed media type, e.g. 'text/html' or 'image/gif'; null when unknown. */
    readonly detectedType: string | null = null,
  ) {
    super(message);
    this.name = 'PhotoContentRefused';
    this.status = STATUS_BY_CODE[code];
  }
}
