import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mongo } from 'mongoose';
import { mongoUrl, uniqueName } from '@salon/shared/testing';

/** The test's documents: string ids, any other fields. */
interface Card extends mongo.Document {
  _id: string;
}
type Filter = mongo.Filter<Card>;
type Sort = Record<string, 1 | -1>;

// The local server's secondary indexes (deploy/local/mongo/LocalSecondaryIndexes.java) must change
// how many documents a query reads, never its answer: the same documents in a collection with the
// services' kind of indexes and in one without any, every query asked of both, answers compared
// whole and in order. Then the same after updates and deletes that move documents between keys,
// and after a restart of a server of the test's own, which builds the indexes again from its file.

const TENANTS = ['chain-a', 'chain-b', 'chain-c'];
const NAME_KEYS = ['a', 'an', 'ann', 'anna', 'ko', 'kow', 'kowal', 'no', 'now', 'nowak', 'ма', 'мар', 'мария'];

/** A small deterministic generator: the same documents on every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function documentsOf(count: number): Card[] {
  const random = generator(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  return Array.from({ length: count }, (_, i) => {
    const document: Card = { _id: `client-${String(i).padStart(4, '0')}`, tenantId: pick(TENANTS) };
    const shape = random();
    // Missing, null, a string, an array holding it: the shapes an equality must treat alike.
    if (shape < 0.7) document.clientId = `c-${Math.floor(random() * 25)}`;
    else if (shape < 0.8) document.clientId = null;
    else if (shape < 0.9) document.clientId = [`c-${Math.floor(random() * 25)}`, `c-${Math.floor(random() * 25)}`];
    const keys = Array.from({ length: Math.floor(random() * 6) }, () => pick(NAME_KEYS));
    if (random() < 0.9) document.search = { nameKeys: keys, ...(random() < 0.6 ? { email: `${pick(['ann', 'kowal', 'x'])}@example.com` } : {}) };
    document.sortName = `${pick(['Kowalska', 'Nowak', 'Иванова', 'Anna'])} ${i % 7}`;
    // Numbers of three types that compare equal: 3, 3.0, 3n.
    const number = Math.floor(random() * 5);
    document.number = random() < 0.33 ? number : random() < 0.5 ? new mongo.Double(number) : mongo.Long.fromNumber(number);
    document.visits = Array.from({ length: Math.floor(random() * 3) }, () => ({ salonId: pick(['s1', 's2', 's3']) }));
    document.at = new Date(Date.UTC(2026, 0, 1 + Math.floor(random() * 30)));
    return document;
  });
}

const INDEXES: mongo.IndexDescription[] = [
  { name: '_id_tenant', key: { _id: 1, tenantId: 1 }, unique: true },
  { name: 'tenant_client_at_id', key: { tenantId: 1, clientId: 1, at: -1, _id: -1 } },
  { name: 'tenant_nameKeys_sortName_id', key: { tenantId: 1, 'search.nameKeys': 1, sortName: 1, _id: 1 } },
  { name: 'tenant_email', key: { tenantId: 1, 'search.email': 1 } },
  { name: 'number', key: { number: 1 } },
  { name: 'visit_salon', key: { 'visits.salonId': 1 } },
];

const QUERIES: { name: string; filter: Filter; sort?: Sort; skip?: number; limit?: number; projection?: mongo.Document }[] = [
  { name: 'tenant and client', filter: { tenantId: 'chain-a', clientId: 'c-3' } },
  { name: 'tenant and client, newest first, a page', filter: { tenantId: 'chain-b', clientId: 'c-7' }, sort: { at: -1, _id: -1 }, limit: 3 },
  { name: 'a client id inside an array', filter: { tenantId: 'chain-c', clientId: 'c-11' } },
  { name: 'client by $eq and $in', filter: { tenantId: { $eq: 'chain-a' }, clientId: { $in: ['c-1', 'c-2', 'c-3'] } } },
  { name: 'client null (never from an index)', filter: { tenantId: 'chain-a', clientId: null } },
  { name: 'tenant only', filter: { tenantId: 'chain-b' }, sort: { sortName: 1, _id: 1 } },
  { name: 'name key in $and, by name, a page', filter: { $and: [{ tenantId: 'chain-a' }, { status: { $exists: false } }, { 'search.nameKeys': 'kowal' }] }, sort: { sortName: 1, _id: 1 }, limit: 5 },
  { name: 'two name keys ($all)', filter: { $and: [{ tenantId: 'chain-b' }, { 'search.nameKeys': { $all: ['anna', 'now'] } }] }, sort: { sortName: 1, _id: 1 } },
  { name: 'name key and a regular expression', filter: { $and: [{ tenantId: 'chain-c' }, { 'search.nameKeys': 'ма' }, { sortName: { $regex: '^Ива' } }] } },
  { name: 'name key after a cursor ($or)', filter: { $and: [{ tenantId: 'chain-a' }, { 'search.nameKeys': 'an' }, { $or: [{ sortName: { $gt: 'Kowalska 3' } }, { sortName: 'Kowalska 3', _id: { $gt: 'client-0100' } }] }] }, sort: { sortName: 1, _id: 1 }, limit: 10 },
  { name: 'name key nobody has', filter: { tenantId: 'chain-a', 'search.nameKeys': 'xawery' } },
  { name: 'e-mail', filter: { tenantId: 'chain-b', 'search.email': 'ann@example.com' }, projection: { search: 0 } },
  { name: 'number 3 whatever its type', filter: { number: 3 } },
  { name: 'number 2.0 as a double', filter: { number: new mongo.Double(2) } },
  { name: 'a field inside an array of subdocuments', filter: { 'visits.salonId': 's2', tenantId: 'chain-a' } },
  { name: 'id and tenant with more conditions', filter: { $and: [{ _id: 'client-0042' }, { tenantId: { $in: TENANTS } }, { number: { $gte: 0 } }] } },
  { name: 'ids in a list and tenant', filter: { _id: { $in: ['client-0001', 'client-0002', 'client-0300', 'nobody'] }, tenantId: 'chain-a' } },
  { name: 'no order asked', filter: { tenantId: 'chain-c', 'search.nameKeys': 'a' } },
  { name: 'a page in reverse index order', filter: { tenantId: 'chain-b', 'search.nameKeys': 'ko' }, sort: { sortName: -1, _id: -1 }, skip: 1, limit: 4 },
  { name: 'a page in index order where few match the other conditions', filter: { tenantId: 'chain-a', 'search.nameKeys': 'a', number: 4, 'search.email': { $exists: true } }, sort: { sortName: 1, _id: 1 }, limit: 3 },
  { name: 'ids by a regular expression, in the unique index order', filter: { _id: { $regex: '^client-0[01][0-4]' } } },
  { name: 'skip and limit in name order', filter: { tenantId: 'chain-a', 'search.nameKeys': 'a' }, sort: { sortName: -1, _id: 1 }, skip: 2, limit: 4 },
];

async function answersOf(collection: mongo.Collection<Card>): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const query of QUERIES) {
    let cursor = collection.find(query.filter, query.projection ? { projection: query.projection } : {});
    if (query.sort) cursor = cursor.sort(query.sort);
    if (query.skip) cursor = cursor.skip(query.skip);
    if (query.limit) cursor = cursor.limit(query.limit);
    answers[query.name] = { documents: await cursor.toArray(), count: await collection.countDocuments(query.filter) };
  }
  return answers;
}

/** The local server's own counters (LocalMongoServer answers this command itself). */
async function indexStats(db: mongo.Db): Promise<{ planned: number; inIndexOrder: number; differences: number }> {
  const stats = await db.admin().command({ localIndexStats: 1 });
  return { planned: Number(stats.planned), inIndexOrder: Number(stats.inIndexOrder), differences: Number(stats.differences) };
}

