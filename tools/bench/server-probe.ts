/**
 * What one read-model write costs on the MongoDB-wire server, in a scratch collection as large as
 * the measured read model: the writes ProjectionRunner.write sends (a compare-and-set replace on
 * `{ _id, tenantId, revision }` served by its unique index, an insert for a new document) against the
 * cheapest write there is (a replace by `_id` alone) and the old `{ revision: { $lt } }` guard.
 * Shows how much of a benchmark's rate is the server rather than the code.
 */
import type { Connection } from 'mongoose';

export interface ServerProbe {
  readonly documents: number;
  readonly ops: number;
  /** µs per operation, each kind sent as one unordered bulkWrite of `ops` operations. */
  readonly byIdUs: number;
  readonly compareAndSetUs: number;
  readonly ltFilterUs: number;
  readonly insertUs: number;
  /** µs per document of the `_id: { $in }` read the runner does once per batch. */
  readonly readInUs: number;
}

interface Probed {
  _id: string;
  tenantId: string;
  revision: number;
  n: number;
  pad: string;
}

export async function probeServer(mongo: Connection, documents: number, ops = Math.min(documents, 500)): Promise<ServerProbe> {
  const collection = mongo.collection<Probed>(`bench_probe_${Date.now()}`);
  const pad = 'x'.repeat(200);
  for (let i = 0; i < documents; i += 5_000) {
    await collection.insertMany(Array.from({ length: Math.min(5_000, documents - i) }, (_, k) => ({ _id: `k${i + k}`, tenantId: 'probe', revision: 0, n: 0, pad })));
  }
  // The runner's compare-and-set index, created before anything is timed (the runner creates it once).
  await collection.createIndex({ _id: 1, tenantId: 1, revision: 1 }, { unique: true, name: '_id_tenantId_revision_guard' });
  const keys = Array.from({ length: ops }, (_, i) => `k${Math.floor((i * documents) / ops)}`);
  const perOp = async (send: () => Promise<unknown>) => {
    const started = performance.now();
    await send();
    return ((performance.now() - started) * 1000) / ops;
  };
  const replaceAll = (filter: (key: string) => object, revision: number) =>
    collection.bulkWrite(keys.map((key) => ({ replaceOne: { filter: { _id: key, ...filter(key) }, replacement: { tenantId: 'probe', revision, n: revision, pad } } })), { ordered: false });
  const byIdUs = await perOp(() => replaceAll(() => ({}), 1));
  const compareAndSetUs = await perOp(() => replaceAll(() => ({ tenantId: 'probe', revision: 1 }), 2));
  const ltFilterUs = await perOp(() => collection.bulkWrite(keys.map((key) => ({ updateOne: { filter: { _id: key, revision: { $lt: 3 } }, update: { $set: { revision: 3 } } } })), { ordered: false }));
  const insertUs = await perOp(() => collection.insertMany(keys.map((key) => ({ _id: `new-${key}`, tenantId: 'probe', revision: 0, n: 0, pad })), { ordered: false }));
  const readInUs = await perOp(() => collection.find({ _id: { $in: keys } }).toArray());
  await collection.drop();
  return { documents, ops, byIdUs, compareAndSetUs, ltFilterUs, insertUs, readInUs };
}

/** The probe as Markdown table rows: [what, µs per op]. */
export function probeRows(probe: ServerProbe, format: (value: number) => string): string[][] {
  return [
    ['replace by _id alone (the cheapest write; no guard)', format(probe.byIdUs)],
    ['replace filtered by { _id, tenantId, revision: <read> } (the compare-and-set runner.write sends, served by its unique index)', format(probe.compareAndSetUs)],
    ['update filtered by { _id, revision: { $lt } } (the old guard: a collection scan on this server)', format(probe.ltFilterUs)],
    ['insert of a new document (what a rebuild writes, and runner.write for a new document)', format(probe.insertUs)],
    ['the _id: { $in } read, per document (once per batch)', format(probe.readInUs)],
  ];
}
