import { TopicDefinition } from '@salon/contracts';
import type { MessagingAdmin, MessagingClient, TopicSpec } from './messaging-port';

/**
 * Creates the topics of the contract that do not exist yet. `prefix` namespaces every topic
 * (and consumer group) of one environment sharing a cluster, e.g. each test run.
 */
export async function ensureTopics(
  kafka: MessagingClient,
  definitions: readonly TopicDefinition[],
  { prefix = '', replicationFactor = 1 }: { prefix?: string; replicationFactor?: number } = {},
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = definitions.filter((topic) => !existing.has(prefix + topic.name));
    await createTopicsAndWait(
      admin,
      missing.map((topic) => ({
        topic: prefix + topic.name,
        numPartitions: topic.partitions,
        replicationFactor,
        configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
      })),
    );
    return missing.map((topic) => prefix + topic.name);
  } finally {
    await admin.disconnect();
  }
}

/** Creates topics and waits until every partition has a leader (each adapter knows how its client must wait). */
export async function createTopicsAndWait(admin: MessagingAdmin, topics: readonly TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics(topics);
}
