import { createHash, createHmac, randomBytes } from 'node:crypto';
import { AuditSigner, auditKeyIdOf, auditSigningKey, canonicalJson, verifyAuditSeal } from './audit-signature';

describe('canonical JSON', () => {
  it('orders keys at every level, keeps array order, leaves undefined members out, adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' }, e: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}');
  });

  it('orders keys by UTF-16 code units and escapes strings as JSON does (RFC 8785)', () => {
    expect(canonicalJson({ é: 1, Z: 2, a: 3, '\u20ac': 4 })).toBe('{"Z":2,"a":3,"é":1,"€":4}');
    expect(canonicalJson('line\n"quoted"\u0001')).toBe('"line\\n\\"quoted\\"\\u0001"');
  });

  it('refuses what it could not spell one way: fractions, non-finite numbers, dates', () => {
    expect(() => canonicalJson(1.5)).toThrow(/safe integer/);
    expect(() => canonicalJson(Number.NaN)).toThrow(/safe integer/);
    expect(() => canonicalJson(new Date() as never)).toThrow(/not a JSON value/);
  });
});

describe('AuditSigner', () => {
  const masterKey = randomBytes(32);
  const signer = AuditSigner.fromMasterKey(masterKey);
  const document = { kind: 'test', clientId: 'client-1', stores: [{ store: 'media', confirmedAt: '2030-01-01T00:00:00.000Z' }] };

  it('seals the canonical bytes: SHA-256 digest and HMAC-SHA256 under the derived key, which an auditor can recompute', () => {
    const seal = signer.seal(document);
    const bytes = Buffer.from(canonicalJson(document), 'utf8');
    const key = auditSigningKey(masterKey);
    expect(seal.digest).toEqual({ algorithm: 'SHA-256', value: createHash('sha256').update(bytes).digest('hex') });
    expect(seal.signature).toEqual({ algorithm: 'HMAC-SHA256', keyId: auditKeyIdOf(key), value: createHmac('sha256', key).update(bytes).digest('base64url') });
    expect(key.equals(masterKey)).toBe(false);
    expect(verifyAuditSeal(document, seal, key)).toBe(true);
    // Key order is not part of the document: the same members in another order verify too.
    expect(signer.verify({ stores: document.stores, clientId: 'client-1', kind: 'test' }, seal)).toBe(true);
  });

  it('refuses a changed document, a changed signature, another key and another algorithm', () => {
    const seal = signer.seal(document);
    expect(signer.verify({ ...document, clientId: 'client-2' }, seal)).toBe(false);
    const flipped = Buffer.from(seal.signature.value, 'base64url');
    flipped[0] ^= 1;
    expect(signer.verify(document, { ...seal, signature: { ...seal.signature, value: flipped.toString('base64url') } })).toBe(false);
    expect(AuditSigner.fromMasterKey(randomBytes(32)).verify(document, seal)).toBe(false);
    expect(signer.verify(document, { ...seal, digest: { algorithm: 'MD5' as never, value: seal.digest.value } })).toBe(false);
  });

  it('names its key by an id that does not reveal it, the same for the same master key', () => {
    expect(signer.keyId).toMatch(/^audit-v1-[0-9a-f]{16}$/);
    expect(AuditSigner.fromMasterKey(Buffer.from(masterKey)).keyId).toBe(signer.keyId);
    expect(AuditSigner.fromMasterKey(randomBytes(32)).keyId).not.toBe(signer.keyId);
  });
});
