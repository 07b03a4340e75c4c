import type { Message, MessagesStream, MessageToProduce } from '@platformatic/kafka';
import type {
  BatchContext,
  ConsumerEvents,
  ConsumerOptions,
  ConsumerRun,
  FetchedBatch,
  FetchedMessage,
  GroupConsumer,
  MessageHeaders,
  MessageProducer,
  MessagingAdmin,
  MessagingClient,
  MessagingClientSettings,
  OutgoingRecord,
  ProducedRecord,
  TopicMessages,
  TopicSpec,
} from './messaging-port';

/**
 * The package is ESM-only. Node 24 loads it with require(), but Jest's module loader (which also
 * stands in for node:module) cannot: Node's own require, taken from the real built-in, loads it,
 * under Jest as in the services.
 */
const nodeRequire = process.getBuiltinModule('node:module').createRequire(__filename);
const { Admin, Consumer, Producer, compatibilityPartitioner } = nodeRequire('@platformatic/kafka') as typeof import('@platformatic/kafka');
type Admin = import('@platformatic/kafka').Admin;
type Consumer = import('@platformatic/kafka').Consumer;
/** Keys and values as bytes, header names as text (turned into bytes by the serialiser below). */
type Producer = import('@platformatic/kafka').Producer<Buffer, Buffer, string, Buffer>;

/** ListOffsets timestamps: the first offset still kept, and the next one to be written. */
const EARLIEST = -2n;
const LATEST = -1n;
/** Messages held in memory per consumer before the stream is paused (back-pressure). */
const MAX_BUFFERED = 20_000;
/**
 * Most messages of one partition handed to eachBatch at once. Large on purpose: a projection
 * writes each document a batch touches once, so fewer, larger batches mean fewer writes (kafkajs
 * hands over a whole fetch, up to 1 MiB per partition).
 */
const MAX_BATCH = 10_000;
/** kafkajs' default fetch size per partition. */
const MAX_BYTES_PER_PARTITION = 1_048_576;

/**
 * The messaging port on @platformatic/kafka (KAFKA_CLIENT=platformatic): pure JavaScript,
 * maintained. Producers are idempotent (acks=all, one request in flight) and place keys with the
 * Java client's murmur2 partitioner, as kafkajs does, so a key stays on its partition whichever
 * client wrote it; consumer groups use the classic protocol, so a group can move between the
 * two clients.
 */
export function platformaticClient(settings: MessagingClientSettings): MessagingClient {
  const base = { clientId: settings.clientId, bootstrapBrokers: [...settings.brokers] };
  return {
    kind: 'platformatic',
    producer: () => platformaticProducer(base),
    consumer: (options) => new PlatformaticGroupConsumer(base, options),
    admin: () => platformaticAdmin(new Admin({ ...base })),
  };
}

type Base = { clientId: string; bootstrapBrokers: string[] };

function platformaticProducer(base: Base): MessageProducer {
  let producer: Producer | undefined;
  const create = (): Producer =>
    new Producer<Buffer, Buffer, string, Buffer>({
      ...base,
      idempotent: true,
      acks: -1,
      autocreateTopics: false,
      partitioner: compatibilityPartitioner,
      serializers: { headerKey: (name?: string) => (name === undefined ? undefined : Buffer.from(name)) },
      // The idempotent default is to retry for ever; the relay retries (and reports) itself.
      retries: 5,
      retryDelay: 300,
    });
  const sendBatch = async (topicMessages: readonly TopicMessages[]): Promise<ProducedRecord[]> => {
    producer ??= create();
    const messages = topicMessages.flatMap(({ topic, messages }) => messages.map((message) => toProduce(topic, message)));
    if (messages.length === 0) return [];
    const { offsets = [] } = await producer.send({ messages });
    return offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) }));
  };
  return {
    // The client connects on first use.
    connect: async () => {
      producer ??= create();
    },
    disconnect: async () => {
      const closing = producer;
      producer = undefined;
      await closing?.close();
    },
    send: (request) => sendBatch([request]),
    sendBatch: ({ topicMessages }) => sendBatch(topicMessages),
  };
}

function toProduce(topic: string, { key, value, headers, partition }: OutgoingRecord): MessageToProduce<Buffer, Buffer, string, Buffer> {
  return {
    topic,
    key: bytes(key),
    value: bytes(value),
    partition,
    // A plain object, not a Map: the client checks `instanceof Map`, which fails for a Map of another realm (Jest's).
    headers: headers && Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, Buffer.from(header)])),
  };
}

function bytes(value: string | Buffer | null): Buffer | undefined {
  return value === null ? undefined : Buffer.isBuffer(value) ? value : Buffer.from(value);
}

