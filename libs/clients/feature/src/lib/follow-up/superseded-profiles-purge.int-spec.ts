import mongoose, { Connection } from 'mongoose';
import { toClientStreamName } from '@salon/clients/domain';
import { RecordedEvent } from '@salon/shared/event-store';
import { ReadModelVersions } from '@salon/shared/messaging';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { CLIENT_PROFILES_COLLECTION } from '../projections/client-profiles/client-profile.document';
import { supersededProfilesPurge } from './superseded-profiles-purge';

const TENANT = 'chain-1';
const WAIT_MS = 600_000;
const v1 = `${CLIENT_PROFILES_COLLECTION}_v1`;
const v2 = `${CLIENT_PROFILES_COLLECTION}_v2`;

function removal(type: 'ClientErased' | 'ClientDeleted', clientId: string, createdAt: Date): RecordedEvent {
  return {
    id: `${type}-${clientId}`,
    type,
    data: { clientId },
    metadata: { tenantId: TENANT, correlationId: 'c', causationId: 'c', schemaVersion: 1 },
    streamName: toClientStreamName(clientId),
    revision: 1n,
    position: { commit: 1n, prepare: 1n },
    createdAt,
  };
}

const card = (clientId: string, status: string, extra: Record<string, unknown> = {}) => ({ _id: clientId, tenantId: TENANT, revision: 1, status, ...extra });

/**
 * The purge against the real MongoDB-compatible server, with the projection's cards written by
 * hand: where the projection stands when the erasure is handled is what the purge depends on.
 */
describe('supersededProfilesPurge', () => {
  const start = new Date('2030-01-01T10:00:00.000Z');
  let mongo: Connection;

  beforeEach(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('purge'))).asPromise();
  });
  afterEach(async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  it('removes the card from the superseded version, once the active version shows the erasure', async () => {
    await mongo.collection(v1).insertOne(card('c-1', 'active', { firstName: 'Ewa', phone: '+48601000001' }) as never);
    await mongo.collection(v2).insertOne(card('c-1', 'erased', { displayName: 'Archived client 1' }) as never);
    await new ReadModelVersions(mongo).switchTo(CLIENT_PROFILES_COLLECTION, 2);

    const purge = supersededProfilesPurge(mongo, WAIT_MS, () => start.getTime() + 1_000);
    expect(await purge(removal('ClientErased', 'c-1', start))).toBe('done');
    expect(await mongo.collection(v1).findOne({ _id: 'c-1' as never })).toBeNull();
    expect(await mongo.collection(v2).findOne({ _id: 'c-1' as never })).toMatchObject({ status: 'erased' });
  });

  it('comes back while the projection lags, and so reaches the version a rebuild switched away from meanwhile', async () => {
    // The erasure is in the event store; the live projection has not applied it to the active version 1 yet.
    await mongo.collection(v1).insertOne(card('c-2', 'active', { firstName: 'Olga', phone: '+48601000002' }) as never);
    const purge = supersededProfilesPurge(mongo, WAIT_MS, () => start.getTime() + 1_000);
    expect(await purge(removal('ClientErased', 'c-2', start))).toBe('not-yet');
    // Version 1 is the projection's to anonymise while it is active.
    expect(await mongo.collection(v1).findOne({ _id: 'c-2' as never })).toMatchObject({ firstName: 'Olga' });

    // A rebuild (which folded the erasure) switches readers to version 2 before the projection got to it.
    await mongo.collection(v2).insertOne(card('c-2', 'erased') as never);
    await new ReadModelVersions(mongo).switchTo(CLIENT_PROFILES_COLLECTION, 2);
    expect(await purge(removal('ClientErased', 'c-2', start))).toBe('done');
    expect(await mongo.collection(v1).findOne({ _id: 'c-2' as never })).toBeNull();
  });

  it('takes a deleted client out as well, and leaves the other clients and other chains alone', async () => {
    await mongo.collection(v1).insertMany([
      card('c-3', 'active', { firstName: 'Deleted' }),
      card('c-4', 'active', { firstName: 'Kept' }),
      { ...card('c-5', 'active'), tenantId: 'chain-other' },
    ] as never[]);
    await mongo.collection(v2).insertMany([card('c-3', 'deleted'), card('c-4', 'active'), { ...card('c-5', 'active'), tenantId: 'chain-other' }] as never[]);
    await new ReadModelVersions(mongo).switchTo(CLIENT_PROFILES_COLLECTION, 2);

    const purge = supersededProfilesPurge(mongo, WAIT_MS, () => start.getTime());
    expect(await purge(removal('ClientDeleted', 'c-3', start))).toBe('done');
    // An event of this chain with another chain's id takes nothing of that chain.
    await purge(removal('ClientErased', 'c-5', start));
    expect((await mongo.collection(v1).find().toArray()).map((document) => document._id).sort()).toEqual(['c-4', 'c-5']);
  });

  it('stops waiting for the projection after the grace period', async () => {
    await mongo.collection(v1).insertOne(card('c-6', 'active') as never);
    const purge = supersededProfilesPurge(mongo, WAIT_MS, () => start.getTime() + WAIT_MS);
    expect(await purge(removal('ClientErased', 'c-6', start))).toBe('done');
  });

  it('ignores every other event', async () => {
    const purge = supersededProfilesPurge(mongo, WAIT_MS, () => start.getTime());
    expect(await purge({ ...removal('ClientErased', 'c-7', start), type: 'ClientProfileEdited' })).toBe('done');
  });
});
