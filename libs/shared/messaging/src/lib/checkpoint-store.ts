import type { Connection } from 'mongoose';
import { GlobalPosition, formatPosition, parsePosition } from '@salon/shared/event-store';

/** Where a subscriber (the relay, a rebuild) remembers how far it got in the event store. */
export interface CheckpointStore {
  load(subscriberName: string): Promise<GlobalPosition | undefined>;
  save(subscriberName: string, position: GlobalPosition): Promise<void>;
}

interface CheckpointDocument {
  _id: string;
  position: string;
  updatedAt: Date;
}

export class MongoCheckpointStore implements CheckpointStore {
  constructor(
    private readonly connection: Connection,
    private readonly collectionName = 'event_store_checkpoints',
  ) {}

  async load(subscriberName: string): Promise<GlobalPosition | undefined> {
    const document = await this.collection().findOne({ _id: subscriberName });
    return document ? parsePosition(document.position) : undefined;
  }

  async save(subscriberName: string, position: GlobalPosition): Promise<void> {
    await this.collection().updateOne(
      { _id: subscriberName },
      { $set: { position: formatPosition(position), updatedAt: new Date() } },
      { upsert: true },
    );
  }

  private collection() {
    return this.connection.collection<CheckpointDocument>(this.collectionName);
  }
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, GlobalPosition>();

  async load(subscriberName: string): Promise<GlobalPosition | undefined> {
    return this.positions.get(subscriberName);
  }

  async save(subscriberName: string, position: GlobalPosition): Promise<void> {
    this.positions.set(subscriberName, position);
  }
}
