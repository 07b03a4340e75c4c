import type { AnyBulkWriteOperation, Collection, MongoBulkWriteError } from 'mongodb';
import { casFieldOf, foldDocument, storable } from './document-fold';
import { IncomingMessage } from './integration-message';
import { Projection, ReadModelDocument } from './projection';

const DUPLICATE_KEY = 11000;
const MAX_ROUNDS = 10;

/**
 * Folds a batch into its documents and writes each changed document once, guarded by the
 * revision it was read at, so that every message is applied exactly once and in order however
 * often a batch is redelivered and whoever else writes the same documents:
 *  1. one indexed read of the batch's documents (`_id: { $in }`);
 *  2. each document's messages folded in memory (foldDocument skips what it already holds);
 *  3. each changed document written once: an insert when there was none, else a replace (or
 *     delete) filtered by `{ _id, <cas field>: <value read> }` — an exact match on two keys,
 *     which a unique index on them serves (servers such as mongo-java-server use an index only
 *     for a filter naming exactly its keys; `{ revision: { $lt } }` would scan the collection);
 *  4. if another writer (a rebuild's catch-up, a rebalanced consumer) changed or created a
 *     document in between, its write matches nothing or hits a duplicate key, and the round is
 *     repeated from step 1: what was written then reads as applied.
 * Returns every document of the batch as it now is (for a refresh step).
 */
export async function writeFolded<D extends ReadModelDocument>(
  target: Collection<ReadModelDocument>,
  projection: Pick<Projection<D>, 'evolve' | 'revisionPath'>,
  groups: ReadonlyMap<string, readonly IncomingMessage[]>,
): Promise<D[]> {
  const casField = casFieldOf(projection);
  await ensureCasIndex(target, casField);
  const ids = [...groups.keys()];
  for (let round = 1; ; round++) {
    const stored = new Map((await target.find({ _id: { $in: ids } }).toArray()).map((document) => [document._id, document as D]));
    const operations: AnyBulkWriteOperation<ReadModelDocument>[] = [];
    const current: D[] = [];
    for (const [id, messages] of groups) {
      const before = stored.get(id) ?? null;
      const { document, applied } = foldDocument(projection, before, messages);
      if (document !== null) current.push(document);
      if (applied === 0) continue;
      const operation = writeOf(id, before, document, casField);
      if (operation) operations.push(operation);
    }
    if (operations.length === 0 || (await writeCounting(target, operations)) === operations.length) return current;
    if (round >= MAX_ROUNDS) {
      throw new Error(`${target.collectionName}: documents kept changing under a guarded write (${MAX_ROUNDS} rounds)`);
    }
  }
}

/** The one write that takes a document from `before` (as read) to `after`; none when both are absent. */
export function writeOf(
  id: string,
  before: ReadModelDocument | null,
  after: ReadModelDocument | null,
  casField: string,
): AnyBulkWriteOperation<ReadModelDocument> | undefined {
  if (before === null) return after === null ? undefined : { insertOne: { document: storable(id, after) } };
  // null matches a document stored without the field (written before it existed).
  const filter = { _id: id, [casField]: before[casField] ?? null };
  if (after === null) return { deleteOne: { filter } };
  return { replaceOne: { filter, replacement: storable(id, after) } };
}

/** How many operations took effect; a duplicate key (a concurrent insert) counts as not. */
async function writeCounting(target: Collection<ReadModelDocument>, operations: AnyBulkWriteOperation<ReadModelDocument>[]): Promise<number> {
  try {
    const result = await target.bulkWrite(operations, { ordered: false });
    return result.insertedCount + result.matchedCount + result.deletedCount;
  } catch (error) {
    if (!onlyDuplicateKeys(error)) throw error;
    return -1;
  }
}

function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as MongoBulkWriteError).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : undefined;
  return list !== undefined && list.length > 0 && list.every((e) => e.code === DUPLICATE_KEY);
}

/** `{ _id, <cas field> }`, unique (trivially, `_id` is): serves the compare-and-set from an index. Created once per process. */
const indexed = new Set<string>();
async function ensureCasIndex(target: Collection<ReadModelDocument>, field: string): Promise<void> {
  const key = `${target.dbName}.${target.collectionName}.${field}`;
  if (indexed.has(key)) return;
  await target.createIndex({ _id: 1, [field]: 1 }, { unique: true, name: `_id_${field}_guard` });
  indexed.add(key);
}
