/**
 * A relay in its own process, for the fault test: it can be SIGKILLed like a crashed pod.
 * With CRASH_AFTER_POSITION set, it kills itself at the worst moment: right after the broker
 * acknowledged a batch that reaches that position, before the checkpoint is saved.
 */
import { createMessagingClient } from '../lib/messaging-client';
import mongoose from 'mongoose';
import { GlobalPosition, SqliteEventStore } from '@salon/shared/event-store';
import { CheckpointStore, MongoCheckpointStore } from '../lib/checkpoint-store';
import { EventRelay } from '../lib/event-relay';
import { toTestMessages } from './fixtures';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const crashAfter = process.env.CRASH_AFTER_POSITION ? BigInt(process.env.CRASH_AFTER_POSITION) : undefined;
  const mongo = await mongoose.createConnection(env('MONGO_URL')).asPromise();
  const stored = new MongoCheckpointStore(mongo);
  const checkpoints: CheckpointStore = {
    load: (name) => stored.load(name),
    save: async (name: string, position: GlobalPosition) => {
      if (crashAfter !== undefined && position.commit >= crashAfter) process.kill(process.pid, 'SIGKILL');
      await stored.save(name, position);
    },
  };
  const kafka = createMessagingClient({ clientId: 'relay-worker', brokers: env('KAFKA_BROKERS').split(',') });
  const producer = kafka.producer();
  await producer.connect();
  const relay = new EventRelay({
    name: env('RELAY_NAME'),
    store: new SqliteEventStore({ path: env('STORE_PATH'), pollIntervalMs: 20 }),
    streamPrefixes: [env('STREAM_PREFIX')],
    toMessages: toTestMessages(env('TOPIC')),
    producer,
    checkpoints,
    maxBatchSize: Number(process.env.MAX_BATCH_SIZE ?? 200),
  });
  process.once('SIGTERM', () => {
    void relay.stop().then(() => producer.disconnect()).then(() => mongo.close()).then(() => process.exit(0));
  });
  await relay.start();
  process.send?.('started');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