/** Moves documents between keys: a pushed and a pulled name key, a changed and an unset client, replaced and deleted documents. */
async function change(collection: mongo.Collection<Card>): Promise<void> {
  await collection.updateMany({ tenantId: 'chain-a', 'search.nameKeys': 'kowal' }, { $push: { 'search.nameKeys': 'xawery' } } as unknown as mongo.UpdateFilter<Card>);
  await collection.updateMany({ tenantId: 'chain-b', 'search.nameKeys': 'anna' }, { $pull: { 'search.nameKeys': 'anna' } } as unknown as mongo.UpdateFilter<Card>);
  await collection.updateMany({ tenantId: 'chain-a', clientId: 'c-3' }, { $set: { clientId: 'c-4' } });
  await collection.updateOne({ tenantId: 'chain-b', clientId: 'c-7' }, { $unset: { clientId: '' } });
  await collection.replaceOne({ _id: 'client-0042', tenantId: { $exists: true } }, { tenantId: 'chain-c', clientId: 'c-11', sortName: 'Anna 0', number: 3 });
  await collection.deleteMany({ tenantId: 'chain-c', 'search.nameKeys': 'мария' });
  await collection.findOneAndUpdate({ tenantId: 'chain-b', 'search.email': 'ann@example.com' }, { $set: { 'search.email': 'x@example.com' } });
  await collection.insertOne({ _id: 'client-9999', tenantId: 'chain-a', clientId: 'c-3', search: { nameKeys: ['kowal', 'a'] }, sortName: 'Kowalska 9', number: 3 });
}

