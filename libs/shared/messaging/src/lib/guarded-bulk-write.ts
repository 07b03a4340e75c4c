import type { AnyBulkWriteOperation, Collection, Document, MongoBulkWriteError } from 'mongodb';
import { DomainError } from '@salon/shared/ddd';
import { casFieldOf, foldDocument, storable } from './document-fold';
import { IncomingMessage } from './integration-message';
import { Projection, ReadModelDocument } from './projection';

const DUPLICATE_KEY = 11000;
const MAX_ROUNDS = 10;

/**
 * Folds a batch into its documents and writes each changed document once, guarded by the
 * revision it was read at, so that every message is applied exactly once and in order however
 * often a batch is redelivered and whoever else writes the same documents:
 *  1. one indexed read of the batch's documents (`_id: { $in }`; only the fields `evolve` reads
 *     when the projection names them, see Projection.readFields);
 *  2. each document's messages folded in memory (foldDocument skips what it already holds);
 *  3. each changed document written once: an insert when there was none, else a replace (or
 *     delete) filtered by `{ _id, tenantId, <cas field>: <value read> }` — an exact match on
 *     three keys, which a unique index on them serves (servers such as mongo-java-server use an
 *     index only for a filter naming exactly its keys; `{ revision: { $lt } }` would scan the
 *     collection); the tenant makes sure no write ever touches another tenant's document;
 *  4. if another writer (a rebuild's catch-up, a rebalanced consumer) changed or created a
 *     document in between, its write matches nothing or hits a duplicate key, and the round is
 *     repeated from step 1: what was written then reads as applied.
 * A document id held by another tenant's document refuses the batch (DomainError 'conflict', so a
 * consumer dead-letters the message alone) and leaves that document as it is. Returns every
 * document of the batch as it now is (for a refresh step).
 */
export async function writeFolded<D extends ReadModelDocument>(
  target: Collection<ReadModelDocument>,
  projection: Pick<Projection<D>, 'evolve' | 'revisionPath' | 'readFields'>,
  groups: ReadonlyMap<string, readonly IncomingMessage[]>,
): Promise<D[]> {
  const casField = casFieldOf(projection);
  await ensureUniqueIndex(target, ['_id', 'tenantId', casField], [`_id_${casField}_guard`]);
  const ids = [...groups.keys()];
  const tenants = new Map([...groups].map(([id, messages]) => [id, tenantOf(id, messages)]));
  const fields = fieldsToRead(projection, groups, casField);
  for (let round = 1; ; round++) {
    const read = await target.find({ _id: { $in: ids } }, fields && { projection: fields }).toArray();
    const stored = new Map(read.map((document) => [document._id, document as D]));
    const operations: AnyBulkWriteOperation<ReadModelDocument>[] = [];
    const current: D[] = [];
    for (const [id, messages] of groups) {
      const tenantId = tenants.get(id) as string;
      const before = ownDocument(id, tenantId, stored.get(id));
      const { document, applied } = foldDocument(projection, before, messages);
      if (document !== null) current.push(document);
      if (applied === 0) continue;
      if (document !== null && document['tenantId'] != null && document['tenantId'] !== tenantId) {
        throw new Error(`${target.collectionName}: evolve gave document ${id} another tenant than its messages'`);
      }
      const operation = writeOf(id, tenantId, before, document, casField);
      if (operation) operations.push(operation);
    }
    if (operations.length === 0 || (await writeCounting(target, operations)) === operations.length) return current;
    if (round >= MAX_ROUNDS) {
      throw new Error(`${target.collectionName}: documents kept changing under a guarded write (${MAX_ROUNDS} rounds)`);
    }
  }
}

/**
 * The one write that takes a document of `tenantId` from `before` (as read) to `after`; none when
 * both are absent. The filter names the tenant as the document was read: `tenantId`, or null for
 * a document that records none (null matches only documents without the field, never another
 * tenant's).
 */
export function writeOf(
  id: string,
  tenantId: string,
  before: ReadModelDocument | null,
  after: ReadModelDocument | null,
  casField: string,
): AnyBulkWriteOperation<ReadModelDocument> | undefined {
  if (before === null) return after === null ? undefined : { insertOne: { document: storable(id, after) } };
  // null also matches a document stored without the cas field (written before it existed).
  const filter = { _id: id, tenantId: before['tenantId'] == null ? null : tenantId, [casField]: before[casField] ?? null };
  if (after === null) return { deleteOne: { filter } };
  return { replaceOne: { filter, replacement: storable(id, after) } };
}

/** The tenant of a document's messages: one, or the batch is refused. */
function tenantOf(id: string, messages: readonly IncomingMessage[]): string {
  const tenantId = messages[0].tenantId;
  if (messages.some((message) => message.tenantId !== tenantId)) {
    throw DomainError.conflict('document-of-two-tenants', `Messages of two tenants map to the read-model document ${id}`);
  }
  return tenantId;
}

/** The stored document, if it is this tenant's (or records no tenant); another tenant's refuses the batch. */
function ownDocument<D extends ReadModelDocument>(id: string, tenantId: string, stored: D | undefined): D | null {
  if (stored === undefined) return null;
  if (stored['tenantId'] != null && stored['tenantId'] !== tenantId) {
    throw DomainError.conflict('document-of-another-tenant', `The read-model document ${id} belongs to another tenant`);
  }
  return stored;
}

/** The read's projection when the projection names the fields evolve reads: those, the tenant and every revision field the batch touches. */
function fieldsToRead(
  projection: Pick<Projection, 'revisionPath' | 'readFields'>,
  groups: ReadonlyMap<string, readonly IncomingMessage[]>,
  casField: string,
): Document | undefined {
  if (projection.readFields === undefined) return undefined;
  const fields = new Set(['tenantId', casField, ...projection.readFields]);
  for (const messages of groups.values()) {
    for (const message of messages) fields.add((projection.revisionPath?.(message) ?? ['revision'])[0]);
  }
  return Object.fromEntries([...fields].map((field) => [field, 1]));
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

/**
 * A unique index on exactly the fields of a write filter, so that servers which use an index only
 * for a filter naming exactly its keys (mongo-java-server) serve the write from it (trivially
 * unique: `_id` is among them). Created once per process; `replaces` are index names it makes
 * obsolete, dropped if present (each unique index costs every write of the collection).
 */
const indexed = new Set<string>();
export async function ensureUniqueIndex(target: Collection<ReadModelDocument>, fields: readonly string[], replaces: readonly string[] = []): Promise<void> {
  const key = `${target.dbName}.${target.collectionName}.${fields.join(',')}`;
  if (indexed.has(key)) return;
  await target.createIndex(Object.fromEntries(fields.map((field) => [field, 1])), { unique: true, name: `${fields.join('_')}_guard` });
  for (const name of replaces) await target.dropIndex(name).catch(() => undefined);
  indexed.add(key);
}
