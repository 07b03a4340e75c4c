import mongoose, { Connection } from 'mongoose';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { groupByDocument } from './document-fold';
import { DomainError } from '@salon/shared/ddd';
import { classifyFailure } from './failure-classification';
import { writeFolded, writeOf } from './guarded-bulk-write';
import { IncomingMessage } from './integration-message';
import { Projection, ReadModelDocument } from './projection';

interface Bumped extends ReadModelDocument {
  count?: number;
  seen?: number[];
  consentRevision?: number;
}

/** Against the real Mongo-compatible server: folded documents written with a compare-and-set on the revision read. */
describe('writeFolded (one compare-and-set write per document)', () => {
  let mongo: Connection;
  const collection = () => mongo.collection<Bumped>(name);
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

  const message = (key: string, revision: number, topic = 'counts'): IncomingMessage =>
    ({ topic, partition: 0, offset: '0', key, eventId: `${key}-${revision}`, eventType: 'Bumped', schemaVersion: 1, tenantId: 't', correlationId: 'c', causationId: 'c', streamRevision: BigInt(revision), data: { by: topic === 'consent' ? 10 : 1 } }) as IncomingMessage;
  const bump = (id: string, revision: number) => message(id, revision);
  // Counting and listing what it saw: applying anything twice or out of order would show.
  const bumps: Projection<Bumped> = {
    name: 'bumps',
    topics: ['counts', 'consent'],
    collections: ['bumps'],
    canHandle: () => true,
    documentId: (m) => m.key,
    evolve: (document, m) => ({
      ...document,
      _id: m.key,
      count: (document?.count ?? 0) + (m.data as { by: number }).by,
      ...(m.topic === 'counts' ? { seen: [...(document?.seen ?? []), Number(m.streamRevision)] } : {}),
    }),
  };
  const write = (projection: Projection<Bumped>, messages: IncomingMessage[]) => writeFolded(collection(), projection, groupByDocument(projection, messages));

  it('applies several revisions of one document in one batch, each once and in order', async () => {
    await write(bumps, [bump('a', 0), bump('a', 1), bump('b', 0), bump('a', 2)]);
    expect(await collection().find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', revision: 2, count: 3, seen: [0, 1, 2] },
      { _id: 'b', revision: 0, count: 1, seen: [0] },
    ]);
  });

  it('ignores a redelivered batch and an older revision', async () => {
    const batch = [bump('a', 0), bump('a', 1)];
    await write(bumps, batch);
    await write(bumps, batch);
    await write(bumps, [bump('a', 0), bump('a', 2), bump('a', 1)]);
    expect(await collection().findOne({ _id: 'a' })).toEqual({ _id: 'a', revision: 2, count: 3, seen: [0, 1, 2] });
  });

  it('applies every revision exactly once when two writers race over the same documents', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `doc-${i}`);
    const all = ids.flatMap((id) => Array.from({ length: 10 }, (_, revision) => bump(id, revision)));
    // Two writers with overlapping work, as a rebuild's catch-up and the live runner.
    await Promise.all([
      (async () => {
        for (let i = 0; i < all.length; i += 25) await write(bumps, all.slice(i, i + 25));
      })(),
      (async () => {
        for (let i = 0; i < all.length; i += 40) await write(bumps, all.slice(i, i + 40));
      })(),
    ]);
    for (const document of await collection().find().toArray()) {
      expect(document).toMatchObject({ revision: 9, count: 10, seen: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    }
    expect(await collection().countDocuments()).toBe(20);
  });

  it('guards on another field, matching a document that does not have it yet', async () => {
    await write(bumps, [bump('c', 0)]);
    const twoSources: Projection<Bumped> = { ...bumps, revisionPath: (m) => (m.topic === 'consent' ? ['consentRevision'] : ['revision']) };
    const consent = (revision: number) => message('c', revision, 'consent');
    await write(twoSources, [consent(0), consent(1), consent(0)]);
    expect(await collection().findOne({ _id: 'c' })).toMatchObject({ revision: 0, consentRevision: 1, count: 21 });
  });

  describe("another tenant's document under a colliding _id", () => {
    const foreign = { _id: 'x', tenantId: 'other-chain', revision: 0, count: 41, seen: [0] };
    const tenantsBumps: Projection<Bumped> = { ...bumps, evolve: (document, m) => ({ ...bumps.evolve(document, m), tenantId: m.tenantId }) };

    it('is never matched by the compare-and-set the runner sends for this tenant', async () => {
      await collection().insertOne(foreign);
      // As if read at the same revision: the filter still names this tenant, so nothing matches.
      const replace = writeOf('x', 't', { ...foreign, tenantId: 't' }, { _id: 'x', tenantId: 't', revision: 1, count: 1 }, 'revision');
      const remove = writeOf('x', 't', { ...foreign, tenantId: 't' }, null, 'revision');
      const result = await collection().bulkWrite([replace, remove].filter((op) => op !== undefined), { ordered: false });
      expect(result.matchedCount + result.deletedCount).toBe(0);
      expect(await collection().findOne({ _id: 'x' })).toEqual(foreign);
    });

    it('refuses the message (a conflict, dead-lettered alone) and leaves that document as it was', async () => {
      await collection().insertOne(foreign);
      const rejected = write(tenantsBumps, [bump('x', 1), bump('y', 0)]);
      await expect(rejected).rejects.toBeInstanceOf(DomainError);
      await expect(rejected).rejects.toMatchObject({ kind: 'conflict', code: 'document-of-another-tenant' });
      expect(classifyFailure(await rejected.catch((error: unknown) => error))).toBe('permanent');
      expect(await collection().findOne({ _id: 'x' })).toEqual(foreign);
    });

    it('refuses a batch whose messages of two tenants map to one document', async () => {
      await expect(write(tenantsBumps, [bump('z', 0), { ...bump('z', 1), tenantId: 'other-chain' }])).rejects.toMatchObject({ code: 'document-of-two-tenants' });
      expect(await collection().countDocuments({ _id: 'z' })).toBe(0);
    });
  });

  it('reads only the fields a projection names, and still applies each revision once', async () => {
    await write(bumps, [bump('r', 0)]);
    // evolve sees no count (not read) and starts from 100: the stored count would have been 1.
    const snapshot: Projection<Bumped> = { ...bumps, readFields: ['seen'], evolve: (document, m) => ({ _id: m.key, count: 100 + (document?.count ?? 0), seen: [...(document?.seen ?? []), Number(m.streamRevision)] }) };
    await write(snapshot, [bump('r', 0), bump('r', 1)]);
    expect(await collection().findOne({ _id: 'r' })).toEqual({ _id: 'r', revision: 1, count: 100, seen: [0, 1] });
  });

  it('deletes a document evolve returns null for, once', async () => {
    const deleting: Projection<Bumped> = { ...bumps, evolve: (document, m) => (Number(m.streamRevision) === 1 ? null : bumps.evolve(document, m)) };
    await write(deleting, [bump('d', 0)]);
    await write(deleting, [bump('d', 0), bump('d', 1)]);
    expect(await collection().countDocuments()).toBe(0);
  });
});
