import { hkdfSync } from 'node:crypto';
import { DomainError } from '@salon/shared/ddd';
import { AuthenticationFailedError, KEY_BYTES, associatedData, generateKey, open, seal } from './aes-gcm';

/**
 * The one page-cursor codec of the product (keyset pagination of every list). A cursor holds the
 * sort values of the last item of a page, which may be personal data (a client's normalised
 * name), and cursors travel in URLs and access logs: so the position is sealed with AES-256-GCM,
 * never merely encoded. Nothing of it is readable without the key, and a cursor changed by a
 * single bit, or sealed under another key, is refused.
 *
 * The key is derived from the master key, so a cursor stays valid across restarts and instances
 * for as long as MASTER_KEY is the same, and there is no new secret to configure.
 */

/** A sort value as a cursor carries it: dates travel as ISO text, read back by the use's validator. */
export type CursorValue = string | number | boolean | null;

/**
 * Reads back the values a use put in its cursor: the typed position, or undefined when they are
 * not of the shape that use writes (then the cursor is refused). Only sealed values reach it.
 */
export type CursorValuesReader<T> = (values: readonly unknown[]) => T | undefined;

/** HKDF label: a key derived for cursors opens nothing else, and nothing else opens a cursor. */
const KEY_PURPOSE = 'salon:page-cursor:v1';
/** Bound into every cursor, so that a ciphertext made for another purpose under the same key is refused. */
const AAD = associatedData('page-cursor', 1);
/** The format byte in front: room to change the format or the key later without misreading old cursors. */
const FORMAT_V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/**
 * Plaintexts are padded to a multiple of this, so that a cursor's length tells little about the
 * length of the name inside (JSON ignores the trailing spaces).
 */
const PADDING_BLOCK = 32;
/** Far above any real cursor (a long name in four-byte characters and an id); refuses pasted garbage before any work. */
export const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const NOT_ISSUED = 'The cursor is not one this API returned';

export class CursorCodec {
  private constructor(private readonly key: Buffer) {}

  /** The codec of a service: its key is derived from the master key with HKDF and a purpose label. */
  static fromMasterKey(masterKey: Buffer): CursorCodec {
    if (masterKey.length !== KEY_BYTES) throw new Error(`A master key has ${KEY_BYTES} bytes, not ${masterKey.length}`);
    return new CursorCodec(cursorKey(masterKey));
  }

  /**
   * A codec with a random key, for code run outside a service (tests, tools): its cursors are
   * valid only for the life of this object.
   */
  static withEphemeralKey(): CursorCodec {
    return new CursorCodec(generateKey());
  }

  /** The cursor of the position `values` in a list sorted by `sort`: opaque, URL-safe text. */
  encode(sort: string, values: readonly CursorValue[]): string {
    const plaintext = padded(Buffer.from(JSON.stringify({ s: sort, k: values }), 'utf8'));
    const { iv, tag, data } = seal(this.key, plaintext, AAD);
    const cursor = Buffer.concat([Buffer.of(FORMAT_V1), iv, tag, data]).toString('base64url');
    // A cursor this codec would refuse must not be handed out: fail here, where the cause is known.
    if (cursor.length > MAX_CURSOR_LENGTH) throw new Error(`A cursor of ${cursor.length} characters exceeds ${MAX_CURSOR_LENGTH}`);
    return cursor;
  }

  /**
   * The position of a cursor this codec issued for a list sorted by `sort`, or DomainError
   * 'invalid-cursor' naming the field `cursor`. The reasons never quote the cursor or its content.
   */
  decode<T>(cursor: string, sort: string, read: CursorValuesReader<T>): T {
    const body = parseBody(this.openCursor(cursor));
    if (body.s !== sort) throw invalidCursor(`The cursor belongs to a list sorted by ${body.s}, not by ${sort}`);
    const position = read(body.k);
    if (position === undefined) throw invalidCursor(NOT_ISSUED);
    return position;
  }

  private openCursor(cursor: string): Buffer {
    if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalidCursor(NOT_ISSUED);
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT_V1) throw invalidCursor(NOT_ISSUED);
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const data = bytes.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      return open(this.key, { iv, tag, data }, AAD);
    } catch (error) {
      if (error instanceof AuthenticationFailedError) throw invalidCursor(NOT_ISSUED);
      throw error;
    }
  }
}

/** HKDF-SHA256 of the master key under the cursor purpose label (no salt: the master key is random). */
function cursorKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), KEY_PURPOSE, KEY_BYTES));
}

function padded(plaintext: Buffer): Buffer {
  const length = Math.ceil(plaintext.length / PADDING_BLOCK) * PADDING_BLOCK;
  return Buffer.concat([plaintext, Buffer.alloc(length - plaintext.length, ' ')]);
}

/**
 * A sealed body is one this codec wrote, so a bad shape means a bug or a key shared with another
 * writer; it is refused all the same rather than trusted.
 */
function parseBody(plaintext: Buffer): { s: string; k: readonly unknown[] } {
  let body: unknown;
  try {
    body = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw invalidCursor(NOT_ISSUED);
  }
  if (typeof body !== 'object' || body === null) throw invalidCursor(NOT_ISSUED);
  const { s, k } = body as { s?: unknown; k?: unknown };
  if (typeof s !== 'string' || !Array.isArray(k)) throw invalidCursor(NOT_ISSUED);
  return { s, k };
}

function invalidCursor(reason: string): DomainError {
  return DomainError.invalid('invalid-cursor', reason, { field: 'cursor' });
}
