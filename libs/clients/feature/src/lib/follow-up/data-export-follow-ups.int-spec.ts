import { Client } from 'minio';
import { dataExportKey, dataExportPrefix, toClientStreamName } from '@salon/clients/domain';
import { RecordedEvent, SqliteEventStore } from '@salon/shared/event-store';
import { ObjectStore } from '@salon/shared/object-store';
import { minio, uniqueName } from '@salon/shared/testing';
import { DataExportStream } from '../client-data-export/data-export-stream';
import { dataPackageExpiry, dataPackagesOfRemovedClients } from './data-export-follow-ups';

/** The package's expiry and its removal on erasure, on an in-memory event store and the local MinIO, with a given clock. */
describe('data package follow-ups', () => {
  const server = minio();
  const bucket = uniqueName('package-follow-up');
  const objects = new ObjectStore({ endpoint: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`, accessKey: server.accessKey, secretKey: server.secretKey, bucket, versioning: true });
  const store = new SqliteEventStore({ path: ':memory:' });
  const exports = new DataExportStream(store);
  const tenantId = uniqueName('chain');
  const metadata = (now: Date) => ({ tenantId, correlationId: 'corr-1', causationId: 'corr-1', actorId: 'owner-1', now });

  beforeAll(() => objects.ensureBucket());
  afterAll(async () => {
    await objects.removeEverythingUnder('');
    await new Client(server).removeBucket(bucket);
    await store.close();
  });

  async function readyPackage(clientId: string, requestId: string, completedAt: Date): Promise<RecordedEvent> {
    await exports.record(clientId, { type: 'RequestDataExport', data: { clientId, requestId, client: 'active' }, metadata: metadata(completedAt) });
    // Two versions of the object: a package made again after a restart.
    await objects.put(dataExportKey(tenantId, clientId, requestId), Buffer.from('zip-1'), { contentType: 'application/zip' });
    await objects.put(dataExportKey(tenantId, clientId, requestId), Buffer.from('zip-2'), { contentType: 'application/zip' });
    await exports.record(clientId, { type: 'CompleteDataExport', data: { clientId, requestId, byteLength: 5, sha256: 'ab', retentionDays: 7 }, metadata: metadata(completedAt) });
    const events = await store.readStream(`data-exports-${clientId}`);
    return events[events.length - 1];
  }

  it('waits until DATA_EXPORT_RETENTION_DAYS are over, then deletes every version of the package and records it expired', async () => {
    const completedAt = new Date(Date.now() - 3 * 86_400_000);
    const completed = await readyPackage('c-expiry', 'r-1', completedAt);
    const expiresAt = completedAt.getTime() + 7 * 86_400_000;

    expect(await dataPackageExpiry(exports, objects, () => expiresAt - 1)(completed)).toBe('not-yet');
    expect(await objects.versionsUnder(dataExportKey(tenantId, 'c-expiry', 'r-1'))).toHaveLength(2);

    expect(await dataPackageExpiry(exports, objects, () => expiresAt)(completed)).toBe('done');
    expect(await objects.versionsUnder(dataExportKey(tenantId, 'c-expiry', 'r-1'))).toEqual([]);
    expect((await exports.state(tenantId, 'c-expiry')).requests['r-1'].status).toBe('expired');
    // Repeatable: a second pass finds nothing and records nothing.
    expect(await dataPackageExpiry(exports, objects, () => expiresAt)(completed)).toBe('done');
    expect((await store.readStream('data-exports-c-expiry')).map((event) => event.type)).toEqual(['ClientDataExportRequested', 'ClientDataExportCompleted', 'ClientDataExportExpired']);
  });

  it("removes every package of an erased client, and only that client's, once", async () => {
    await readyPackage('c-erased', 'r-1', new Date());
    await readyPackage('c-erased', 'r-2', new Date());
    await readyPackage('c-kept', 'r-3', new Date());
    const erased = {
      id: 'e-1',
      type: 'ClientErased',
      data: { clientId: 'c-erased', archivedNumber: 1, visitCount: 0, erasedAt: new Date().toISOString() },
      metadata: { ...metadata(new Date()), schemaVersion: 1 },
      streamName: toClientStreamName('c-erased'),
      revision: 3n,
      position: { commit: 1n, prepare: 1n },
      createdAt: new Date(),
    } satisfies RecordedEvent;

    const handle = dataPackagesOfRemovedClients(exports, objects);
    expect(await handle(erased)).toBe('done');
    expect(await handle(erased)).toBe('done');
    expect(await objects.versionsUnder(dataExportPrefix(tenantId, 'c-erased'))).toEqual([]);
    expect(await objects.versionsUnder(dataExportPrefix(tenantId, 'c-kept'))).toHaveLength(2);
    const state = await exports.state(tenantId, 'c-erased');
    expect([state.discarded, state.requests['r-1'].status, state.requests['r-2'].status]).toEqual([true, 'discarded', 'discarded']);
    expect((await store.readStream('data-exports-c-erased')).filter((event) => event.type === 'ClientDataExportsDiscarded')).toHaveLength(1);
  });
});
