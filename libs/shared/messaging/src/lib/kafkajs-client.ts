import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import type { Admin, Consumer, Message, Producer, RecordMetadata } from 'kafkajs';
import type {
  GroupConsumer,
  MessageProducer,
  MessagingAdmin,
  MessagingClient,
  MessagingClientSettings,
  OutgoingRecord,
  ProducedRecord,
  TopicMessages,
  TopicSpec,
} from './messaging-port';

/** The messaging port on kafkajs 2.2 (unmaintained since 2023; KAFKA_CLIENT=kafkajs). */
export function kafkajsClient(settings: MessagingClientSettings): MessagingClient {
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: settings.logLevel === 'nothing' ? logLevel.NOTHING : logLevel.WARN,
  });
  return {
    kind: 'kafkajs',
    producer: () => kafkajsProducer(kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })),
    consumer: ({ groupId, sessionTimeout, maxBytesPerPartition, restartOnFailure = true }) =>
      kafkajsConsumer(
        kafka.consumer({
          groupId,
          sessionTimeout,
          maxBytesPerPartition,
          allowAutoTopicCreation: false,
          // Without restarts the supervisor starts a new consumer for every crash, whatever kafkajs thinks of the error.
          retry: restartOnFailure ? undefined : { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000, restartOnFailure: async () => false },
        }),
      ),
    admin: () => kafkajsAdmin(kafka.admin()),
  };
}

function kafkajsProducer(producer: Producer): MessageProducer {
  const sendBatch = async (topicMessages: readonly TopicMessages[]): Promise<ProducedRecord[]> =>
    landed(
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: topicMessages.map(({ topic, messages }) => ({ topic, messages: messages.map(toMessage) })),
      }),
    );
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    send: (request) => sendBatch([request]),
    sendBatch: ({ topicMessages }) => sendBatch(topicMessages),
  };
}

function toMessage({ key, value, headers, partition }: OutgoingRecord): Message {
  return { key, value, partition, headers: headers ? { ...headers } : undefined };
}

function landed(metadata: RecordMetadata[]): ProducedRecord[] {
  return metadata.map((record) => ({ topic: record.topicName, partition: record.partition, offset: record.baseOffset ?? record.offset ?? '' }));
}

function kafkajsConsumer(consumer: Consumer): GroupConsumer {
  return {
    connect: () => consumer.connect(),
    disconnect: () => consumer.disconnect(),
    subscribe: ({ topics, fromBeginning }) => consumer.subscribe({ topics: [...topics], fromBeginning }),
    run: ({ eachBatch, eachMessage, ...settings }) =>
      consumer.run({
        ...settings,
        eachBatch: eachBatch && ((payload) => eachBatch(payload)),
        eachMessage: eachMessage && (({ topic, partition, message }) => eachMessage({ topic, partition, message })),
      }),
    commitOffsets: (offsets) => consumer.commitOffsets([...offsets]),
    on: (event, listener) => {
      if (event === 'group.join') consumer.on(consumer.events.GROUP_JOIN, () => (listener as () => void)());
      else consumer.on(consumer.events.CRASH, ({ payload }) => (listener as (error: Error, restart: boolean) => void)(payload.error, payload.restart));
    },
  };
}

function kafkajsAdmin(admin: Admin): MessagingAdmin {
  return {
    connect: () => admin.connect(),
    disconnect: () => admin.disconnect(),
    describeCluster: () => admin.describeCluster(),
    listTopics: () => admin.listTopics(),
    createTopics: (topics) => createTopicsAndWait(admin, topics),
    deleteTopics: (topics) => admin.deleteTopics({ topics: [...topics], timeout: 10_000 }),
    listGroups: async () => (await admin.listGroups()).groups.map((group) => group.groupId),
    deleteGroups: async (groupIds) => {
      await admin.deleteGroups([...groupIds]);
    },
    fetchTopicOffsets: async (topic) => (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
    fetchOffsets: ({ groupId, topics }) => admin.fetchOffsets({ groupId, topics: topics && [...topics] }),
    setOffsets: ({ groupId, topic, partitions }) => admin.setOffsets({ groupId, topic, partitions: [...partitions] }),
  };
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs' own `waitForLeaders`
 * only retries LEADER_NOT_AVAILABLE, but a Kafka 4 broker answers a topic it created a moment
 * ago with UNKNOWN_TOPIC_OR_PARTITION until its metadata cache catches up, so we poll ourselves.
 */
async function createTopicsAndWait(admin: Admin, topics: readonly TopicSpec[], timeoutMs = 30_000): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((topic) => ({ ...topic, configEntries: topic.configEntries && [...topic.configEntries] })),
  });
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
