import { randomBytes } from 'node:crypto';
import mongoose, { Connection, mongo } from 'mongoose';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { DataKeyUnwrapError } from './data-key-wrapper';
import { DataKeyErasedError } from './key-store.port';
import { DATA_KEYS_COLLECTION, MongoKeyStore } from './mongo-key-store';

// Against the real MongoDB-compatible server (MONGO_URL, default the local one on 127.0.0.1:27018),
// in a database of its own that is dropped afterwards.
describe('MongoKeyStore', () => {
  const TENANT = 'chain-1';
  const masterKey = randomBytes(32);
  let connection: Connection;
  let store: MongoKeyStore;

  beforeAll(async () => {
    const url = mongoUrl(uniqueName('crypto_keys'));
    try {
      connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
    } catch (error) {
      throw new Error(`Cannot reach MongoDB at ${url} (${String(error)}). Start it with "npm run infra start".`);
    }
    store = new MongoKeyStore(connection, masterKey);
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  const rawDocuments = (subjectId: string) =>
    connection.collection(DATA_KEYS_COLLECTION).find({ tenantId: TENANT, subjectId }).toArray();

  it('creates one key when several processes ask for it at once', async () => {
    const otherProcess = new MongoKeyStore(connection, masterKey);
    const keys = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : otherProcess).getOrCreateKey(TENANT, 'client-race')),
    );
    expect(keys[0]).toHaveLength(32);
    expect(keys.every((key) => key.equals(keys[0]))).toBe(true);
    expect(await rawDocuments('client-race')).toHaveLength(1);
    expect(await store.findKey(TENANT, 'client-race')).toEqual(keys[0]);
  });

  it('keeps the key per tenant and subject behind a unique index', async () => {
    const key = await store.getOrCreateKey(TENANT, 'client-1');
    expect(await store.getOrCreateKey('chain-2', 'client-1')).not.toEqual(key);
    const indexes = await connection.collection(DATA_KEYS_COLLECTION).indexes();
    expect(indexes).toContainEqual(expect.objectContaining({ key: { tenantId: 1, subjectId: 1 }, unique: true }));
  });

  it('stores the key wrapped, never its raw bytes', async () => {
    const key = await store.getOrCreateKey(TENANT, 'client-wrapped');
    const [document] = await rawDocuments('client-wrapped');
    const bytes = Buffer.from(mongo.BSON.serialize(document));
    expect(bytes.includes(key)).toBe(false);
    expect(bytes.includes(key.subarray(0, 8))).toBe(false);
    expect(document).toMatchObject({ tenantId: TENANT, subjectId: 'client-wrapped', wrappedKey: { v: 1 } });
  });

  it('deletes a key for good, leaving a tombstone that forbids a new key', async () => {
    await store.getOrCreateKey(TENANT, 'client-erased');
    expect(await store.keyDeletedAt(TENANT, 'client-erased')).toBeUndefined();
    await store.deleteKey(TENANT, 'client-erased');
    const firstDeletion = await store.keyDeletedAt(TENANT, 'client-erased');
    // Idempotent, and a repeat a moment later keeps the first deletion's time (the erasure certificate shows it).
    await clockPast(firstDeletion as Date);
    await store.deleteKey(TENANT, 'client-erased');
    expect(await store.keyDeletedAt(TENANT, 'client-erased')).toEqual(firstDeletion);

    const documents = await rawDocuments('client-erased');
    expect(documents).toHaveLength(1);
    expect(documents[0]['deletedAt']).toBeInstanceOf(Date);
    expect(documents[0]['wrappedKey']).toBeUndefined();
    expect(await store.findKey(TENANT, 'client-erased')).toBeUndefined();
    expect(await store.wasErased(TENANT, 'client-erased')).toBe(true);
    await expect(store.getOrCreateKey(TENANT, 'client-erased')).rejects.toBeInstanceOf(DataKeyErasedError);
    expect(await rawDocuments('client-erased')).toHaveLength(1);
  });

  it('forbids a key for a subject erased before it ever had one', async () => {
    await store.deleteKey(TENANT, 'client-never-keyed');
    await expect(store.getOrCreateKey(TENANT, 'client-never-keyed')).rejects.toThrow(/was deleted/);
    expect(await store.wasErased(TENANT, 'client-never-keyed')).toBe(true);
    expect(await store.wasErased(TENANT, 'client-unknown')).toBe(false);
    expect(await store.keyDeletedAt(TENANT, 'client-never-keyed')).toBeInstanceOf(Date);
    expect(await store.keyDeletedAt(TENANT, 'client-unknown')).toBeUndefined();
  });

  it('answers a creation tried first (likelyNew) exactly as a lookup first: the existing key, or the erasure', async () => {
    const existing = await store.getOrCreateKey(TENANT, 'client-known');
    await expect(store.getOrCreateKey(TENANT, 'client-known', { likelyNew: true })).resolves.toEqual(existing);
    expect(await rawDocuments('client-known')).toHaveLength(1);

    await store.deleteKey(TENANT, 'client-gone');
    await expect(store.getOrCreateKey(TENANT, 'client-gone', { likelyNew: true })).rejects.toBeInstanceOf(DataKeyErasedError);

    const otherProcess = new MongoKeyStore(connection, masterKey);
    const raced = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? store : otherProcess).getOrCreateKey(TENANT, 'client-new', { likelyNew: true })),
    );
    expect(raced.every((key) => key.equals(raced[0]))).toBe(true);
    expect(await rawDocuments('client-new')).toHaveLength(1);
    expect(await store.findKey(TENANT, 'client-new')).toEqual(raced[0]);
  });

  it('fails clearly when the master key is not the one that wrapped the keys', async () => {
    await store.getOrCreateKey(TENANT, 'client-master');
    const misconfigured = new MongoKeyStore(connection, randomBytes(32));
    await expect(misconfigured.findKey(TENANT, 'client-master')).rejects.toBeInstanceOf(DataKeyUnwrapError);
    await expect(misconfigured.getOrCreateKey(TENANT, 'client-master')).rejects.toThrow(/MASTER_KEY/);
  });
});

/** Returns once the clock has passed `instant` by a millisecond, so a second deletion has a later time of its own. */
async function clockPast(instant: Date): Promise<void> {
  while (Date.now() <= instant.getTime()) await new Promise((resolve) => setImmediate(resolve));
}
