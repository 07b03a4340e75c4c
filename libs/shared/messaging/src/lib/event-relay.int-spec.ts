import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagingClient } from './messaging-port';
import mongoose, { Connection } from 'mongoose';
import { HEADERS } from '@salon/contracts';
import { SqliteEventStore } from '@salon/shared/event-store';
import { eventually, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { createMessagingClient } from './messaging-client';
import { KAFKA_CLIENT_KINDS } from './messaging-port';
import { appendInterleaved } from '../testing/fixtures';
import { exitOf, startWorker, stopWorker } from '../testing/processes';
import { MongoCheckpointStore } from './checkpoint-store';
import { createTopicsAndWait } from './topics-admin';

const STREAMS = 1_000;
const PER_STREAM = 10;
const TOTAL = STREAMS * PER_STREAM;

// Against each Kafka client behind the messaging port (KAFKA_CLIENT).
describe.each(KAFKA_CLIENT_KINDS)('EventRelay, killed halfway and restarted, on %s', (kind) => {
  const directory = mkdtempSync(join(tmpdir(), 'relay-'));
  const storePath = join(directory, 'events.db');
  const database = uniqueName('relay');
  const topic = uniqueName('relay-fault');
  const prefix = `${uniqueName('counter')}-`;
  const relayName = uniqueName('relay');
  const kafka = createMessagingClient({ clientId: 'relay-test', brokers: kafkaBrokers(), logLevel: 'nothing', kind });
  let mongo: Connection;

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(database)).asPromise();
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 6 }]);
    await admin.disconnect();
    const store = new SqliteEventStore({ path: storePath });
    await appendInterleaved(store, prefix, STREAMS, PER_STREAM);
    await store.close();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.disconnect();
    await mongo.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('publishes all 10,000 events at least once, in stream order per key', async () => {
    const env = {
      STORE_PATH: storePath,
      TOPIC: topic,
      STREAM_PREFIX: prefix,
      RELAY_NAME: relayName,
      MONGO_URL: mongoUrl(database),
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_CLIENT: kind,
      MAX_BATCH_SIZE: '250',
    };
    const checkpoints = new MongoCheckpointStore(mongo);

    // 1. Crash right after the broker acknowledged the batch that reaches event 5,000, before
    //    the checkpoint is saved: the worst moment, which forces a re-send.
    const crashing = startWorker('../testing/relay-worker.ts', { ...env, CRASH_AFTER_POSITION: String(TOTAL / 2) });
    expect(await exitOf(crashing)).toEqual({ code: null, signal: 'SIGKILL' });
    const atCrash = await checkpoints.load(relayName);
    expect(atCrash?.commit ?? 0n).toBeLessThan(BigInt(TOTAL / 2));

    // 2. Restart; it resumes from the stored checkpoint and finishes.
    const resumed = startWorker('../testing/relay-worker.ts', env);
    try {
      await eventually(
        async () => ((await checkpoints.load(relayName))?.commit === BigInt(TOTAL) ? true : undefined),
        'the restarted relay to publish everything',
        { timeoutMs: 60_000 },
      );
    } finally {
      await stopWorker(resumed);
    }

    // 3. A consumer of the topic sees every event, de-duplicated by event id, in order per key.
    const received = await consumeAll(kafka, topic);
    const firstSeen = new Map<string, { key: string; revision: number }>();
    for (const message of received) if (!firstSeen.has(message.eventId)) firstSeen.set(message.eventId, message);
    expect(firstSeen.size).toBe(TOTAL);
    expect(received.length).toBeGreaterThan(TOTAL); // the crash re-sent the unacknowledged-by-checkpoint batch

    const revisionsByKey = new Map<string, number[]>();
    for (const { key, revision } of firstSeen.values()) revisionsByKey.set(key, [...(revisionsByKey.get(key) ?? []), revision]);
    expect(revisionsByKey.size).toBe(STREAMS);
    const inOrder = [...Array(PER_STREAM).keys()];
    for (const revisions of revisionsByKey.values()) expect(revisions).toEqual(inOrder);
  });
});

async function consumeAll(kafka: MessagingClient, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  const endOffsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = endOffsets.reduce((sum, partition) => sum + Number(partition.high), 0);

  const received: { eventId: string; key: string; revision: number }[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('relay-check'), sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push({
        eventId: message.headers![HEADERS.eventId]!.toString(),
        key: message.key!.toString(),
        revision: Number(message.headers![HEADERS.streamRevision]!.toString()),
      });
    },
  });
  try {
    await eventually(async () => (received.length >= expected ? true : undefined), `${expected} messages`, { timeoutMs: 60_000 });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