async function prepare(db: mongo.Db, documents: Card[]): Promise<{ indexed: mongo.Collection<Card>; plain: mongo.Collection<Card> }> {
  const indexed = db.collection<Card>('indexed');
  const plain = db.collection<Card>('plain');
  // Half before the indexes (built from the documents), half after (kept as they are written).
  await indexed.insertMany(documents.slice(0, documents.length / 2));
  await indexed.createIndexes(INDEXES);
  await indexed.insertMany(documents.slice(documents.length / 2));
  await plain.insertMany(documents);
  return { indexed, plain };
}

describe('local MongoDB-compatible server: secondary indexes', () => {
  const documents = documentsOf(600);

  describe('on the shared server', () => {
    let client: mongo.MongoClient;
    let db: mongo.Db;

    beforeAll(async () => {
      client = await new mongo.MongoClient(mongoUrl(uniqueName('local_indexes')), { serverSelectionTimeoutMS: 5_000 }).connect();
      db = client.db();
    });

    afterAll(async () => {
      await db?.dropDatabase();
      await client?.close();
    });

    it('answers every query as a collection without indexes does, before and after documents move between keys', async () => {
      const { indexed, plain } = await prepare(db, documents);
      const before = await answersOf(plain);
      const statsBefore = await indexStats(db);
      expect(await answersOf(indexed)).toEqual(before);
      const statsAfter = await indexStats(db);
      // Every query but the regular expression on _id (the server's own plan, its unique _id index) was
      // served from one of these indexes, and none answered differently from a scan.
      expect(statsAfter.planned - statsBefore.planned).toBeGreaterThanOrEqual(QUERIES.length - 1);
      // Pages asked in an index's order, where a few candidates would not do, were read in it.
      expect(statsAfter.inIndexOrder - statsBefore.inIndexOrder).toBeGreaterThanOrEqual(2);
      expect(statsAfter.differences).toBe(statsBefore.differences);
      // The answers are not trivially empty.
      expect(Object.values(before).filter((answer) => (answer as { count: number }).count > 0).length).toBeGreaterThanOrEqual(QUERIES.length - 3);

      await change(indexed);
      await change(plain);
      const after = await answersOf(plain);
      expect(after).not.toEqual(before);
      expect(await answersOf(indexed)).toEqual(after);
      expect(await indexed.find().toArray()).toEqual(await plain.find().toArray());
    });

    it('builds each index over every document (validate counts its keys)', async () => {
      const indexed = db.collection('indexed');
      const validation = await db.command({ validate: 'indexed' });
      const total = await indexed.countDocuments();
      for (const { name } of INDEXES) expect({ name, keys: validation.keysPerIndex[name as string] }).toEqual({ name, keys: total });
    });
  });

  describe('on a server of its own, restarted', () => {
    let server: LocalServer | undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'local-mongo-indexes-'));

    afterAll(async () => {
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Answers as the unindexed collection gave them, a duplicate of a unique key refused, every index holding every document. */
    async function expectSameAnswers(url: string, expected: Record<string, unknown>): Promise<void> {
      const client = await new mongo.MongoClient(url, { serverSelectionTimeoutMS: 5_000 }).connect();
      try {
        const db = client.db('restart');
        const indexed = db.collection<Card>('indexed');
        expect(await answersOf(indexed)).toEqual(expected);
        const existing = await indexed.findOne({ tenantId: 'chain-a' });
        await expect(indexed.insertOne({ ...existing, _id: existing?._id ?? '' })).rejects.toMatchObject({ code: 11000 });
        const validation = await db.command({ validate: 'indexed' });
        expect(validation.keysPerIndex._id_tenant).toBe(await indexed.countDocuments());
      } finally {
        await client.close();
      }
    }

    it('builds the indexes again from its file and answers as before, with the unique indexes in H2 maps or in memory', async () => {
      server = await LocalServer.start(dataDir);
      const client = await new mongo.MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 }).connect();
      const { indexed, plain } = await prepare(client.db('restart'), documents);
      await change(indexed);
      await change(plain);
      const expected = await answersOf(plain);
      await client.close();
      await expectSameAnswers(server.url, expected);
      await server.stop();

      // mongo-java-server alone: its unique indexes in H2 maps (rebuilt, as the in-memory server removed them), no secondary ones.
      server = await LocalServer.start(dataDir, { LOCAL_MONGO_UNIQUE_INDEXES_IN_MEMORY: '0', LOCAL_MONGO_SECONDARY_INDEXES: '0' });
      await expectSameAnswers(server.url, expected);
      await server.stop();

      server = await LocalServer.start(dataDir);
      await expectSameAnswers(server.url, expected);
    }, 180_000);
  });
});

