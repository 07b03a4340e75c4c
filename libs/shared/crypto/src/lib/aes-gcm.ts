import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM, the one cipher of this library, for data keys and personal data alike. */
const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly data: Buffer;
}

/** The ciphertext, its tag or its associated data were changed, or the key is not the one used. */
export class AuthenticationFailedError extends Error {
  constructor() {
    super('AES-256-GCM authentication failed');
    this.name = 'AuthenticationFailedError';
  }
}

export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * The associated data binds a ciphertext to its context (purpose, tenant, subject) without storing
 * it: the same context must be given to open it. JSON keeps the parts unambiguous.
 */
export function associatedData(...parts: readonly (string | number)[]): Buffer {
  return Buffer.from(JSON.stringify(parts), 'utf8');
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  assertKeyLength(key);
  // A fresh random IV per message: 96 bits keep collisions negligible for the few messages a key sees.
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), data };
}

export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  assertKeyLength(key);
  // Fixing the tag length refuses truncated tags, which GCM would otherwise accept.
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new AuthenticationFailedError();
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.data), decipher.final()]);
  } catch {
    throw new AuthenticationFailedError();
  }
}

function assertKeyLength(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`An AES-256 key has ${KEY_BYTES} bytes, not ${key.length}`);
}
