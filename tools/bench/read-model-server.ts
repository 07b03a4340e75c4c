/**
 * Compares MongoDB-wire servers on the read models' own kinds of request: insertOne, findOne by _id,
 * updateOne by _id and find by a field with a non-unique secondary index (as the client list and the
 * BI queries filter), each sequentially and from 16 concurrent callers, in a scratch database that is
 * dropped afterwards. Prints what the server reports (maxWireVersion) and one JSON line of ops/s.
 *
 *   node -r @swc-node/register tools/bench/read-model-server.ts --url mongodb://127.0.0.1:27100/probe \
 *     [--ops 1000] [--documents 20000] [--concurrency 16] [--label name]
 *
 * Every loop is bounded by --ops; nothing runs longer than the server takes to answer them.
 */
import { MongoClient } from 'mongodb';

interface Options {
  url: string;
  ops: number;
  documents: number;
  concurrency: number;
  label: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { url: '', ops: 1000, documents: 20_000, concurrency: 16, label: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--url') options.url = value;
    else if (name === '--ops') options.ops = Number(value);
    else if (name === '--documents') options.documents = Number(value);
    else if (name === '--concurrency') options.concurrency = Number(value);
    else if (name === '--label') options.label = value;
    else throw new Error(`unknown option ${name}`);
  }
  if (!options.url) throw new Error('--url is required');
  return options;
}

/** Runs `op(i)` for i in [0, ops) from `callers` concurrent loops; returns operations per second. */
async function rate(ops: number, callers: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let i = next++; i < ops; i = next++) await op(i);
    }),
  );
  const perSecond = Math.round((ops * 1000) / (performance.now() - started));
  process.stderr.write(`${perSecond}/s `);
  return perSecond;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const client = await new MongoClient(options.url, { maxPoolSize: options.concurrency + 4 }).connect();
  try {
    const db = client.db(`probe_${Date.now()}`);
    const hello = await db.admin().command({ hello: 1 }).catch(() => db.admin().command({ isMaster: 1 }));
    const build = await db.admin().command({ buildInfo: 1 }).catch(() => ({ version: '?' }));
    const docs = db.collection<{ _id: string; tenantId: string; salonId: string; n: number; pad: string }>('docs');
    const pad = 'x'.repeat(500);
    // A read model of `documents` rows spread over 200 salons; the secondary index as the services declare it.
    for (let i = 0; i < options.documents; i += 1000) {
      await docs.insertMany(
        Array.from({ length: Math.min(1000, options.documents - i) }, (_, k) => ({ _id: `d${i + k}`, tenantId: 't', salonId: `s${(i + k) % 200}`, n: 0, pad })),
      );
    }
    await docs.createIndex({ tenantId: 1, salonId: 1 }, { name: 'tenant_salon' });
    process.stderr.write(`${options.documents} documents written; `);
    const { ops, concurrency } = options;
    const result: Record<string, number | string> = { label: options.label, server: String(build.version), maxWireVersion: hello.maxWireVersion };
    const inserts = db.collection<{ _id: string; n: number; pad: string }>('inserts');
    result.insertOne_seq = await rate(ops, 1, (i) => inserts.insertOne({ _id: `a${i}`, n: i, pad }));
    result.insertOne_c16 = await rate(ops, concurrency, (i) => inserts.insertOne({ _id: `b${i}`, n: i, pad }));
    const key = (i: number) => `d${(i * 7919) % options.documents}`;
    result.findOne_id_seq = await rate(ops, 1, (i) => docs.findOne({ _id: key(i) }));
    result.findOne_id_c16 = await rate(ops, concurrency, (i) => docs.findOne({ _id: key(i) }));
    result.updateOne_id_seq = await rate(ops, 1, (i) => docs.updateOne({ _id: key(i) }, { $set: { n: i } }));
    result.updateOne_id_c16 = await rate(ops, concurrency, (i) => docs.updateOne({ _id: key(i) }, { $set: { n: i } }));
    // 100 documents per salon: the indexed filter the client list sends, one page of 20.
    const indexedOps = Math.max(20, Math.floor(ops / 10));
    result.find_indexed_seq = await rate(indexedOps, 1, (i) => docs.find({ tenantId: 't', salonId: `s${i % 200}` }).limit(20).toArray());
    result.find_indexed_c16 = await rate(indexedOps, concurrency, (i) => docs.find({ tenantId: 't', salonId: `s${i % 200}` }).limit(20).toArray());
    await db.dropDatabase();
    console.log(JSON.stringify(result));
  } finally {
    await client.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
