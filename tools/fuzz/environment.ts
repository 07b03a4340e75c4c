/**
 * The fuzz run's own corner of the local servers: its prefixed topics, consumer groups, database
 * and photo bucket.
 *
 *   node -r @swc-node/register tools/fuzz/environment.ts clean
 *
 * Reads KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, MONGO_URL (the fuzz database), MEDIA_BUCKET and
 * MINIO_* from the environment. Topics are created by tools/kafka/create-topics.ts with the same prefix.
 */
import { createMessagingClient } from '@salon/shared/messaging';
import { cleanUpServiceEnvironment } from '@salon/shared/testing';
import { removeBucket } from '../../apps/media-service/src/test/media-test-kit';

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command !== 'clean') throw new Error('usage: environment.ts clean');
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const mongoUrl = process.env.MONGO_URL;
  // Never the shared environment: an empty prefix would delete everybody's topics.
  if (!prefix || !mongoUrl) throw new Error('KAFKA_TOPIC_PREFIX and MONGO_URL must name the fuzz run');
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
  const kafka = createMessagingClient({ clientId: 'fuzz-clean-up', brokers, logLevel: 'nothing' });
  await cleanUpServiceEnvironment(kafka, prefix, mongoUrl);
  // Only the run's own bucket (named after the run, like the prefix).
  const bucket = process.env.MEDIA_BUCKET;
  if (bucket && prefix.startsWith(bucket)) await removeBucket(bucket);
  // The services' consumer groups too (empty once the services stopped), so runs leave nothing.
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (await admin.listGroups()).filter((groupId) => groupId.includes(prefix));
    if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`fuzz environment: ${error.message}\n`);
  process.exit(1);
});
