/**
 * The messaging port: the part of a Kafka client the product uses, and nothing more, so that the
 * client behind it can be exchanged (KAFKA_CLIENT, see createMessagingClient). Every adapter
 * keeps the same guarantees:
 * - producers are idempotent, wait for all in-sync replicas (acks=all), keep the order of the
 *   messages of one key (one partition, one request in flight) and never create topics;
 * - consumers belong to a consumer group and commit only what they are told to (at least once);
 * - message headers travel untouched, as bytes.
 */

/** Headers as a consumer gets them: bytes, or a list of them when a name repeats. */
export interface MessageHeaders {
  [name: string]: Buffer | string | (Buffer | string)[] | undefined;
}

export interface OutgoingRecord {
  /** Chooses the partition: messages of one key stay in order. */
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Only to place a message on purpose (tests); otherwise the key decides. */
  readonly partition?: number;
}

/** Where a produced message (the first of a request's messages for that partition) landed. */
export interface ProducedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface TopicMessages {
  readonly topic: string;
  readonly messages: readonly OutgoingRecord[];
}

export interface MessageProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(request: TopicMessages): Promise<ProducedRecord[]>;
  /** One request for messages of several topics (the relay's batch). */
  sendBatch(request: { readonly topicMessages: readonly TopicMessages[] }): Promise<ProducedRecord[]>;
}

export interface FetchedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly headers?: MessageHeaders;
  /** Milliseconds since the epoch, as text. */
  readonly timestamp: string;
}

export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly FetchedMessage[];
}

export interface BatchContext {
  readonly batch: FetchedBatch;
  /** Marks the messages up to this offset as processed: an abandoned batch is fetched again after it. */
  resolveOffset(offset: string): void;
  /** Tells the group the consumer is alive, during long work on one batch. */
  heartbeat(): Promise<void>;
  /** False once the consumer stops. */
  isRunning(): boolean;
  /** True once the partition was taken away (a rebalance) or the consumer seeks elsewhere. */
  isStale(): boolean;
}

export interface MessageContext {
  readonly topic: string;
  readonly partition: number;
  readonly message: FetchedMessage;
}

export interface ConsumerOptions {
  readonly groupId: string;
  readonly sessionTimeout?: number;
  /** Upper bound of one fetch per partition, in bytes. */
  readonly maxBytesPerPartition?: number;
  /**
   * Whether the client restarts a consumer itself after a failure it deems retriable (the
   * default); a supervisor that restarts it in every case turns this off.
   */
  readonly restartOnFailure?: boolean;
}

export interface ConsumerRun {
  /** Default true. Off: only commitOffsets() commits. */
  readonly autoCommit?: boolean;
  /** Default true: a batch counts as processed when eachBatch returns. Off: only resolveOffset() says how far it got. */
  readonly eachBatchAutoResolve?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  readonly eachBatch?: (context: BatchContext) => Promise<void>;
  readonly eachMessage?: (context: MessageContext) => Promise<void>;
}

/** The events a supervisor listens to. `restart` says whether the client itself starts the consumer again. */
export interface ConsumerEvents {
  'group.join': () => void;
  crash: (error: Error, restart: boolean) => void;
}

export interface GroupConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Topics must exist. A group without committed offsets starts at the first (fromBeginning) or next message. */
  subscribe(subscription: { readonly topics: readonly string[]; readonly fromBeginning: boolean }): Promise<void>;
  /** Starts consuming in the background; resolves once started. */
  run(run: ConsumerRun): Promise<void>;
  /** `offset`: the next offset to read, as Kafka stores it. */
  commitOffsets(offsets: readonly PartitionOffset[]): Promise<void>;
  on<E extends keyof ConsumerEvents>(event: E, listener: ConsumerEvents[E]): void;
}

export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  readonly configEntries?: readonly { readonly name: string; readonly value: string }[];
}

/** Per partition: `low` the first offset still kept, `high` the offset the next message gets. */
export interface PartitionRange {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** Committed offsets of a group: `-1` for a partition without one. */
export interface TopicCommittedOffsets {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}

export interface MessagingAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Throws when the cluster cannot be reached (a readiness check). */
  describeCluster(): Promise<{ readonly brokers: readonly { readonly nodeId: number }[] }>;
  listTopics(): Promise<string[]>;
  /** Resolves once every partition of the new topics has a leader. Throws when one exists already. */
  createTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Missing topics are an error. */
  deleteTopics(topics: readonly string[]): Promise<void>;
  listGroups(): Promise<string[]>;
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  fetchTopicOffsets(topic: string): Promise<PartitionRange[]>;
  /** Without topics: every topic the group committed to. */
  fetchOffsets(request: { readonly groupId: string; readonly topics?: readonly string[] }): Promise<TopicCommittedOffsets[]>;
  /** Moves a group that has no running member; throws while one runs. */
  setOffsets(request: { readonly groupId: string; readonly topic: string; readonly partitions: readonly { partition: number; offset: string }[] }): Promise<void>;
}

export interface MessagingClient {
  /** Which adapter: `kafkajs` or `platformatic`. */
  readonly kind: KafkaClientKind;
  producer(): MessageProducer;
  consumer(options: ConsumerOptions): GroupConsumer;
  admin(): MessagingAdmin;
}

export const KAFKA_CLIENT_KINDS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientKind = (typeof KAFKA_CLIENT_KINDS)[number];

export interface MessagingClientSettings {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Client logs below warnings are dropped; `nothing` drops them all (tests). */
  readonly logLevel?: 'warn' | 'nothing';
}

/** The first value of a header as text (headers arrive as bytes, or lists of them). */
export function headerText(headers: MessageHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
