/**
 * A projection runner in its own process, for the fault test. With CRASH_AFTER_MESSAGES set,
 * it SIGKILLs itself while the write of the batch that crosses that count is in flight.
 */
import { createMessagingClient } from '../lib/messaging-client';
import mongoose from 'mongoose';
import { ProjectionRunner } from '../lib/projection-runner';
import { counterProjection } from './fixtures';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const crashAfter = process.env.CRASH_AFTER_MESSAGES ? Number(process.env.CRASH_AFTER_MESSAGES) : undefined;
  const counters = counterProjection(env('PROJECTION_NAME'), env('TOPIC'));
  let seen = 0;
  const projection: typeof counters = {
    ...counters,
    // The batch is folded before it is written: a kill queued here lands while its write is in flight.
    evolve(document, message) {
      seen += 1;
      if (crashAfter !== undefined && seen === crashAfter) setImmediate(() => process.kill(process.pid, 'SIGKILL'));
      return counters.evolve(document, message);
    },
  };
  const mongo = await mongoose.createConnection(env('MONGO_URL')).asPromise();
  const kafka = createMessagingClient({ clientId: 'projection-worker', brokers: env('KAFKA_BROKERS').split(',') });
  const runner = new ProjectionRunner(projection, kafka, mongo, { sessionTimeout: 6_000, maxBytesPerPartition: 64 * 1024 });
  process.once('SIGTERM', () => {
    void runner.stop().then(() => mongo.close()).then(() => process.exit(0));
  });
  await runner.start();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
