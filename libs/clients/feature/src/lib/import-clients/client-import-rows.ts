import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { ImportCounts, ImportFieldProblem, ImportRowOutcome, NO_IMPORT_COUNTS } from '@salon/clients/domain';

export const CLIENT_IMPORT_ROWS_COLLECTION = 'client_import_rows';
export const CLIENT_IMPORT_PROGRESS_COLLECTION = 'client_import_progress';

/** A dry run's answer and the import's record are kept apart: the report shows the one asked for. */
export type ImportPhase = 'dry-run' | 'import';

/** What became of one row: ids, the outcome and field-and-reason problems, never a value of the file. */
export interface ImportRowResult {
  readonly row: number;
  readonly outcome: ImportRowOutcome;
  readonly clientId?: string;
  readonly problems: readonly ImportFieldProblem[];
}

interface ImportRowDocument extends ImportRowResult {
  readonly _id: string;
  readonly tenantId: string;
  readonly jobId: string;
  readonly phase: ImportPhase;
}

/** The counts of a pass as its runner last saved them with its rows: one document per job and phase. */
interface ImportProgressDocument {
  readonly _id: string;
  readonly tenantId: string;
  readonly jobId: string;
  readonly phase: ImportPhase;
  readonly counts: ImportCounts;
}

/**
 * `client_import_rows`: one document per row and phase, `_id` = job, phase and row, so a row done
 * again by a resumed job replaces its document instead of adding one.
 *
 * `client_import_progress`: the counts of each pass, saved after the rows they count, so the
 * progress of a running job is one read by `_id`. Counting the rows at each look did the same
 * answer's work again and again: on the local server every count scanned every row of every job
 * under its one lock (a 100,000-row import polled twice a second slowed to a few hundred rows/s).
 */
export class ClientImportRows {
  private indexes: Promise<unknown> | undefined;

  constructor(private readonly mongo: Connection) {}

  private collection(): Collection<ImportRowDocument> {
    return this.mongo.collection<ImportRowDocument>(CLIENT_IMPORT_ROWS_COLLECTION);
  }

  private progress(): Collection<ImportProgressDocument> {
    return this.mongo.collection<ImportProgressDocument>(CLIENT_IMPORT_PROGRESS_COLLECTION);
  }

  private async ready(): Promise<Collection<ImportRowDocument>> {
    const collection = this.collection();
    this.indexes ??= collection.createIndexes([
      // A row's document by id within its chain: the local server uses an index only for a filter
      // naming exactly its keys; without it every row's save scanned every row of every job.
      { name: '_id_tenant', key: { _id: 1, tenantId: 1 }, unique: true },
      // Unnamed as it always was: the same keys under a new name would be refused where it exists.
      { key: { tenantId: 1, jobId: 1, phase: 1, row: 1 } },
    ]);
    await this.indexes;
    return collection;
  }

  /** The rows' results, then the pass's counts with them (never ahead of the rows they count). */
  async save(tenantId: string, jobId: string, phase: ImportPhase, results: readonly ImportRowResult[], counts: ImportCounts): Promise<void> {
    if (results.length > 0) await this.saveRows(tenantId, jobId, phase, results);
    await this.saveCounts(tenantId, jobId, phase, counts);
  }

  /** Where a pass begins: nothing done yet (a dry run), or the checkpoint's counts (an import resumed). */
  async saveCounts(tenantId: string, jobId: string, phase: ImportPhase, counts: ImportCounts): Promise<void> {
    const _id = progressId(jobId, phase);
    await this.progress().replaceOne({ _id }, { tenantId, jobId, phase, counts }, { upsert: true });
  }

  private async saveRows(tenantId: string, jobId: string, phase: ImportPhase, results: readonly ImportRowResult[]): Promise<void> {
    const operations: AnyBulkWriteOperation<ImportRowDocument>[] = results.map((result) => {
      const document: ImportRowDocument = { _id: `${jobId}:${phase}:${result.row}`, tenantId, jobId, phase, ...result };
      return { replaceOne: { filter: { _id: document._id, tenantId }, replacement: document, upsert: true } };
    });
    await (await this.ready()).bulkWrite(operations, { ordered: false });
  }

