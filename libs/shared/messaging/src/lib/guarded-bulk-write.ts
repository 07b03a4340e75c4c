import type { AnyBulkWriteOperation, Collection, Document, MongoBulkWriteError, UpdateFilter } from 'mongodb';
import type { Connection } from 'mongoose';
import { ReadModelDocument, ReadModelWrite } from './projection';

const DUPLICATE_KEY = 11000;
const MAX_ROUNDS = 10;

/** A revision-guarded upsert as `guardedUpsert` (or a projection's own guard field) writes it. */
interface Guard {
  readonly id: string;
  /** The field holding the last applied revision (`revision`, or e.g. `consentRevision`). */
  readonly field: string;
  readonly revision: number;
  readonly update: UpdateFilter<ReadModelDocument>;
}

/**
 * Writes a batch of read-model operations so that each revision-guarded upsert is applied
 * exactly once and in order, however often a batch is redelivered or replayed.
 *
 * A guarded upsert reads "apply this if the document's revision is below r":
 * `{ _id, revision: { $lt: r } }`. Sent as is, that filter is correct on MongoDB but costs a
 * collection scan per operation on servers that use an index only for a filter naming exactly
 * the index's keys (mongo-java-server: 4 ms per operation at 10,000 documents). So the guard is
 * evaluated as a compare-and-set instead:
 *  1. one indexed read of the batch's documents (`_id: { $in }`) gives each one's revision;
 *  2. operations already applied are dropped; the others become
 *     `{ _id, revision: <the revision just read> }` (an exact match on `{_id, revision}`, which
 *     a unique index on those two keys serves), chained when one document has several;
 *  3. written in order; if another writer (a rebuild's catch-up, a rebalanced consumer) changed
 *     a document in between, its compare-and-set matches nothing, and the round is repeated
 *     from step 1 for the operations not applied yet.
 * Atomic per operation like the `$lt` filter, so `$inc` updates are never applied twice.
 * Operations without a guard are written as they are, unordered, "duplicate key" meaning
 * "already there".
 */
export async function bulkWriteIdempotent(mongo: Connection, collection: string, operations: ReadModelWrite[]): Promise<void> {
  const target = mongo.collection<ReadModelDocument>(collection);
  const unguarded = operations.filter((operation) => guardOf(operation) === undefined);
  const guards = operations.map(guardOf).filter((guard): guard is Guard => guard !== undefined);
  if (unguarded.length > 0) await writeTolerant(target, unguarded);
  if (guards.length > 0) await writeGuarded(target, guards);
}

async function writeGuarded(target: Collection<ReadModelDocument>, guards: readonly Guard[]): Promise<void> {
  await ensureGuardIndexes(target, new Set(guards.map((guard) => guard.field)));
  for (let round = 1; ; round++) {
    const current = await currentRevisions(target, guards);
    const operations: AnyBulkWriteOperation<ReadModelDocument>[] = [];
    for (const guard of guards) {
      const key = `${guard.field}\u0000${guard.id}`;
      const stored = current.get(key);
      if (typeof stored === 'number' && stored >= guard.revision) continue;
      operations.push({
        updateOne: {
          // null matches a document without the field; no document at all is inserted.
          filter: { _id: guard.id, [guard.field]: stored ?? null },
          update: guard.update,
          upsert: stored === undefined,
        },
      });
      current.set(key, guard.revision);
    }
    if (operations.length === 0) return;
    const applied = await writeCounting(target, operations);
    if (applied === operations.length) return;
    if (round >= MAX_ROUNDS) {
      throw new Error(`${target.collectionName}: documents kept changing under a guarded write (${MAX_ROUNDS} rounds)`);
    }
  }
}

/**
 * Per guard field and document: the stored revision, null when the document exists without the
 * field, absent when there is no document.
 */
async function currentRevisions(target: Collection<ReadModelDocument>, guards: readonly Guard[]): Promise<Map<string, number | null>> {
  const ids = [...new Set(guards.map((guard) => guard.id))];
  const fields = [...new Set(guards.map((guard) => guard.field))];
  const projection = Object.fromEntries(fields.map((field) => [field, 1]));
  const documents = await target.find({ _id: { $in: ids } }, { projection }).toArray();
  const current = new Map<string, number | null>();
  for (const document of documents) {
    for (const field of fields) {
      const value = (document as Document)[field];
      current.set(`${field}\u0000${document._id}`, typeof value === 'number' ? value : null);
    }
  }
  return current;
}

/** How many operations matched or inserted; stops at the first that failed ("duplicate key": a concurrent insert). */
async function writeCounting(target: Collection<ReadModelDocument>, operations: AnyBulkWriteOperation<ReadModelDocument>[]): Promise<number> {
  try {
    const result = await target.bulkWrite(operations, { ordered: true });
    return result.matchedCount + result.upsertedCount;
  } catch (error) {
    if (!onlyDuplicateKeys(error)) throw error;
    return -1;
  }
}

async function writeTolerant(target: Collection<ReadModelDocument>, operations: ReadModelWrite[]): Promise<void> {
  try {
    await target.bulkWrite(operations, { ordered: false });
  } catch (error) {
    if (!onlyDuplicateKeys(error)) throw error;
  }
}

function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as MongoBulkWriteError).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : undefined;
  return list !== undefined && list.length > 0 && list.every((e) => e.code === DUPLICATE_KEY);
}

/**
 * `{ _id, <guard field> }`, unique (trivially, `_id` is): lets servers that match a query to an
 * index by its exact keys serve the compare-and-set from an index. Created once per process.
 */
const indexed = new Set<string>();
async function ensureGuardIndexes(target: Collection<ReadModelDocument>, fields: ReadonlySet<string>): Promise<void> {
  for (const field of fields) {
    const key = `${target.dbName}.${target.collectionName}.${field}`;
    if (indexed.has(key)) continue;
    await target.createIndex({ _id: 1, [field]: 1 }, { unique: true, name: `_id_${field}_guard` });
    indexed.add(key);
  }
}

/**
 * Recognises `{ updateOne: { filter: { _id, <field>: { $lt: r } | { $not: { $gte: r } } }, upsert: true } }`.
 * Both spellings mean "below r"; the second also matches a document without the field.
 */
function guardOf(operation: ReadModelWrite): Guard | undefined {
  if (!('updateOne' in operation)) return undefined;
  const { filter, update, upsert } = operation.updateOne;
  if (!upsert || typeof filter._id !== 'string' || Array.isArray(update)) return undefined;
  const fields = Object.keys(filter).filter((key) => key !== '_id');
  if (fields.length !== 1) return undefined;
  const [field] = fields;
  const condition = (filter as Document)[field] as Document | undefined;
  const below = condition?.['$lt'] ?? condition?.['$not']?.['$gte'];
  if (typeof below !== 'number' || Object.keys(condition ?? {}).length !== 1) return undefined;
  return { id: filter._id, field, revision: below, update: update as UpdateFilter<ReadModelDocument> };
}
