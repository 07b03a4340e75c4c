import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of audit documents (the erasure certificate): a document an auditor keeps and checks
 * later, without access to the product. The document is written as canonical JSON, its SHA-256
 * digest says "these exact bytes", and an HMAC-SHA256 under a key derived from the master key says
 * "issued by a service holding MASTER_KEY". An auditor is given the derived key (never the master
 * key, which HKDF does not reveal) and its id; docs/erasure.md shows how to check by hand.
 */

/** A JSON value as audit documents hold them: no undefined, no non-finite numbers. */
export type CanonicalJsonValue = string | number | boolean | null | readonly CanonicalJsonValue[] | { readonly [key: string]: CanonicalJsonValue | undefined };

/**
 * JSON with object keys in ascending UTF-16 code-unit order at every level, no whitespace, arrays
 * in their order, members whose value is undefined left out. For the values audit documents hold
 * (strings, safe integers, booleans, null) this is the JSON Canonicalization Scheme (RFC 8785):
 * JavaScript's own string escaping and integer formatting are what it prescribes. Anything else
 * (a fraction, a non-finite number, a Date, a function) is refused rather than written in a way
 * another implementation might spell differently.
 */
export function canonicalJson(value: CanonicalJsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonicalJson: ${value} is not a safe integer`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item as CanonicalJsonValue)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const object = value as { readonly [key: string]: CanonicalJsonValue | undefined };
    const members = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] as CanonicalJsonValue)}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`);
}

/** What travels beside a signed document. */
export interface AuditSeal {
  /** SHA-256 of the document's canonical JSON (UTF-8), hex. */
  readonly digest: { readonly algorithm: 'SHA-256'; readonly value: string };
  /** HMAC-SHA256 of the same bytes under the key `keyId` names, base64url without padding. */
  readonly signature: { readonly algorithm: 'HMAC-SHA256'; readonly keyId: string; readonly value: string };
}

/** HKDF label: the audit signing key signs nothing else, and no other key of the product signs audit documents. */
export const AUDIT_SIGNATURE_KEY_PURPOSE = 'salon:audit-signature:v1';
const KEY_BYTES = 32;

export class AuditSigner {
  /** Names the key without revealing it: `audit-v1-` and the first 16 hex digits of SHA-256 of the key. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length < KEY_BYTES) throw new Error(`An audit signing key has at least ${KEY_BYTES} bytes`);
    this.keyId = auditKeyIdOf(key);
  }

  /** HKDF-SHA256 of the master key (no salt: it is random), info AUDIT_SIGNATURE_KEY_PURPOSE, 32 bytes. */
  static fromMasterKey(masterKey: Buffer): AuditSigner {
    return new AuditSigner(auditSigningKey(masterKey));
  }

  seal(document: CanonicalJsonValue): AuditSeal {
    const bytes = Buffer.from(canonicalJson(document), 'utf8');
    return {
      digest: { algorithm: 'SHA-256', value: createHash('sha256').update(bytes).digest('hex') },
      signature: { algorithm: 'HMAC-SHA256', keyId: this.keyId, value: createHmac('sha256', this.key).update(bytes).digest('base64url') },
    };
  }

  /** True when the seal is this key's, over exactly this document. */
  verify(document: CanonicalJsonValue, seal: AuditSeal): boolean {
    return verifyAuditSeal(document, seal, this.key);
  }
}

/** The audit signing key of a master key: what an auditor is given to verify (docs/erasure.md). */
export function auditSigningKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), AUDIT_SIGNATURE_KEY_PURPOSE, KEY_BYTES));
}

export function auditKeyIdOf(key: Buffer): string {
  return `audit-v1-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * What an auditor runs: the digest and the signature recomputed from the document and compared
 * (the signature in constant time); the key id must be the key's.
 */
export function verifyAuditSeal(document: CanonicalJsonValue, seal: AuditSeal, key: Buffer): boolean {
  if (seal?.digest?.algorithm !== 'SHA-256' || seal?.signature?.algorithm !== 'HMAC-SHA256') return false;
  if (seal.signature.keyId !== auditKeyIdOf(key)) return false;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(canonicalJson(document), 'utf8');
  } catch {
    return false;
  }
  if (createHash('sha256').update(bytes).digest('hex') !== seal.digest.value) return false;
  const expected = createHmac('sha256', key).update(bytes).digest();
  const given = Buffer.from(String(seal.signature.value), 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
