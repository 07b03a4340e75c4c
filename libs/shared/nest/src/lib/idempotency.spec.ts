import { HttpException } from '@nestjs/common';
import {
  BindingCollection,
  BindingDocument,
  IdempotencyKeyReusedException,
  IdempotencyKeys,
  RequestIdentity,
  canonicalJson,
  fingerprintSecret,
  requestFingerprint,
} from './idempotency';

describe('canonicalJson', () => {
  it('writes objects with sorted keys at every level, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('leaves out undefined members as JSON does, and writes undefined as null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it('writes strings and keys escaped', () => {
    expect(canonicalJson({ '"k"': 'a"b\n' })).toBe('{"\\"k\\"":"a\\"b\\n"}');
  });
});

describe('requestFingerprint', () => {
  const secret = fingerprintSecret(Buffer.alloc(32, 7));
  const register: RequestIdentity = {
    useCase: 'RegisterClientController.register',
    userId: 'desk-1',
    params: {},
    query: {},
    body: { phone: '+48601000011', firstName: 'Anna' },
  };

  it('is the same for the same request written another way', () => {
    const reordered = { ...register, body: { firstName: 'Anna', phone: '+48601000011' } };
    expect(requestFingerprint(secret, reordered)).toBe(requestFingerprint(secret, register));
  });

  it('differs with the body, the user, the use case or the path parameters', () => {
    const fingerprint = requestFingerprint(secret, register);
    for (const other of [
      { ...register, body: { phone: '+48601000012', firstName: 'Anna' } },
      { ...register, userId: 'desk-2' },
      { ...register, useCase: 'BookVisitController.book' },
      { ...register, params: { clientId: 'c-1' } },
      { ...register, query: { dryRun: 'true' } },
    ]) {
      expect(requestFingerprint(secret, other)).not.toBe(fingerprint);
    }
  });

  it('counts a missing body as an empty one', () => {
    expect(requestFingerprint(secret, { ...register, body: undefined })).toBe(requestFingerprint(secret, { ...register, body: {} }));
  });

  it('is keyed: it shows nothing of the body without the secret', () => {
    const fingerprint = requestFingerprint(secret, register);
    expect(fingerprint).not.toContain('48601000011');
    expect(requestFingerprint(fingerprintSecret(Buffer.alloc(32, 8)), register)).not.toBe(fingerprint);
  });
});

/** A collection with MongoDB's duplicate-key behaviour on `_id`. */
class InMemoryBindings implements BindingCollection {
  readonly documents = new Map<string, BindingDocument>();

  async insertOne(document: BindingDocument): Promise<void> {
    if (this.documents.has(document._id)) throw Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
    this.documents.set(document._id, document);
  }

  async findOne({ _id }: { _id: string }): Promise<BindingDocument | null> {
    return this.documents.get(_id) ?? null;
  }

  async deleteOne({ _id, claimId }: { _id: string; claimId: string }): Promise<void> {
    if (this.documents.get(_id)?.claimId === claimId) this.documents.delete(_id);
  }
}

describe('IdempotencyKeys', () => {
  const identity: RequestIdentity = { useCase: 'Register.register', userId: 'desk-1', params: {}, query: {}, body: { phone: '+48601000011' } };
  const different: RequestIdentity = { ...identity, body: { phone: '+48601000012' } };
  let bindings: InMemoryBindings;
  let keys: IdempotencyKeys;

  beforeEach(() => {
    bindings = new InMemoryBindings();
    keys = new IdempotencyKeys(bindings, fingerprintSecret(Buffer.alloc(32, 1)));
  });

  it('binds a new key to the request, and lets an identical request through as a retry', async () => {
    await expect(keys.claim('chain-1', 'key-00000001', identity)).resolves.toMatchObject({ kind: 'first' });
    await expect(keys.claim('chain-1', 'key-00000001', identity)).resolves.toMatchObject({ kind: 'retry' });
    // One binding, under the chain and an HMAC of the key: the key itself is never stored.
    const ids = [...bindings.documents.keys()];
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^chain-1\|[A-Za-z0-9_-]{43}$/);
    expect(ids[0]).not.toContain('key-00000001');
  });

  it('refuses the key for a different request with 422 naming the header', async () => {
    await keys.claim('chain-1', 'key-00000001', identity);
    const refusal = await keys.claim('chain-1', 'key-00000001', different).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(IdempotencyKeyReusedException);
    expect((refusal as HttpException).getStatus()).toBe(422);
    expect((refusal as HttpException).getResponse()).toMatchObject({
      error: 'idempotency-key-reused',
      errors: [{ field: 'Idempotency-Key', reason: 'was already used for a different request' }],
    });
  });

  it('keeps the keys of chains apart', async () => {
    await keys.claim('chain-1', 'key-00000001', identity);
    await expect(keys.claim('chain-2', 'key-00000001', different)).resolves.toMatchObject({ kind: 'first' });
  });

  it('frees a key its first request released, for a corrected request', async () => {
    const claim = await keys.claim('chain-1', 'key-00000001', identity);
    await claim.release();
    await expect(keys.claim('chain-1', 'key-00000001', different)).resolves.toMatchObject({ kind: 'first' });
  });

  it('never lets a retry release the binding of the first request', async () => {
    await keys.claim('chain-1', 'key-00000001', identity);
    const retry = await keys.claim('chain-1', 'key-00000001', identity);
    await retry.release();
    await expect(keys.claim('chain-1', 'key-00000001', different)).rejects.toBeInstanceOf(IdempotencyKeyReusedException);
  });

  it('stores no personal data: the fingerprint is keyed', async () => {
    await keys.claim('chain-1', 'key-00000001', identity);
    expect(JSON.stringify([...bindings.documents.values()])).not.toContain('601000011');
  });

  it('answers 503 when the bindings cannot be read, so nothing is done unchecked', async () => {
    const down = new IdempotencyKeys(
      { insertOne: () => Promise.reject(new Error('connection refused')), findOne: async () => null, deleteOne: async () => undefined },
      fingerprintSecret(Buffer.alloc(32, 1)),
    );
    const refusal = await down.claim('chain-1', 'key-00000001', identity).catch((error: unknown) => error);
    expect((refusal as HttpException).getStatus()).toBe(503);
  });
});
