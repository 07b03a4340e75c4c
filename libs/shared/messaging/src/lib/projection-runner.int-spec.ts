import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Connection } from 'mongoose';
import { SqliteEventStore } from '@salon/shared/event-store';
import { collectionHash, eventually, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { createMessagingClient } from './messaging-client';
import { KAFKA_CLIENT_KINDS } from './messaging-port';
import { appendInterleaved, counterProjection, toTestMessages } from '../testing/fixtures';
import { exitOf, startWorker, stopWorker } from '../testing/processes';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { EventRelay } from './event-relay';
import { ProjectionRunner } from './projection-runner';
import { ReadModelVersions } from './read-model-versions';
import { rebuildProjection } from './rebuild-projection';
import { createTopicsAndWait } from './topics-admin';

const STREAMS = 1_000;
const PER_STREAM = 10;
const TOTAL = STREAMS * PER_STREAM;

// Against each Kafka client behind the messaging port (KAFKA_CLIENT).
describe.each(KAFKA_CLIENT_KINDS)('ProjectionRunner, killed mid-batch and restarted, on %s', (kind) => {
  const directory = mkdtempSync(join(tmpdir(), 'projection-'));
  const database = uniqueName('projection');
  const topic = uniqueName('projection-fault');
  const prefix = `${uniqueName('counter')}-`;
  const name = uniqueName('counters').replace(/-/g, '_');
  const kafka = createMessagingClient({ clientId: 'projection-test', brokers: kafkaBrokers(), logLevel: 'nothing', kind });
  let store: SqliteEventStore;
  let mongo: Connection;

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(database)).asPromise();
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 6 }]);
    await admin.disconnect();

    store = new SqliteEventStore({ path: join(directory, 'events.db'), pollIntervalMs: 20 });
    await appendInterleaved(store, prefix, STREAMS, PER_STREAM);
    const producer = kafka.producer();
    await producer.connect();
    const relay = new EventRelay({
      name: 'projection-test-relay',
      store,
      streamPrefixes: [prefix],
      toMessages: toTestMessages(topic),
      producer,
      checkpoints: new InMemoryCheckpointStore(),
    });
    await relay.start();
    await eventually(async () => (relay.publishedCount === TOTAL ? true : undefined), 'the relay to publish the events');
    await relay.stop();
    await producer.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.disconnect();
    await store.close();
    await mongo.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('ends with the same read model as a rebuild from the event store', async () => {
    const env = { TOPIC: topic, PROJECTION_NAME: name, MONGO_URL: mongoUrl(database), KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_CLIENT: kind };

    const crashing = startWorker('../testing/projection-worker.ts', { ...env, CRASH_AFTER_MESSAGES: String(TOTAL / 2) });
    expect(await exitOf(crashing)).toEqual({ code: null, signal: 'SIGKILL' });
    const positions = mongo.collection<{ projection: string; offset: string }>('projection_positions');
    const storedOffsets = async () =>
      (await positions.find({ projection: name }).toArray()).reduce((sum, p) => sum + Number(p.offset), 0);
    expect(await storedOffsets()).toBeLessThan(TOTAL);

    const restarted = startWorker('../testing/projection-worker.ts', env);
    try {
      await eventually(async () => ((await storedOffsets()) === TOTAL ? true : undefined), 'the projection to catch up', {
        timeoutMs: 90_000,
      });
    } finally {
      await stopWorker(restarted);
    }

    const versions = new ReadModelVersions(mongo);
    const live = await collectionHash(mongo, await versions.activeCollection(`${name}_counters`));
    expect(live.count).toBe(STREAMS);
    const totals = await mongo
      .collection(`${name}_counters_v1`)
      .aggregate<{ events: number }>([{ $group: { _id: null, events: { $sum: '$events' } } }])
      .toArray();
    expect(totals[0].events).toBe(TOTAL); // no event applied twice, none lost

    const projection = counterProjection(name, topic);
    const result = await rebuildProjection({
      projection,
      runner: new ProjectionRunner(projection, kafka, mongo),
      store,
      mongo,
      streamPrefixes: [prefix],
      toMessages: toTestMessages(topic),
    });
    expect(result).toMatchObject({ version: 2, events: TOTAL, messages: TOTAL });
    expect(await versions.activeCollection(`${name}_counters`)).toBe(`${name}_counters_v2`);
    expect(await collectionHash(mongo, `${name}_counters_v2`)).toEqual(live);
  });
});
