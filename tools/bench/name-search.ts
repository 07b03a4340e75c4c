/**
 * `npm run bench:name-search [-- --clients 4000,20000 --other-clients 4600 --seconds 4 --in-flight 20]`:
 * the client list's name search (`GET /clients?name=…`'s query, ClientProfileQueries.search)
 * side by side in one run, straight against the read model of the local Mongo-compatible server:
 *  - **regex scan**: the cards as the projection stored them before the name keys (no
 *    `search.nameKeys`, the old `tenant_names` index), which the queries match by the regular
 *    expression over `search.name`, as the search did before;
 *  - **name keys**: the same cards with their keys and the index `tenant_nameKeys_sortName_id`,
 *    matched by equality on one key per word.
 * For each chain size the cards are built by the real projection from registration messages
 * (encrypted as the service stores them), in a chain of `--clients` beside another chain of
 * `--other-clients` in the same collection (the collection the issue measured held 8,600 cards
 * for a chain of 4,000). Each query kind runs one at a time and `--in-flight` at a time, for
 * `--seconds` per version, the versions taking turns every half second (A B B A …); both versions must answer the
 * same clients, or the run fails. Its own
 * databases, dropped at the end. Markdown on stdout, progress on stderr.
 */
import { BSON, Collection, IndexDescription } from 'mongodb';
import mongoose, { Connection } from 'mongoose';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { IncomingMessage, ReadModelVersions, projectInMemory, storable } from '@salon/shared/messaging';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import {
  CLIENT_PROFILES_COLLECTION,
  CLIENT_PROFILE_INDEXES,
  ClientProfileDocument,
} from '../../libs/clients/feature/src/lib/projections/client-profiles/client-profile.document';
import { ClientProfileQueries } from '../../libs/clients/feature/src/lib/projections/client-profiles/client-profile.queries';
import { createClientProfilesProjection } from '../../libs/clients/feature/src/lib/projections/client-profiles/client-profiles.projection';
import { ClientMessages } from '../../libs/clients/feature/src/lib/projections/client-profiles/test/client-messages';
import { bulletList, Cleanup, machineFacts, markdownTable, parseCli, progress, resolveOptions, setProgressLabel } from './support';

const OPTIONS = {
  seconds: { env: 'BENCH_NAME_SEARCH_SECONDS', default: 4, description: 'seconds per query kind, version and concurrency' },
  'in-flight': { env: 'BENCH_NAME_SEARCH_IN_FLIGHT', default: 20, description: 'queries in flight in the concurrent runs (bench:api uses 20 connections)' },
  'other-clients': { env: 'BENCH_NAME_SEARCH_OTHER_CLIENTS', default: 4600, description: "another chain's cards in the same collection" },
} as const;

// The names of bench:api (tools/bench/api-load.ts), so the two measure the same spread.
const FIRST_NAMES = ['Anna', 'Maria', 'Zofia', 'Olga', 'Irina', 'Katarzyna', 'Ewa', 'Natalia', 'Agnieszka', 'Svetlana'];
const LAST_NAMES = ['Kowalska', 'Nowak', 'Wiśniewska', 'Wójcik', 'Kamińska', 'Lewandowska', 'Zielińska', 'Szymańska', 'Iwanowa', 'Smirnowa', 'Kuznetsova', 'Popova'];
const TENANT = 'bench-chain';
const OTHER_TENANT = 'bench-other-chain';

/** The index the name search had before the keys: a scan of `search.name` entries at best. */
const INDEXES_BEFORE: readonly IndexDescription[] = [
  ...CLIENT_PROFILE_INDEXES.filter((index) => index.name !== 'tenant_nameKeys_sortName_id'),
  { name: 'tenant_names', key: { tenantId: 1, 'search.name': 1 } },
];

interface QueryKind {
  readonly name: string;
  /** The name typed by the i-th query, in a chain of `size`. */
  readonly text: (i: number, size: number) => string;
}

const QUERY_KINDS: readonly QueryKind[] = [
  // bench:api's own query: 1 in 12 of the chain matches, a page of 20.
  { name: 'five letters of a last name ("Kowal")', text: (i) => LAST_NAMES[i % LAST_NAMES.length].slice(0, 5) },
  // One client (and a few whose number starts the same), the front desk's usual query.
  { name: 'first and last name of one client ("Maria Nowak-1201")', text: (i, size) => nameOf((i * 7919) % size).join(' ') },
  { name: 'a name nobody has ("Xawery")', text: (i) => `Xawery${i % 3 === 0 ? '' : String(i % 3)}` },
];

