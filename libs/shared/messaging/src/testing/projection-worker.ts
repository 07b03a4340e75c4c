/**
 * A projection runner in its own process, for the fault test. With CRASH_AFTER_MESSAGES set,
 * it SIGKILLs itself while the bulkWrite of the batch that crosses that count is in flight.
 */
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { Projection } from '../lib/projection';
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
  const projection: Projection = {
    ...counters,
    apply(messages) {
      seen += messages.length;
      if (crashAfter !== undefined && seen >= crashAfter) setImmediate(() => process.kill(process.pid, 'SIGKILL'));
      return counters.apply(messages);
    },
  };
  const mongo = await mongoose.createConnection(env('MONGO_URL')).asPromise();
  const kafka = new Kafka({ clientId: 'projection-worker', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.ERROR });
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
