import { Logger } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { ConsumerHealth } from './consumer-health';
import { deadLetterTopic } from './dead-letters';
import { groupByDocument, handledMessages } from './document-fold';
import { writeFolded } from './guarded-bulk-write';
import { IncomingMessage } from './integration-message';
import type { ConsumerOptions, MessagingClient } from './messaging-port';
import { Projection, ReadModelCollections, ReadModelDocument } from './projection';
import { ReadModelVersions } from './read-model-versions';
import { SupervisedConsumer } from './supervised-consumer';

interface PositionDocument {
  _id: string;
  projection: string;
  topic: string;
  partition: number;
  /** The next offset to read, as Kafka commits it. */
  offset: string;
  updatedAt: Date;
}

/**
 * Runs one projection as a Kafka consumer group (`projection.<name>`): each fetched batch is
 * folded per document and written (see writeFolded), then its position is stored in MongoDB
 * beside the data and committed to Kafka. On start (and restart) the group is moved to the positions
 * stored in MongoDB, so the read model and its position cannot drift apart (e.g. after a restore).
 * A message it cannot apply goes to the dead letters and the rest of its batch is applied
 * (see SupervisedConsumer).
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private readonly consumer: SupervisedConsumer;
  private readonly versions: ReadModelVersions;

  constructor(
    private readonly projection: Projection,
    private readonly kafka: MessagingClient,
    private readonly mongo: Connection,
    consumerSettings: Pick<ConsumerOptions, 'sessionTimeout' | 'maxBytesPerPartition'> = {},
  ) {
    if (projection.refresh && projection.readFields) throw new Error(`${projection.name}: a refresh step needs whole documents, readFields reads parts`);
    this.logger = new Logger(`Projection:${projection.name}`);
    this.versions = new ReadModelVersions(mongo);
    this.consumer = new SupervisedConsumer({
      kafka,
      groupId: this.groupId,
      topics: projection.topics,
      deadLetterTopic: deadLetterTopic(projection.topicPrefix),
      consumerConfig: consumerSettings,
      handler: { eachBatch: (messages) => this.write(messages) },
      beforeCommit: (topic, partition, nextOffset) => this.savePosition(topic, partition, nextOffset),
      beforeStart: async () => {
        // The connection may still be opening: native cursors (find().toArray) do not wait for it.
        await this.mongo.asPromise();
        await this.restoreGroupOffsets();
      },
    });
  }

  get groupId(): string {
    return `projection.${this.projection.name}`;
  }

  get appliedCount(): number {
    return this.consumer.handledCount;
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  health(): Promise<ConsumerHealth> {
    return this.consumer.health();
  }

  /**
   * Applies a batch: the messages the projection handles, grouped by document, folded in memory
   * and written once per changed document; then the refresh step, if any, over the batch's
   * documents. Also used by rebuilds' catch-up, with target collections given.
   */
  async write(messages: readonly IncomingMessage[], targets?: ReadonlyMap<string, string>): Promise<void> {
    const handled = handledMessages(this.projection, messages);
    if (handled.length === 0) return;
    // Every collection resolved at once, in parallel: one round-trip time per batch, not one per collection in turn.
    const collections = await this.resolvedCollections(targets);
    const decoded = this.projection.decode ? await this.projection.decode(handled) : handled;
    const target = await collections.collection(this.projection.collections[0]);
    const documents = await writeFolded(target, this.projection, groupByDocument(this.projection, decoded));
    await this.projection.refresh?.run(documents, collections);
  }

  /** The logical collections of the projection, resolved to the active versions or to `targets`. */
  collections(targets?: ReadonlyMap<string, string>): ReadModelCollections {
    const known = new Set(this.projection.collections);
    return {
      collection: async <T extends ReadModelDocument>(logical: string) => {
        if (!known.has(logical)) throw new Error(`${this.projection.name} does not own the collection ${logical}`);
        return this.mongo.collection<T>(targets?.get(logical) ?? (await this.versions.activeCollection(logical)));
      },
    };
  }

  /** `collections(targets)` with every collection of the projection resolved now, once. */
  private async resolvedCollections(targets?: ReadonlyMap<string, string>): Promise<ReadModelCollections> {
    const resolving = this.collections(targets);
    const resolved = new Map(await Promise.all(this.projection.collections.map(async (logical) => [logical, await resolving.collection(logical)] as const)));
    return {
      collection: async <T extends ReadModelDocument>(logical: string) => {
        const collection = resolved.get(logical);
        if (!collection) throw new Error(`${this.projection.name} does not own the collection ${logical}`);
        return collection as unknown as Collection<T>;
      },
    };
  }

  private positions() {
    return this.mongo.collection<PositionDocument>('projection_positions');
  }

  private async savePosition(topic: string, partition: number, offset: string): Promise<void> {
    await this.positions().updateOne(
      { _id: `${this.projection.name}:${topic}:${partition}` },
      { $set: { projection: this.projection.name, topic, partition, offset, updatedAt: new Date() } },
      { upsert: true },
    );
  }

  private async restoreGroupOffsets(): Promise<void> {
    const stored = await this.positions().find({ projection: this.projection.name }).toArray();
    if (stored.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const topic of this.projection.topics) {
        const partitions = stored.filter((p) => p.topic === topic).map((p) => ({ partition: p.partition, offset: p.offset }));
        if (partitions.length > 0) await admin.setOffsets({ groupId: this.groupId, topic, partitions });
      }
    } catch (error) {
      // Another instance of the group is running: its committed offsets are as good.
      this.logger.warn(`kept the group's committed offsets: ${(error as Error).message}`);
    } finally {
      await admin.disconnect();
    }
  }
}

