import type { Collection, Document } from 'mongodb';
import { IncomingMessage } from './integration-message';

/**
 * A read model built from integration events, declared rather than written: which messages it
 * handles, the document each one changes and a pure `evolve`. The runner does the rest (see
 * ProjectionRunner.write): idempotency by stream revision, folding a batch per document, one
 * compare-and-set write per changed document, rebuilds.
 *
 * Idempotency: every document remembers, per source stream, the last revision applied (at
 * `revisionPath`, `revision` unless said otherwise), so a redelivered or replayed message is
 * skipped before `evolve` sees it. `evolve` therefore never reads or writes those fields.
 *
 * Tenancy: a document belongs to the tenant of its messages and, when it records one, keeps it in
 * `tenantId`. Document ids are tenant-scoped already; as a second line, every write the runner
 * sends names the tenant in its filter, and a message whose document id is held by another
 * tenant's document is refused, that document left as it is.
 */
export interface Projection<D extends ReadModelDocument = ReadModelDocument> {
  /** Names the consumer group (`projection.<name>`) and the stored positions. */
  readonly name: string;
  readonly topics: readonly string[];
  /** The environment's KAFKA_TOPIC_PREFIX (set by withTopicPrefix): its runner dead-letters to that environment's topic. */
  readonly topicPrefix?: string;
  /**
   * The logical collections it writes, each versioned for rebuilds (`<name>_v<n>`): the first is
   * the one `evolve` builds, any others are written by `refresh` alone.
   */
  readonly collections: readonly string[];
  /** False for what it does not handle (other types, tombstones it ignores): never reaches `evolve`. Topics are given without the environment's prefix. */
  canHandle(message: IncomingMessage): boolean;
  /** The `_id` of the document a handled message changes. */
  documentId(message: IncomingMessage): string;
  /**
   * Where the document keeps the revision of this message's stream, as a path of field names.
   * Only for documents fed by several streams (e.g. a client's own stream, its consent stream and
   * each of its visits); the default is `['revision']`. With several, the runner also keeps
   * `documentVersion` (see DOCUMENT_VERSION_FIELD) as the compare-and-set field.
   */
  revisionPath?(message: IncomingMessage): readonly string[];
  /**
   * The fields of a stored document `evolve` reads, when not all of them (e.g. `[]` for a document
   * that is the latest snapshot of its stream): the runner then reads only these, `tenantId` and
   * the revision fields, instead of whole documents. `evolve` gets that partial document and must
   * return the whole one. Not with `refresh`, which gets every document of the batch.
   */
  readonly readFields?: readonly string[];
  /** An asynchronous step before folding (e.g. decrypting personal data), once per batch, in message order. */
  decode?(messages: readonly IncomingMessage[]): Promise<readonly IncomingMessage[]>;
  /**
   * The document after the message: pure, and given its own earlier result back. Returns a new
   * object that keeps what it does not change (spread the document: the revision fields live
   * there too), or null to delete the document. Only delete documents whose stream cannot
   * deliver older messages afterwards: a deleted document forgets its revisions (a tombstone
   * document keeps them).
   */
  evolve(document: D | null, message: IncomingMessage): Evolved<D> | null;
  /** Derived read models the declarative shape cannot say (aggregates over many documents): see ProjectionRefresh. */
  readonly refresh?: ProjectionRefresh<D>;
}

/**
 * A second step after a batch's documents are written: recomputes aggregates (statistics)
 * that depend on many documents at once. It gets every document of the batch as it now is
 * (written or, when redelivered, already there), so it must be a pure recomputation from them
 * and from what it wrote before: running it again (redelivery, rebuild, two runners) changes
 * nothing. It is the only writer of the projection's other collections.
 */
export interface ProjectionRefresh<D extends ReadModelDocument = ReadModelDocument> {
  run(documents: readonly D[], collections: ReadModelCollections): Promise<void>;
}

/** What `evolve` returns: the document, its revision still to be recorded by the runner. */
export type Evolved<D extends ReadModelDocument> = Omit<D, 'revision'> & { revision?: number };

/** Read-model documents use string ids (client id, visit id, ...) and remember a revision. */
export interface ReadModelDocument extends Document {
  _id: string;
  revision?: number;
}

/** The compare-and-set field of documents fed by several streams: Σ (revision + 1) over their streams, so live and rebuilt documents agree. */
export const DOCUMENT_VERSION_FIELD = 'documentVersion';

/** Resolves a logical collection name to the physical one in use: the active version, or a rebuild's target. */
export interface ReadModelCollections {
  collection<T extends ReadModelDocument = ReadModelDocument>(logical: string): Promise<Collection<T>>;
}

/**
 * The projection as it runs in an environment with a topic/group prefix (KAFKA_TOPIC_PREFIX). Its
 * own functions keep seeing the topics without the prefix (see logicalMessage).
 */
export function withTopicPrefix<P extends Projection>(projection: P, prefix: string): P {
  return { ...projection, topicPrefix: prefix, name: prefix + projection.name, topics: projection.topics.map((topic) => prefix + topic) };
}

/** The message with its topic named as the projection declares it (without the environment's prefix). */
export function logicalMessage(message: IncomingMessage, prefix: string | undefined): IncomingMessage {
  return prefix && message.topic.startsWith(prefix) ? { ...message, topic: message.topic.slice(prefix.length) } : message;
}
