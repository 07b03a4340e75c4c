import type { Connection } from 'mongoose';
import { GlobalPosition, formatPosition, parsePosition } from '@salon/shared/event-store';

/**
 * Where a subscriber (the relay, a rebuild) remembers how far it got in the event store.
 *
 * `fencingToken`: the token of the lease under which the subscriber runs (worker-lease.ts). A save
 * with a token older than the one the checkpoint was last saved with is refused
 * (CheckpointFencedError, nothing written): a holder paused past its lease cannot move back the
 * checkpoint of the instance that took the lease over.
 */
export interface CheckpointStore {
  load(subscriberName: string): Promise<GlobalPosition | undefined>;
  save(subscriberName: string, position: GlobalPosition, fencingToken?: number): Promise<void>;
}

export class CheckpointFencedError extends Error {
  constructor(
    readonly subscriberName: string,
    readonly fencingToken: number,
  ) {
    super(`The checkpoint of ${subscriberName} was saved under a newer lease than ours (token ${fencingToken}): another instance holds it now`);
    this.name = 'CheckpointFencedError';
  }
}

interface CheckpointDocument {
  _id: string;
  position: string;
  updatedAt: Date;
  fencingToken?: number;
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

  async save(subscriberName: string, position: GlobalPosition, fencingToken?: number): Promise<void> {
    const update = { $set: { position: formatPosition(position), updatedAt: new Date(), ...(fencingToken === undefined ? {} : { fencingToken }) } };
    if (fencingToken === undefined) {
      await this.collection().updateOne({ _id: subscriberName }, update, { upsert: true });
      return;
    }
    try {
      // A checkpoint saved under a newer token does not match: the upsert then tries to insert its _id again, and fails.
      await this.collection().updateOne(
        { _id: subscriberName, $or: [{ fencingToken: { $exists: false } }, { fencingToken: { $lte: fencingToken } }] },
        update,
        { upsert: true },
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) throw new CheckpointFencedError(subscriberName, fencingToken);
      throw error;
    }
  }

  private collection() {
    return this.connection.collection<CheckpointDocument>(this.collectionName);
  }
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, { position: GlobalPosition; fencingToken?: number }>();

  async load(subscriberName: string): Promise<GlobalPosition | undefined> {
    return this.positions.get(subscriberName)?.position;
  }

  async save(subscriberName: string, position: GlobalPosition, fencingToken?: number): Promise<void> {
    const saved = this.positions.get(subscriberName)?.fencingToken;
    if (fencingToken !== undefined && saved !== undefined && saved > fencingToken) throw new CheckpointFencedError(subscriberName, fencingToken);
    this.positions.set(subscriberName, { position, fencingToken: fencingToken ?? saved });
  }
}