  async clear(tenantId: string, jobId: string, phase: ImportPhase): Promise<void> {
    await (await this.ready()).deleteMany({ tenantId, jobId, phase });
    await this.saveCounts(tenantId, jobId, phase, NO_IMPORT_COUNTS);
  }

  /** The counts so far, as the runner saved them with its rows: readable while the job runs, on any instance. */
  async counts(tenantId: string, jobId: string, phase: ImportPhase): Promise<ImportCounts> {
    const saved = await this.progress().findOne({ _id: progressId(jobId, phase) });
    if (saved !== null) return saved.tenantId === tenantId ? saved.counts : NO_IMPORT_COUNTS;
    return this.countRows(tenantId, jobId, phase);
  }

  /** A job whose pass began before its counts were saved (an older version of the service) is counted from its rows. */
  private async countRows(tenantId: string, jobId: string, phase: ImportPhase): Promise<ImportCounts> {
    const groups = await (await this.ready())
      .aggregate<{ _id: ImportRowOutcome; count: number }>([
        { $match: { tenantId, jobId, phase } },
        { $group: { _id: '$outcome', count: { $sum: 1 } } },
      ])
      .toArray();
    const count = (outcome: ImportRowOutcome) => groups.find((group) => group._id === outcome)?.count ?? 0;
    const created = count('create');
    const updated = count('update');
    const skipped = count('skip-duplicate-in-file') + count('skip-existing');
    const refused = count('refused');
    return { ...NO_IMPORT_COUNTS, rowsDone: created + updated + skipped + refused, created, updated, skipped, refused };
  }

  /** The rows up to `upTo` that were refused (their numbers and e-mails make no later row a duplicate). */
  async refusedRows(tenantId: string, jobId: string, phase: ImportPhase, upTo: number): Promise<Set<number>> {
    const refused = (await this.ready()).find({ tenantId, jobId, phase, outcome: 'refused', row: { $lte: upTo } }, { projection: { row: 1 } });
    const rows = new Set<number>();
    for await (const { row } of refused) rows.add(row);
    return rows;
  }

  async hasAny(tenantId: string, jobId: string, phase: ImportPhase): Promise<boolean> {
    return (await (await this.ready()).findOne({ tenantId, jobId, phase }, { projection: { _id: 1 } })) !== null;
  }

  /** The rows in order, read through one cursor (a report of 100,000 rows is never in memory). */
  async *inOrder(tenantId: string, jobId: string, phase: ImportPhase): AsyncGenerator<ImportRowResult> {
    const cursor = (await this.ready()).find({ tenantId, jobId, phase }, { sort: { row: 1 }, batchSize: 500 });
    for await (const { row, outcome, clientId, problems } of cursor) yield { row, outcome, clientId, problems };
  }

  async removeJob(tenantId: string, jobId: string): Promise<void> {
    await (await this.ready()).deleteMany({ tenantId, jobId });
    await this.progress().deleteMany({ _id: { $in: [progressId(jobId, 'dry-run'), progressId(jobId, 'import')] }, tenantId });
  }
}

function progressId(jobId: string, phase: ImportPhase): string {
  return `${jobId}:${phase}`;
}

/** Row results written in batches, one bulk write each, with the counts of the pass up to them. */
export class ClientImportRowResultsBuffer {
  private results: ImportRowResult[] = [];

  constructor(
    private readonly rows: ClientImportRows,
    private readonly tenantId: string,
    private readonly jobId: string,
    private readonly phase: ImportPhase,
  ) {}

  get size(): number {
    return this.results.length;
  }

  add(result: ImportRowResult): void {
    this.results.push(result);
  }

  /** `counts`: the pass's counts once the results buffered so far are counted. */
  async flush(counts: ImportCounts): Promise<void> {
    const batch = this.results;
    this.results = [];
    await this.rows.save(this.tenantId, this.jobId, this.phase, batch, counts);
  }
}
