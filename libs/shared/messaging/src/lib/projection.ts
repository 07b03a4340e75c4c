import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { IncomingMessage } from './integration-message';

/**
 * A read model built from integration events. `apply` is pure: it turns a batch of messages
 * into MongoDB bulk-write operations per logical collection; the runner executes them.
 *
 * Idempotency is the projection's contract: every document stores the last stream revision
 * it applied (see `guardedUpsert`), so a redelivered or replayed event changes nothing.
 */
export interface Projection {
  /** Names the consumer group (`projection.<name>`) and the stored positions. */
  readonly name: string;
  readonly topics: readonly string[];
  /** The environment's KAFKA_TOPIC_PREFIX (set by withTopicPrefix): its runner dead-letters to that environment's topic. */
  readonly topicPrefix?: string;
  /** Logical collection names this projection writes (each is versioned for rebuilds). */
  readonly collections: readonly string[];
  apply(messages: readonly IncomingMessage[]): Promise<ProjectionWrites> | ProjectionWrites;
  /**
   * Optional second step, run after a batch's writes: recomputes derived documents (aggregates
   * such as statistics) from the documents `apply` just wrote. It must be a pure function of
   * those documents, so running it again (redelivery, rebuild, two runners) gives the same result.
   */
  refresh?(messages: readonly IncomingMessage[], collections: ReadModelCollections): Promise<void>;
}

/** Resolves a logical collection name to the physical one in use: the active version, or a rebuild's target. */
export interface ReadModelCollections {
  collection<T extends ReadModelDocument = ReadModelDocument>(logical: string): Promise<Collection<T>>;
}

/** The projection as it runs in an environment with a topic/group prefix (KAFKA_TOPIC_PREFIX). */
export function withTopicPrefix<P extends Projection>(projection: P, prefix: string): P {
  return { ...projection, topicPrefix: prefix, name: prefix + projection.name, topics: projection.topics.map((topic) => prefix + topic) };
}

/** Read-model documents use string ids (client id, visit id, ...) and remember a revision. */
export interface ReadModelDocument extends Document {
  _id: string;
  revision?: number;
}

export type ReadModelWrite = AnyBulkWriteOperation<ReadModelDocument>;

/** Operations per logical collection name. */
export type ProjectionWrites = ReadonlyMap<string, ReadModelWrite[]>;

/**
 * An upsert that only applies when the document has not seen this stream revision yet.
 * If the document already has a revision >= the event's, the filter matches nothing, the upsert
 * tries to insert a second document with the same _id and MongoDB answers E11000, which the
 * runner treats as "already applied".
 */
export function guardedUpsert(
  id: string,
  revision: bigint,
  update: { $set?: Document; $setOnInsert?: Document; $unset?: Document; $inc?: Document; $push?: Document },
): ReadModelWrite {
  return {
    updateOne: {
      filter: { _id: id, revision: { $lt: Number(revision) } },
      update: { ...update, $set: { ...(update.$set ?? {}), revision: Number(revision) } },
      upsert: true,
    },
  };
}

/** Collects operations per collection while a projection walks through a batch. */
export class WriteBatch {
  private readonly operations = new Map<string, ReadModelWrite[]>();

  add(collection: string, operation: ReadModelWrite): this {
    const list = this.operations.get(collection) ?? [];
    list.push(operation);
    this.operations.set(collection, list);
    return this;
  }

  toWrites(): ProjectionWrites {
    return this.operations;
  }
}
