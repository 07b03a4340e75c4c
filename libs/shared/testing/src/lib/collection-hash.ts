import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';

/** A digest of every document of a collection, independent of insertion order. */
export async function collectionHash(mongo: Connection, collection: string): Promise<{ hash: string; count: number }> {
  const hash = createHash('sha256');
  let count = 0;
  for await (const document of mongo.collection(collection).find({}, { sort: { _id: 1 } })) {
    const sorted = Object.fromEntries(Object.entries(document).sort(([a], [b]) => a.localeCompare(b)));
    hash.update(JSON.stringify(sorted));
    count += 1;
  }
  return { hash: hash.digest('hex'), count };
}