/** The i-th client's first and last name, as bench:api names them: every 7th shares a plain last name. */
function nameOf(i: number): [string, string] {
  return [FIRST_NAMES[i % FIRST_NAMES.length], `${LAST_NAMES[i % LAST_NAMES.length]}${i % 7 === 0 ? '' : `-${i}`}`];
}

interface Sample {
  readonly servedPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

async function main(): Promise<number> {
  setProgressLabel('bench:name-search');
  const cli = parseCli(process.argv.slice(2));
  if (cli.has('help')) {
    process.stdout.write('  --clients 4000,20000     chain sizes, comma-separated\n');
    for (const [name, spec] of Object.entries(OPTIONS)) process.stdout.write(`  --${name.padEnd(22)} ${spec.env.padEnd(32)} default ${spec.default}  ${spec.description}\n`);
    return 0;
  }
  const sizes = (cli.get('clients') ?? process.env['BENCH_NAME_SEARCH_CLIENTS'] ?? '4000,20000').split(',').map((size) => Number(size.replace(/_/g, '')));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error('--clients: chain sizes, comma-separated, e.g. 4000,20000');
  cli.delete('clients');
  const options = resolveOptions(OPTIONS, cli);
  const cleanup = new Cleanup();
  const rows: string[][] = [];
  const facts: string[][] = [];
  let valid = true;
  try {
    for (const size of sizes) {
      const result = await measure(size, options, cleanup);
      rows.push(...result.rows);
      facts.push(result.facts);
      valid &&= result.valid;
    }
  } finally {
    await cleanup.run();
  }
  process.stdout.write(
    `${bulletList({ ...machineFacts(), server: 'the local Mongo-compatible server (mongo-java-server: it builds no non-unique index, so both versions scan the collection)', 'seconds per cell': options.seconds, 'in flight (concurrent runs)': options['in-flight'], "other chain's cards in the collection": options['other-clients'] })}\n\n`,
  );
  process.stdout.write(`${markdownTable(['clients in the chain', 'query', 'matched by', 'one at a time: /s', 'p50 ms', 'p99 ms', `${options['in-flight']} in flight: /s`, 'p50 ms', 'p99 ms'], rows)}\n\n`);
  process.stdout.write(`${markdownTable(['clients in the chain', 'name keys per card (mean, max)', 'card size, BSON (mean: before → with keys)'], facts)}\n`);
  if (!valid) process.stdout.write('\n**The two versions answered different clients: the numbers above mean nothing.**\n');
  return valid ? 0 : 1;
}

async function measure(size: number, options: ReturnType<typeof resolveOptions<typeof OPTIONS>>, cleanup: Cleanup): Promise<{ rows: string[][]; facts: string[]; valid: boolean }> {
  const open = async (label: string) => {
    const connection = await mongoose.createConnection(mongoUrl(uniqueName(`bench_name_search_${label}`)), {
      // A scan of 20,000 cards with 20 in flight keeps the server's one lock busy for seconds:
      // its heartbeat answers late, which must not count as the server being gone.
      serverSelectionTimeoutMS: 120_000,
      connectTimeoutMS: 120_000,
    }).asPromise();
    cleanup.add(`drop the ${label} database`, async () => {
      await connection.dropDatabase();
      await connection.close();
    });
    return connection;
  };
  const [before, after] = [await open('before'), await open('after')];
  const cards = await projectedCards(size, options['other-clients']);
  const legacyCards = cards.map(withoutNameKeys);
  progress(`${size} clients: inserting ${cards.length} cards into each version`);
  await insert(before, legacyCards, INDEXES_BEFORE);
  await insert(after, cards, CLIENT_PROFILE_INDEXES);

  const versions = [
    { label: 'regex scan (before)', queries: new ClientProfileQueries(before) },
    { label: 'name keys (after)', queries: new ClientProfileQueries(after) },
  ];
  const rows: string[][] = [];
  let valid = true;
  for (const kind of QUERY_KINDS) {
    // Both versions must answer the same page for every text the runs type.
    for (let i = 0; i < 24; i++) {
      const [old, keyed] = await Promise.all(versions.map(async ({ queries }) => (await queries.search(TENANT, { text: kind.text(i, size), limit: 20 })).items.map((item) => item.clientId)));
      if (JSON.stringify(old) !== JSON.stringify(keyed)) {
        valid = false;
        progress(`${size} clients, ${kind.name}: query ${i} answered ${old.length} clients before and ${keyed.length} with the keys`);
      }
    }
    progress(`${size} clients, ${kind.name}`);
    const searchOf = (queries: ClientProfileQueries) => (i: number) => queries.search(TENANT, { text: kind.text(i, size), limit: 20 });
    const [single, concurrent] = [await abba(versions.map(({ queries }) => searchOf(queries)), 1, options.seconds), await abba(versions.map(({ queries }) => searchOf(queries)), options['in-flight'], options.seconds)];
    versions.forEach(({ label }, v) => {
      rows.push([size.toLocaleString('en-US'), kind.name, label, ...cells(single[v]), ...cells(concurrent[v])]);
      progress(`  ${rows[rows.length - 1].join(' | ')}`);
    });
  }
  const keyCounts = cards.filter((card) => card.tenantId === TENANT).map((card) => card.search?.nameKeys?.length ?? 0);
  const meanSize = (documents: readonly ClientProfileDocument[]) => Math.round(documents.reduce((sum, document) => sum + BSON.calculateObjectSize(document), 0) / documents.length);
  const facts = [
    size.toLocaleString('en-US'),
    `${(keyCounts.reduce((sum, count) => sum + count, 0) / keyCounts.length).toFixed(0)}, ${Math.max(...keyCounts)}`,
    `${meanSize(legacyCards)} B → ${meanSize(cards)} B`,
  ];
  return { rows, facts, valid };
}

/** The cards of both chains as the projection writes them, from registrations encrypted as the service stores them. */
async function projectedCards(size: number, otherSize: number): Promise<ClientProfileDocument[]> {
  const keys = new InMemoryKeyStore();
  const projection = createClientProfilesProjection(new PersonalDataCipher(keys));
  const cards: ClientProfileDocument[] = [];
  const chains = [
    { tenantId: TENANT, count: size },
    { tenantId: OTHER_TENANT, count: otherSize },
  ];
  for (const { tenantId, count } of chains) {
    progress(`${size} clients: projecting ${count} registrations of ${tenantId}`);
    for (let from = 0; from < count; from += 1_000) {
      const messages: IncomingMessage[] = [];
      for (let i = from; i < Math.min(count, from + 1_000); i++) {
        const [firstName, lastName] = nameOf(i);
        const form = { phone: `+48 5${String(i).padStart(8, '0')}`, firstName, lastName };
        messages.push(await new ClientMessages(keys, tenantId).registered(form));
      }
      const folded = await projectInMemory(projection, messages, new Map<string, ClientProfileDocument | null>());
      for (const [id, document] of folded) if (document) cards.push(storable(id, document));
    }
  }
  return cards;
}

function withoutNameKeys(card: ClientProfileDocument): ClientProfileDocument {
  if (!card.search) return card;
  const { nameKeys: _keys, ...search } = card.search;
  return { ...card, search };
}

async function insert(connection: Connection, cards: readonly ClientProfileDocument[], indexes: readonly IndexDescription[]): Promise<void> {
  const physical = await new ReadModelVersions(connection).activeCollection(CLIENT_PROFILES_COLLECTION);
  const collection: Collection<ClientProfileDocument> = connection.collection<ClientProfileDocument>(physical);
  await collection.createIndexes([...indexes]);
  for (let i = 0; i < cards.length; i += 1_000) await collection.insertMany(cards.slice(i, i + 1_000) as ClientProfileDocument[], { ordered: false });
}

/**
 * The two versions' queries for `seconds` each, taking turns in slices of half a second ordered
 * A B B A A B B A …, so that a shared server getting busier or quieter during the run (other
 * sessions' suites use it too) weighs on both alike.
 */
async function abba(queries: readonly ((i: number) => Promise<unknown>)[], inFlight: number, seconds: number): Promise<Sample[]> {
  const runs = [{ latencies: [] as number[], seconds: 0 }, { latencies: [] as number[], seconds: 0 }];
  const slices = Math.max(2, Math.round(seconds * 2));
  for (let slice = 0; slice < 2 * slices; slice++) {
    const v = [0, 1, 1, 0][slice % 4];
    const run = await load(queries[v], inFlight, 0.5);
    runs[v].latencies.push(...run.latencies);
    runs[v].seconds += run.seconds;
  }
  return runs.map(({ latencies, seconds: elapsed }) => {
    latencies.sort((a, b) => a - b);
    const at = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))];
    return { servedPerSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
  });
}

/** `inFlight` loops, each sending its next query when its last one answered, for `seconds`. */
async function load(query: (i: number) => Promise<unknown>, inFlight: number, seconds: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        const sent = performance.now();
        await query(next++);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function cells(sample: Sample): string[] {
  const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
  return [sample.servedPerSecond.toFixed(0), ms(sample.p50), ms(sample.p99)];
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
