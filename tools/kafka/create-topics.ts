/**
 * Creates every topic of the contract (libs/contracts) that does not exist yet.
 * Used by deploy/local/infra.sh after the broker is up; safe to run any number of times.
 *
 *   node -r @swc-node/register tools/kafka/create-topics.ts
 */
import { Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS } from '@salon/contracts';
import { ensureTopics } from '@salon/shared/messaging';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`).split(',');
  const kafka = new Kafka({ clientId: 'create-topics', brokers, logLevel: logLevel.WARN });
  const created = await ensureTopics(kafka, ALL_TOPICS, {
    prefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
    replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
  });
  console.log(`topics: ${ALL_TOPICS.length} in the contract, ${created.length} created (${created.join(', ') || 'none'})`);
}

main().catch((error) => {
  console.error(`create-topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
