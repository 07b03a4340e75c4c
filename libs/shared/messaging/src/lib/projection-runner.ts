import { Logger } from '@nestjs/common';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { bulkWriteIdempotent } from './guarded-bulk-write';
import { decodeMessage, IncomingMessage } from './integration-message';
import { Projection, ReadModelDocument } from './projection';
import { ReadModelVersions } from './read-model-versions';

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
 * turned into bulkWrite operations, written, then its position is stored in MongoDB beside
 * the data and committed to Kafka. On start the group is moved to the positions stored in
 * MongoDB, so the read model and its position cannot drift apart (e.g. after a restore).
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private consumer?: Consumer;
  private applied = 0;

  private readonly versions: ReadModelVersions;

  constructor(
    private readonly projection: Projection,
    private readonly kafka: Kafka,
    private readonly mongo: Connection,
    private readonly consumerSettings: Pick<ConsumerConfig, 'sessionTimeout' | 'maxBytesPerPartition'> = {},
  ) {
    this.logger = new Logger(`Projection:${projection.name}`);
    this.versions = new ReadModelVersions(mongo);
  }

  get groupId(): string {
    return `projection.${this.projection.name}`;
  }

  get appliedCount(): number {
    return this.applied;
  }

  async start(): Promise<void> {
    // The connection may still be opening: native cursors (find().toArray) do not wait for it.
    await this.mongo.asPromise();
    await this.restoreGroupOffsets();
    const consumer = this.kafka.consumer({ ...this.consumerSettings, groupId: this.groupId, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.projection.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const messages = batch.messages.map((message) => decodeMessage(batch.topic, batch.partition, message));
        await this.write(messages);
        const last = batch.messages[batch.messages.length - 1].offset;
        const next = (BigInt(last) + 1n).toString();
        await this.savePosition(batch.topic, batch.partition, next);
        resolveOffset(last);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
        await heartbeat();
        this.applied += messages.length;
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  /** Applies messages and writes the result; also used by rebuilds, with target collections given. */
  async write(messages: readonly IncomingMessage[], targets?: ReadonlyMap<string, string>): Promise<void> {
    const physical = async (logical: string) => targets?.get(logical) ?? (await this.versions.activeCollection(logical));
    const writes = await this.projection.apply(messages);
    for (const [logical, operations] of writes) {
      if (operations.length === 0) continue;
      await bulkWriteIdempotent(this.mongo, await physical(logical), operations);
    }
    if (this.projection.refresh) {
      await this.projection.refresh(messages, {
        collection: async <T extends ReadModelDocument>(logical: string) => this.mongo.collection<T>(await physical(logical)),
      });
    }
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
