import type { Document } from 'mongodb';
import { ProjectionWrites, ReadModelWrite } from '@salon/shared/messaging';

type Stored = Document & { _id: string; revision?: number };

/**
 * Runs a projection's writes the way MongoDB does for the subset projections use: guarded
 * upserts (`{ _id, revision: { $lt } }`) with $set, $unset and $setOnInsert on top-level fields.
 * A guard that fails on an existing document is what MongoDB reports as a duplicate key, and the
 * runner treats as "already applied": counted, not applied.
 */
export class InMemoryReadModel {
  readonly documents = new Map<string, Stored>();
  alreadyApplied = 0;

  apply(writes: ProjectionWrites): this {
    for (const operations of writes.values()) operations.forEach((operation) => this.applyOne(operation));
    return this;
  }

  get(id: string): Stored | undefined {
    return this.documents.get(id);
  }

  private applyOne(operation: ReadModelWrite): void {
    if (!('updateOne' in operation)) throw new Error(`Unexpected operation ${Object.keys(operation).join(', ')}`);
    const { filter, update, upsert } = operation.updateOne as { filter: Document; update: Document; upsert?: boolean };
    const existing = this.documents.get(filter['_id']);
    if (existing && !(typeof existing.revision === 'number' && existing.revision < filter['revision'].$lt)) {
      this.alreadyApplied += 1;
      return;
    }
    if (!existing && !upsert) return;
    const paths = ['$set', '$unset', '$setOnInsert'].flatMap((operator) => Object.keys(update[operator] ?? {}));
    if (paths.some((path) => path.includes('.'))) throw new Error(`Dotted paths are not simulated: ${paths.join(', ')}`);
    const document: Stored = existing ? structuredClone(existing) : { _id: filter['_id'], ...structuredClone(update['$setOnInsert'] ?? {}) };
    Object.assign(document, structuredClone(update['$set'] ?? {}));
    for (const field of Object.keys(update['$unset'] ?? {})) delete document[field];
    this.documents.set(document._id, document);
  }
}