/** LocalMongoServer as deploy/local/mongo/mongo.sh installed it, on a free port and a data directory of the test's own. */
class LocalServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly url: string,
  ) {}

  static async start(dataDir: string, environment: Record<string, string> = {}): Promise<LocalServer> {
    const installed = join(process.env['LOCAL_DIR'] ?? resolve(__dirname, '../../.local'), 'bin', 'mongo');
    const classpath = `${join(installed, 'classes')}:${readFileSync(join(installed, 'classpath.txt'), 'utf8').trim()}`;
    const port = await freePort();
    const child = spawn('java', ['-Xmx256m', '-cp', classpath, 'LocalMongoServer', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--scrub-interval-seconds', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LOCAL_MONGO_VERIFY_INDEXES: '1', ...environment },
    });
    await new Promise<void>((ready, failed) => {
      let output = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('LocalMongoServer: ready on')) ready();
      });
      child.once('exit', (code) => failed(new Error(`LocalMongoServer exited (${code}) before it was ready:\n${output.slice(-2_000)}`)));
    });
    return new LocalServer(child, `mongodb://127.0.0.1:${port}/?directConnection=true`);
  }

  /** SIGTERM, as mongo.sh stops it: the store is committed and closed. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((done) => this.process.once('exit', done));
    this.process.kill('SIGTERM');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, failed) => {
    const probe = createServer();
    probe.once('error', failed);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : failed(new Error('no port'))));
    });
  });
}
