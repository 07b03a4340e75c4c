/**
 * Every Kafka topic of the product, in one place. The local infrastructure scripts, the
 * deploy/ manifests and the services all create or check topics from this list.
 *
 * Naming: `<context>.<aggregate>-events.v<major>`. Key: the client id, so every event of one
 * client lands in one partition and keeps its order. A new major version is a new topic.
 */
export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  /** Topic-level configuration, passed as is to CreateTopics. */
  readonly config: Readonly<Record<string, string>>;
  readonly description: string;
}

/** Event topics keep everything: personal data inside is encrypted and shredded by key deletion. */
const EVENT_LOG = { 'cleanup.policy': 'delete', 'retention.ms': '-1' } as const;

export const TOPICS = {
  clientEvents: {
    name: 'clients.client-events.v1',
    partitions: 6,
    config: EVENT_LOG,
    description: 'Integration events of the clients context (registration, profile edits, deletion, erasure).',
  },
  visitEvents: {
    name: 'visits.visit-events.v1',
    partitions: 6,
    config: EVENT_LOG,
    description: 'Integration events of the visits context (booking, lifecycle, services and amounts).',
  },
  photoEvents: {
    name: 'media.photo-events.v1',
    partitions: 6,
    config: EVENT_LOG,
    description: 'Integration events of the media context (client photos uploaded and removed).',
  },
  consentEvents: {
    name: 'consent.consent-events.v1',
    partitions: 6,
    config: EVENT_LOG,
    description: 'Every change of a client consent, with who, when, where and the evidence.',
  },
  consentState: {
    name: 'consent.consent-state.v1',
    partitions: 6,
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': '3600000' },
    description:
      'Compacted: the current permissions of each client (key = client id); a tombstone when the client is erased or deleted.',
  },
  deadLetters: {
    name: 'ops.dead-letters.v1',
    // One partition: dead letters are few, and their ids (partition:offset) then read in order.
    partitions: 1,
    // Kept until replayed and beyond: the values are the source messages' own bytes (personal
    // data still encrypted, so erasure shreds these copies too).
    config: EVENT_LOG,
    description:
      'Messages a consumer group could not process for a non-transient reason: the original key, value and headers, plus DEAD_LETTER_HEADERS.',
  },
} as const satisfies Record<string, TopicDefinition>;

export const ALL_TOPICS: readonly TopicDefinition[] = Object.values(TOPICS);

/**
 * The integration events of a topic as a union, from its map of `event-type` to message value:
 * `type` is the header, `data` the value (ClientIntegrationEventV1, VisitIntegrationEventV1,
 * ConsentIntegrationEventV1). Each context's relay maps its domain events to its union.
 */
export type IntegrationEventOf<Events> = {
  [Type in keyof Events & string]: { readonly type: Type; readonly data: Events[Type] };
}[keyof Events & string];

/** Kafka message headers every integration event carries. */
export const HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  tenantId: 'tenant-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  /** The source stream revision, so consumers can skip a redelivered or older event. */
  streamRevision: 'stream-revision',
} as const;

/**
 * Headers a dead letter carries beside the source message's own ones: where it came from, which
 * consumer group gave up on it, and why. `replayOf` marks a message the ops command re-published
 * (the id of the dead letter it came from).
 */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'dead-letter-source-topic',
  sourcePartition: 'dead-letter-source-partition',
  sourceOffset: 'dead-letter-source-offset',
  group: 'dead-letter-group',
  /** `undecodable` (bad bytes or headers) or `rejected` (the handler failed for good). */
  reason: 'dead-letter-reason',
  /** What went wrong, without the message's data. */
  error: 'dead-letter-error',
  /** ISO-8601 UTC. */
  at: 'dead-letter-at',
  replayOf: 'dead-letter-replay-of',
} as const;
