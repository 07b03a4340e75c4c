import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Connection } from 'mongoose';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { EventRelay, InMemoryCheckpointStore, MessagingClient, createMessagingClient, createTopicsAndWait, headersOf } from '@salon/shared/messaging';
import { eventually, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { GuestEvent, GuestState, GuestCommand, guestCatalog, guestDecider, guestIdOf } from '../testing/guest-book';
import { CommandHandler } from './command-handler';
import { EventCodec } from './event-codec';

const REPO_ROOT = join(__dirname, '../../../../..');
const KAFKA_DATA_DIR = process.env.KAFKA_DATA_DIR ?? join(process.env.LOCAL_DIR ?? join(REPO_ROOT, '.local'), 'data/kafka');

/**
 * Erasure by crypto-shredding, checked on the raw bytes: after the client's key is deleted,
 * neither the event store file nor the Kafka topic (as consumed, and as segment files on the
 * broker's disk) holds the personal values, and the stream still reads.
 */
describe('crypto-shredding', () => {
  const directory = mkdtempSync(join(tmpdir(), 'shredding-'));
  const storePath = join(directory, 'events.db');
  const topic = uniqueName('shredding');
  const kafka = createMessagingClient({ clientId: 'shredding-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  let mongo: Connection;

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('shredding'))).asPromise();
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1 }]);
    await admin.disconnect();
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

  it('leaves no personal value in the event store file or on Kafka, and the stream still reads', async () => {
    const keys = new MongoKeyStore(mongo, parseMasterKey(Buffer.alloc(32, 7).toString('base64')));
    const codec = new EventCodec(guestCatalog, new PersonalDataCipher(keys), guestIdOf);
    const store = new SqliteEventStore({ path: storePath, pollIntervalMs: 20 });
    const handler = new CommandHandler<GuestState, GuestCommand, GuestEvent>(store, guestDecider, codec);
    const guestId = randomUUID();
    const stream = `guest-${guestId}`;
    const personal = { name: 'Ярослава Wiśniewska-Qxz', phone: '+48601987654', renamed: 'Zbigniewa Qxzówna' };
    const metadata = () => ({ tenantId: 'chain-1', correlationId: randomUUID(), causationId: randomUUID(), now: new Date() });

    await handler.handle(stream, { type: 'SignIn', data: { guestId, name: personal.name, phone: personal.phone }, metadata: metadata() });
    await handler.handle(stream, { type: 'Rename', data: { guestId, name: personal.renamed }, metadata: metadata() });

    // The relay publishes the stored payload as it is: still encrypted.
    const producer = kafka.producer();
    await producer.connect();
    const relay = new EventRelay({
      name: 'shredding',
      store,
      streamPrefixes: ['guest-'],
      toMessages: (event) => [{ topic, key: guestId, value: JSON.stringify(event.data), headers: headersOf(event) }],
      producer,
      checkpoints: new InMemoryCheckpointStore(),
    });
    await relay.start();
    await eventually(async () => (relay.publishedCount === 2 ? true : undefined), 'the relay to publish');
    await relay.stop();
    await producer.disconnect();

    // Before erasure the values are readable through the key.
    expect((await handler.load(stream, 'chain-1')).state).toEqual({ status: 'signed-in', name: personal.renamed });

    await keys.deleteKey('chain-1', guestId);

    const needles = Object.values(personal).flatMap((value) => [value, ...value.split(/[\s-]/).filter((w) => w.length > 4)]);
    const storeBytes = Buffer.concat(
      [storePath, `${storePath}-wal`].filter(existsSync).map((file) => readFileSync(file)),
    );
    for (const needle of needles) expect(storeBytes.includes(Buffer.from(needle))).toBe(false);

    const consumed = await consumeRaw(kafka, topic, 2);
    for (const needle of needles) expect(consumed.includes(Buffer.from(needle))).toBe(false);

    const segments = readdirSync(KAFKA_DATA_DIR).filter((name) => name.startsWith(`${topic}-`));
    expect(segments.length).toBeGreaterThan(0);
    const onDisk = Buffer.concat(
      segments.flatMap((dir) =>
        readdirSync(join(KAFKA_DATA_DIR, dir)).map((file) => readFileSync(join(KAFKA_DATA_DIR, dir, file))),
      ),
    );
    for (const needle of needles) expect(onDisk.includes(Buffer.from(needle))).toBe(false);

    // Reading still works; the personal fields read as erased.
    const events = await Promise.all((await store.readStream(stream)).map((e) => codec.decode(e)));
    expect(events.map((e) => e.data)).toEqual([
      { guestId, visits: 1, piiErased: true },
      { guestId, piiErased: true },
    ]);
    await store.close();
  });
});

async function consumeRaw(kafka: MessagingClient, topic: string, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let messages = 0;
  const consumer = kafka.consumer({ groupId: uniqueName('shredding-check') });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      chunks.push(message.key ?? Buffer.alloc(0), message.value ?? Buffer.alloc(0));
      for (const value of Object.values(message.headers ?? {})) chunks.push(Buffer.from(String(value)));
      messages += 1;
    },
  });
  try {
    await eventually(async () => (messages >= count ? true : undefined), `${count} messages`);
  } finally {
    await consumer.disconnect();
  }
  return Buffer.concat(chunks);
}
