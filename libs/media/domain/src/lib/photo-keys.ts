/**
 * Where a client's photo objects live in the bucket. Keys are made of ids only (the chain, the
 * client id, a random photo id): object keys reach access logs, listings and metrics, and cannot
 * be shredded, so nothing of the person is ever in them.
 *
 *   tenant/<tenant>/client/<client>/photo/<photoId>/original.<ext>
 *   tenant/<tenant>/client/<client>/photo/<photoId>/<size>.webp
 */
export function clientPrefix(tenantId: string, clientId: string): string {
  return `tenant/${segment(tenantId, 'tenant')}/client/${segment(clientId, 'client')}/`;
}

export function photoPrefix(tenantId: string, clientId: string, photoId: string): string {
  return `${clientPrefix(tenantId, clientId)}photo/${segment(photoId, 'photo')}/`;
}

export function originalKey(tenantId: string, clientId: string, photoId: string, extension: string): string {
  return `${photoPrefix(tenantId, clientId, photoId)}original.${segment(extension, 'extension')}`;
}

export function renditionKey(tenantId: string, clientId: string, photoId: string, size: number): string {
  return `${photoPrefix(tenantId, clientId, photoId)}${size}.webp`;
}

/** A key segment must be an id: a "/" or ".." would let one client's key reach another's prefix. */
function segment(value: string, what: string): string {
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(value) || value === '.' || value === '..') throw new Error(`not an id for an object key: ${what}`);
  return value;
}
