/**
 * Creates every topic of the contract (libs/contracts) that does not exist yet.
 * Used by deploy/local/infra.sh after the broker is up; safe to run any number of times.
 *
 *   node -r @swc-node/register tools/kafka/create-topics.ts
 */
import { Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS } from '@salon/contracts';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`).split(',');
  const admin = new Kafka({ clientId: 'create-topics', brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    console.log(`topics: ${ALL_TOPICS.length} in the contract, ${missing.length} created (${missing.map((t) => t.name).join(', ') || 'none'})`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(`create-topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
