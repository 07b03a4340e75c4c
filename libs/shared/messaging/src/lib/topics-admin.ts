import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
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

/**
 * Creates topics and waits until every partition has a leader. kafkajs' own `waitForLeaders`
 * only retries LEADER_NOT_AVAILABLE, but a Kafka 4 broker answers a topic it created a moment
 * ago with UNKNOWN_TOPIC_OR_PARTITION until its metadata cache catches up, so we poll ourselves.
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({ waitForLeaders: false, topics });
  const names = topics.map((topic) => topic.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      const ready = metadata.length === names.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Topics ${names.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
