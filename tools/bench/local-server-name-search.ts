/**
 * `npm run bench:local-server-name-search [-- --clients 100000 --other-clients 4600 --seconds 4]`:
 * the client list's name-search query straight to the local MongoDB-compatible server (MONGO_URL),
 * at the size issue 16 asks for, with and without the server's own secondary indexes
 * (deploy/local/mongo/LocalSecondaryIndexes.java). bench:name-search measures the query through
 * ClientProfileQueries at smaller sizes; this one leaves the service out to show what the server
 * itself does at 100,000 clients, where a scan per query is too slow to measure in minutes.
 *
 * The cards hold what the projection writes for search (`nameSearchKeys`, the normalised names,
 * sortName) beside a payload of a card's size; the query is the service's shape: tenant, status
 * and one name key (`nameQueryKeys`) in `$and`, sorted by sortName and _id, a page of 21. Prints
 * the rate and latency one query at a time and with 20 in flight, and the server's index counters
 * (localIndexStats), which say whether the server had its indexes (LOCAL_MONGO_SECONDARY_INDEXES).
 */
import { mongo } from 'mongoose';
import { nameQueryKeys, nameSearchKeys, searchableText } from '../../libs/clients/domain/src/lib/search';
import { bulletList, machineFacts, markdownTable, parseCli, progress, resolveOptions, setProgressLabel } from './support';

const OPTIONS = {
  clients: { env: 'BENCH_LOCAL_NAME_SEARCH_CLIENTS', default: 100_000, description: 'cards of the searched chain' },
  'other-clients': { env: 'BENCH_LOCAL_NAME_SEARCH_OTHER_CLIENTS', default: 4_600, description: "another chain's cards in the same collection" },
  seconds: { env: 'BENCH_LOCAL_NAME_SEARCH_SECONDS', default: 4, description: 'seconds per query and concurrency' },
} as const;

const FIRST_NAMES = ['Anna', 'Maria', 'Zofia', 'Olga', 'Irina', 'Katarzyna', 'Ewa', 'Natalia', 'Agnieszka', 'Svetlana'];
const LAST_NAMES = ['Kowalska', 'Nowak', 'Wiśniewska', 'Wójcik', 'Kamińska', 'Lewandowska', 'Zielińska', 'Szymańska', 'Iwanowa', 'Smirnowa', 'Kuznetsova', 'Popova'];
const QUERIES = [
  { label: 'five letters of a last name ("Kowal")', text: 'Kowal' },
  { label: 'a name nobody has ("Xawery")', text: 'Xawery' },
];
const DATABASE = 'bench_local_name_search';

async function main(): Promise<void> {
  setProgressLabel('bench:local-server-name-search');
  const options = resolveOptions(OPTIONS, parseCli(process.argv.slice(2)));
  const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27018/salon?directConnection=true';
  const client = await new mongo.MongoClient(url, { serverSelectionTimeoutMS: 10_000 }).connect();
  const db = client.db(DATABASE);
  try {
    await db.dropDatabase();
    const cards = db.collection('client_profiles');
    await cards.createIndexes([
      { name: '_id_tenant', key: { _id: 1, tenantId: 1 }, unique: true },
      { name: 'tenant_sortName_id', key: { tenantId: 1, sortName: 1, _id: 1 } },
      { name: 'tenant_nameKeys_sortName_id', key: { tenantId: 1, 'search.nameKeys': 1, sortName: 1, _id: 1 } },
    ]);
    const total = options.clients + options['other-clients'];
    const seeding = Date.now();
    progress(`seeding ${total} cards`);
    for (let start = 0; start < total; start += 1_000) {
      await cards.insertMany(Array.from({ length: Math.min(1_000, total - start) }, (_, offset) => cardOf(start + offset, options.clients)));
    }
    const seeded = (Date.now() - seeding) / 1_000;
    const rows: string[][] = [];
    for (const query of QUERIES) {
      const keys = nameQueryKeys(query.text).keys;
      const filter = { $and: [{ tenantId: 'bench-chain' }, { status: 'active' }, { 'search.nameKeys': keys[0] }] };
      // A first pass warms the server's JIT; only the second is reported.
      for (const pass of ['warm-up', 'measured']) {
        for (const inFlight of [1, 20]) {
          const measured = await load(options.seconds, inFlight, () => cards.find(filter, { projection: { search: 0 } }).sort({ sortName: 1, _id: 1 }).limit(21).toArray());
          if (pass === 'measured') rows.push([options.clients.toLocaleString('en'), query.label, String(inFlight), String(measured.rate), measured.p50, measured.p99]);
        }
      }
      progress(`${query.label}: done`);
    }
    const stats = await client.db('admin').command({ localIndexStats: 1 }).catch(() => ({ enabled: 'unknown (not the local server)' }));
    process.stdout.write(`\n${bulletList({ ...machineFacts(), 'cards in the collection': total, 'seeded in (s)': seeded.toFixed(0), 'server secondary indexes': String(stats['enabled']) })}\n\n`);
    process.stdout.write(`${markdownTable(['clients in the chain', 'query', 'in flight', 'queries/s', 'p50 ms', 'p99 ms'], rows)}\n`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

/** A card's search fields as the projection writes them, a chain's worth of them, and a payload of a card's size. */
function cardOf(index: number, chainSize: number): mongo.Document {
  const firstName = FIRST_NAMES[index % FIRST_NAMES.length];
  const lastName = `${LAST_NAMES[index % LAST_NAMES.length]}${index % 7 === 0 ? '' : `-${index}`}`;
  return {
    _id: `client-${index}`,
    tenantId: index < chainSize ? 'bench-chain' : 'bench-other-chain',
    status: 'active',
    sortName: searchableText(`${lastName} ${firstName}`),
    search: { name: searchableText(`${firstName} ${lastName}`), nameKeys: nameSearchKeys([firstName, lastName]) },
    payload: 'x'.repeat(600),
  };
}

async function load(seconds: number, inFlight: number, query: () => Promise<unknown>): Promise<{ rate: number; p50: string; p99: string }> {
  const end = Date.now() + seconds * 1_000;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < end) {
        const started = process.hrtime.bigint();
        await query();
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))].toFixed(1);
  return { rate: Math.round(latencies.length / seconds), p50: at(0.5), p99: at(0.99) };
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
