import type { Kafka } from 'kafkajs';
import { TopicDefinition } from '@salon/contracts';

/**
 * Creates the topics of the contract that do not exist yet. `prefix` namespaces every topic
 * (and consumer group) of one environment sharing a cluster, e.g. each test run.
 */
export async function ensureTopics(
  kafka: Kafka,
  definitions: readonly TopicDefinition[],
  { prefix = '', replicationFactor = 1 }: { prefix?: string; replicationFactor?: number } = {},
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = definitions.filter((topic) => !existing.has(prefix + topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: prefix + topic.name,
          numPartitions: topic.partitions,
          replicationFactor,
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return missing.map((topic) => prefix + topic.name);
  } finally {
    await admin.disconnect();
  }
}
