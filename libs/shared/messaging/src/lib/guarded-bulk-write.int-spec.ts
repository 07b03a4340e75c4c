import mongoose, { Connection } from 'mongoose';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { bulkWriteIdempotent } from './guarded-bulk-write';
import { ReadModelWrite, guardedUpsert } from './projection';

/** Against the real Mongo-compatible server: the compare-and-set form of the revision guard. */
describe('bulkWriteIdempotent (revision guards as compare-and-set)', () => {
  let mongo: Connection;
  const collection = () => mongo.collection<{ _id: string; revision?: number; count?: number; seen?: number[]; consentRevision?: number }>(name);
  let name: string;

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('guarded'))).asPromise();
  });
  beforeEach(() => {
    name = uniqueName('docs').replace(/-/g, '_');
  });
  afterAll(async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  const bump = (id: string, revision: number): ReadModelWrite =>
    guardedUpsert(id, BigInt(revision), { $inc: { count: 1 }, $push: { seen: revision } });

  it('applies several revisions of one document in one batch, each once and in order', async () => {
    await bulkWriteIdempotent(mongo, name, [bump('a', 0), bump('a', 1), bump('b', 0), bump('a', 2)]);
    expect(await collection().find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', revision: 2, count: 3, seen: [0, 1, 2] },
      { _id: 'b', revision: 0, count: 1, seen: [0] },
    ]);
  });

  it('ignores a redelivered batch and an older revision', async () => {
    const batch = [bump('a', 0), bump('a', 1)];
    await bulkWriteIdempotent(mongo, name, batch);
    await bulkWriteIdempotent(mongo, name, batch);
    await bulkWriteIdempotent(mongo, name, [bump('a', 0), bump('a', 2), bump('a', 1)]);
    expect(await collection().findOne({ _id: 'a' })).toEqual({ _id: 'a', revision: 2, count: 3, seen: [0, 1, 2] });
  });

  it('applies every revision exactly once when two writers race over the same documents', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `doc-${i}`);
    const all = ids.flatMap((id) => Array.from({ length: 10 }, (_, revision) => bump(id, revision)));
    // Two writers with overlapping work, as a rebuild's catch-up and the live runner.
    await Promise.all([
      (async () => {
        for (let i = 0; i < all.length; i += 25) await bulkWriteIdempotent(mongo, name, all.slice(i, i + 25));
      })(),
      (async () => {
        for (let i = 0; i < all.length; i += 40) await bulkWriteIdempotent(mongo, name, all.slice(i, i + 40));
      })(),
    ]);
    for (const document of await collection().find().toArray()) {
      expect(document).toMatchObject({ revision: 9, count: 10, seen: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    }
    expect(await collection().countDocuments()).toBe(20);
  });

  it('guards on another field, matching a document that does not have it yet', async () => {
    await bulkWriteIdempotent(mongo, name, [bump('c', 0)]);
    const consent = (revision: number): ReadModelWrite => ({
      updateOne: {
        filter: { _id: 'c', consentRevision: { $not: { $gte: revision } } },
        update: { $set: { consentRevision: revision }, $inc: { count: 10 } },
        upsert: true,
      },
    });
    await bulkWriteIdempotent(mongo, name, [consent(0), consent(1), consent(0)]);
    expect(await collection().findOne({ _id: 'c' })).toMatchObject({ revision: 0, consentRevision: 1, count: 21 });
  });

  it('writes unguarded operations as they are', async () => {
    await bulkWriteIdempotent(mongo, name, [{ insertOne: { document: { _id: 'x', count: 1 } } }, { insertOne: { document: { _id: 'x', count: 1 } } }]);
    expect(await collection().countDocuments()).toBe(1);
  });
});