function fetched(message: Message): FetchedMessage {
  const headers: MessageHeaders = {};
  for (const [name, value] of message.headerEntries) {
    const key = name.toString();
    const previous = headers[key];
    headers[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return {
    key: message.key ?? null,
    value: message.value ?? null,
    offset: String(message.offset),
    headers,
    timestamp: String(message.timestamp),
  };
}

/**
 * A consumer group member on a platformatic message stream. The stream hands messages over one
 * at a time; they are queued per partition and handed to eachBatch as batches of what has
 * arrived, partitions in parallel up to partitionsConsumedConcurrently, each in order. Heartbeats
 * run in the background, so heartbeat() has nothing to do. The client never restarts a crashed
 * consumer itself: `crash` always says so, and the caller starts a new one.
 */
class PlatformaticGroupConsumer implements GroupConsumer {
  private readonly consumer: Consumer;
  private readonly listeners: { [E in keyof ConsumerEvents]: ConsumerEvents[E][] } = { 'group.join': [], crash: [] };
  private subscription?: { topics: string[]; fromBeginning: boolean };
  private stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private readonly queues = new Map<string, Message[]>();
  private readonly active = new Map<string, Promise<void>>();
  /** The last message handed over per partition: commits go through it, as the stream expects. */
  private readonly lastHandedOver = new Map<string, Message>();
  private buffered = 0;
  /** Counts group joins: a batch taken before the latest one is stale (the partitions may have moved). */
  private generation = 0;
  private stopped = false;
  private scheduling = false;
  private crashed = false;
  private run_?: ConsumerRun;

  constructor(base: Base, options: ConsumerOptions) {
    const sessionTimeout = options.sessionTimeout ?? 30_000;
    this.consumer = new Consumer({
      ...base,
      groupId: options.groupId,
      autocommit: false,
      sessionTimeout,
      rebalanceTimeout: Math.max(60_000, sessionTimeout),
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
      maxBytesPerPartition: options.maxBytesPerPartition ?? MAX_BYTES_PER_PARTITION,
      maxWaitTime: 1_000,
      highWaterMark: MAX_BATCH,
    });
    this.consumer.on('consumer:group:join', () => {
      this.generation += 1;
      // What was queued before may belong to partitions given away; the stream fetches again from the committed offsets.
      this.buffered -= [...this.queues.values()].reduce((sum, queue) => sum + queue.length, 0);
      this.queues.clear();
      for (const listener of this.listeners['group.join']) listener();
    });
  }

  async connect(): Promise<void> {
    // The client connects on first use.
  }

  async subscribe({ topics, fromBeginning }: { readonly topics: readonly string[]; readonly fromBeginning: boolean }): Promise<void> {
    this.subscription = { topics: [...topics], fromBeginning };
  }

  on<E extends keyof ConsumerEvents>(event: E, listener: ConsumerEvents[E]): void {
    this.listeners[event].push(listener);
  }

  async run(run: ConsumerRun): Promise<void> {
    if (!this.subscription) throw new Error('subscribe before run');
    this.run_ = run;
    const stream = await this.consumer.consume({
      topics: this.subscription.topics,
      mode: 'committed',
      fallbackMode: this.subscription.fromBeginning ? 'earliest' : 'latest',
      autocommit: false,
    });
    this.stream = stream;
    stream.on('data', (message: Message) => this.arrived(message));
    stream.on('error', (error: Error) => this.crash(error));
  }

  async commitOffsets(offsets: readonly { topic: string; partition: number; offset: string }[]): Promise<void> {
    await Promise.all(
      offsets.map(async ({ topic, partition, offset }) => {
        const last = this.lastHandedOver.get(partitionKey(topic, partition));
        // The stream commits a message as "read up to here": the offset after it.
        if (last && last.offset + 1n === BigInt(offset)) await last.commit();
        else await this.consumer.commit({ offsets: [{ topic, partition, offset: BigInt(offset), leaderEpoch: -1 }] });
      }),
    );
  }

  async disconnect(): Promise<void> {
    this.stopped = true;
    // Handlers see isRunning() false and give up their batch; what they commit before is kept.
    await Promise.allSettled(this.active.values());
    await this.stream?.close().catch(() => undefined);
    await this.consumer.close(true).catch(() => undefined);
  }

  private arrived(message: Message): void {
    if (this.stopped || this.crashed) return;
    const key = partitionKey(message.topic, message.partition);
    const queue = this.queues.get(key) ?? [];
    queue.push(message);
    this.queues.set(key, queue);
    this.buffered += 1;
    if (this.buffered >= MAX_BUFFERED) this.stream?.pause();
    // The messages of one fetch arrive one by one in the same turn of the event loop: handing
    // them over on the next makes one batch of them, as kafkajs' eachBatch gets.
    if (this.scheduling) return;
    this.scheduling = true;
    setImmediate(() => {
      this.scheduling = false;
      this.schedule();
    });
  }

  private schedule(): void {
    const concurrency = Math.max(1, this.run_?.partitionsConsumedConcurrently ?? 1);
    for (const [key, queue] of this.queues) {
      if (this.active.size >= concurrency || this.stopped || this.crashed) return;
      if (queue.length === 0 || this.active.has(key)) continue;
      const messages = queue.splice(0, MAX_BATCH);
      const handling = this.handle(key, messages).finally(() => {
        this.active.delete(key);
        this.buffered -= messages.length;
        if (this.buffered < MAX_BUFFERED / 2 && this.stream?.isPaused()) this.stream.resume();
        this.schedule();
      });
      this.active.set(key, handling);
    }
  }

  private async handle(key: string, messages: Message[]): Promise<void> {
    const run = this.run_;
    if (!run) return;
    const generation = this.generation;
    const [{ topic, partition }] = messages;
    const batch: FetchedBatch = { topic, partition, messages: messages.map(fetched) };
    let resolved = -1;
    const context: BatchContext = {
      batch,
      resolveOffset: (offset) => {
        const index = batch.messages.findIndex((message) => message.offset === offset);
        if (index > resolved) resolved = index;
      },
      heartbeat: async () => undefined,
      isRunning: () => !this.stopped && !this.crashed,
      isStale: () => generation !== this.generation,
    };
    this.lastHandedOver.set(key, messages[messages.length - 1]);
    try {
      if (run.eachBatch) await run.eachBatch(context);
      else if (run.eachMessage) {
        for (const [index, message] of batch.messages.entries()) {
          if (!context.isRunning() || context.isStale()) break;
          await run.eachMessage({ topic, partition, message });
          resolved = index;
        }
      }
      if (run.eachBatch && run.eachBatchAutoResolve !== false) resolved = batch.messages.length - 1;
      if (!context.isRunning() || context.isStale()) return;
      if (resolved < batch.messages.length - 1) {
        // Left half done while still ours: the rest must come again, which only a new consumer
        // (reading from the committed offsets) guarantees.
        throw new Error(`a batch of ${topic}[${partition}] was left unresolved after offset ${resolved < 0 ? 'none' : batch.messages[resolved].offset}`);
      }
      if (run.autoCommit !== false) await messages[resolved].commit();
    } catch (error) {
      this.crash(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private crash(error: Error): void {
    if (this.stopped || this.crashed) return;
    this.crashed = true;
    this.stream?.pause();
    for (const listener of this.listeners.crash) listener(error, false);
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function platformaticAdmin(admin: Admin): MessagingAdmin {
  const partitionsOf = async (topic: string): Promise<number[]> => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, partition) => partition);
  };
  const offsetsAt = async (topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, bigint>> => {
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  };
  return {
    // The client connects on first use.
    connect: async () => undefined,
    disconnect: () => admin.close(),
    describeCluster: async () => {
      const metadata = await admin.metadata({ forceUpdate: true });
      return { brokers: [...metadata.brokers.keys()].map((nodeId) => ({ nodeId })) };
    },
    listTopics: () => admin.listTopics(),
    createTopics: async (topics) => {
      for (const spec of topics) {
        await admin.createTopics({
          topics: [spec.topic],
          partitions: spec.numPartitions,
          replicas: spec.replicationFactor ?? -1,
          configs: (spec.configEntries ?? []).map(({ name, value }) => ({ name, value })),
        });
      }
      await waitForLeaders(admin, topics);
    },
    deleteTopics: (topics) => admin.deleteTopics({ topics: [...topics] }),
    listGroups: async () => [...(await admin.listGroups()).keys()],
    deleteGroups: (groupIds) => admin.deleteGroups({ groups: [...groupIds] }),
    fetchTopicOffsets: async (topic) => {
      const partitions = await partitionsOf(topic);
      const [low, high] = await Promise.all([offsetsAt(topic, partitions, EARLIEST), offsetsAt(topic, partitions, LATEST)]);
      return partitions.map((partition) => ({ partition, low: String(low.get(partition) ?? 0n), high: String(high.get(partition) ?? 0n) }));
    },
    fetchOffsets: async ({ groupId, topics }) => {
      const wanted = topics && (await Promise.all(topics.map(async (topic) => ({ topic, partitions: await partitionsOf(topic) }))));
      const groups = await admin.listConsumerGroupOffsets({
        groups: [wanted ? { groupId, topics: wanted.map(({ topic, partitions }) => ({ name: topic, partitionIndexes: partitions })) } : groupId],
      });
      const group = groups[0];
      const committed = new Map((group?.topics ?? []).map((topic) => [topic.name, topic.partitions]));
      const names = wanted ? wanted.map((topic) => topic.topic) : [...committed.keys()];
      return names.map((topic) => {
        const partitions = committed.get(topic) ?? [];
        const all = wanted?.find((w) => w.topic === topic)?.partitions ?? partitions.map((p) => p.partitionIndex);
        return {
          topic,
          partitions: all.map((partition) => ({ partition, offset: String(partitions.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n) })),
        };
      });
    },
    setOffsets: ({ groupId, topic, partitions }) =>
      admin.alterConsumerGroupOffsets({
        groupId,
        topics: [{ name: topic, partitionOffsets: partitions.map(({ partition, offset }) => ({ partition, offset: BigInt(offset) })) }],
      }),
  };
}

/** A broker answers a topic it created a moment ago without leaders, or not at all, until its metadata catches up. */
async function waitForLeaders(admin: Admin, topics: readonly TopicSpec[], timeoutMs = 30_000): Promise<void> {
  if (topics.length === 0) return;
  const names = topics.map((topic) => topic.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.metadata({ topics: names, forceUpdate: true });
      const ready = names.every((name) => {
        const topic = metadata.topics.get(name);
        return topic !== undefined && topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Topics ${names.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
