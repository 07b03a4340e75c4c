import { mongo } from 'mongoose';

/** MongoDB's error code for a write a unique index refused. */
export const DUPLICATE_KEY = 11000;

interface Pending<T> {
  readonly document: T;
  readonly resolve: (inserted: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Inserts asked for in the same turn of the event loop go to the database as one unordered
 * insertMany: one round trip instead of one each. Each caller learns whether its own document
 * was inserted (true) or refused by a unique index (false); any other error fails every caller
 * of the round trip. Nothing is cached or delayed beyond the current turn.
 */
export class InsertBatcher<T extends mongo.Document> {
  private pending: Pending<T>[] = [];

  constructor(private readonly collection: mongo.Collection<T>) {}

  insert(document: T): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ document, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    // A copy each: the driver adds an _id to what it inserts, and the callers keep theirs as they gave it.
    const documents = batch.map(({ document }) => ({ ...document }) as mongo.OptionalUnlessRequiredId<T>);
    try {
      await this.collection.insertMany(documents, { ordered: false });
      for (const { resolve } of batch) resolve(true);
    } catch (error) {
      // Without the write concern's acknowledgement no insert can be counted on.
      if (!(error instanceof mongo.MongoBulkWriteError) || error.result?.getWriteConcernError?.()) {
        for (const { reject } of batch) reject(error);
        return;
      }
      const duplicates = new Set<number>();
      let otherFailures = 0;
      for (const writeError of [error.writeErrors].flat()) {
        if (writeError.code === DUPLICATE_KEY) duplicates.add(writeError.index);
        else otherFailures++;
      }
      // Only when every document the index did not refuse is known to be in: a server may stop at
      // its first other error, so then no one is told their document went in (a retry finds it).
      // (The local mongo-java-server counts the refused documents as inserted too: hence "fewer".)
      if (otherFailures > 0 || error.result.insertedCount < batch.length - duplicates.size) {
        for (const { reject } of batch) reject(error);
        return;
      }
      batch.forEach(({ resolve }, index) => resolve(!duplicates.has(index)));
    }
  }
}
