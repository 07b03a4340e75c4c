/**
 * What a rate limit costs per request (`npm run bench -- rate-limit`): the RateLimiter of
 * libs/shared/nest counting into MongoDB as the services do (one findOneAndUpdate upsert per
 * request on the tenant's window document), one request at a time and many in flight, against a
 * MongoDB ping (the cheapest round trip there is) and against a counter in the process's memory
 * (what limits per instance would cost). Spread: one user, many users of one tenant (one hot
 * document), many tenants (one document each).
 */
import mongoose, { Connection } from 'mongoose';
import {
  MongoWindowCounter,
  RATE_LIMIT_WINDOWS_COLLECTION,
  RateLimiter,
  RateLimitSettings,
  WindowCounter,
  WindowCounts,
  WindowDocument,
  WindowKey,
} from '@salon/shared/nest';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { Benchmark, Cleanup, bulletList, formatRate, markdownTable, progress } from './support';

const options = {
  requests: { env: 'BENCH_RATE_LIMIT_REQUESTS', default: 2_000, description: 'requests per measured case' },
  concurrency: { env: 'BENCH_RATE_LIMIT_CONCURRENCY', default: 16, description: 'requests in flight in the concurrent cases' },
  spread: { env: 'BENCH_RATE_LIMIT_SPREAD', default: 100, description: 'users (or tenants) the spread cases cycle through' },
} as const;

/** Limits no case reaches: the benchmark measures counting, not refusing. */
const SETTINGS: RateLimitSettings = {
  windowSeconds: 60,
  limits: {
    standard: { perUser: Number.MAX_SAFE_INTEGER, perTenant: Number.MAX_SAFE_INTEGER },
    expensive: { perUser: Number.MAX_SAFE_INTEGER, perTenant: Number.MAX_SAFE_INTEGER },
    bulk: { perUser: Number.MAX_SAFE_INTEGER, perTenant: Number.MAX_SAFE_INTEGER },
  },
};

/** Per-instance counting, for comparison: a Map in the process. */
class InMemoryWindowCounter implements WindowCounter {
  private readonly counts = new Map<string, number>();
  async hit(key: WindowKey): Promise<WindowCounts> {
    const bump = (id: string) => {
      const count = (this.counts.get(id) ?? 0) + 1;
      this.counts.set(id, count);
      return count;
    };
    const tenant = bump(`${key.rateLimitClass}|${key.tenantId}|${key.windowStart}`);
    return { tenant, user: bump(`${key.rateLimitClass}|${key.tenantId}|${key.windowStart}|${key.userId}`) };
  }
}

interface Measured {
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly perSecond: number;
}

/** Sends `count` operations, `concurrency` at a time; latency of each and the overall rate. */
async function measure(count: number, concurrency: number, operation: (i: number) => Promise<unknown>): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const begin = performance.now();
        await operation(i);
        latencies.push((performance.now() - begin) * 1000);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { meanUs: latencies.reduce((sum, value) => sum + value, 0) / latencies.length, p50Us: at(0.5), p99Us: at(0.99), perSecond: count / elapsedS };
}

export const rateLimit: Benchmark<typeof options> = {
  name: 'rate-limit',
  description: 'what counting a request in the shared MongoDB windows costs, against a ping and an in-memory counter',
  options,
  async run(settings, cleanup: Cleanup) {
    const database = uniqueName('bench_rate_limit').replace(/-/g, '_');
    const mongo: Connection = await mongoose.createConnection(mongoUrl(database)).asPromise();
    cleanup.add('drop the benchmark database', async () => {
      await mongo.dropDatabase();
      await mongo.close();
    });
    const counter = new MongoWindowCounter(mongo.collection<WindowDocument>(RATE_LIMIT_WINDOWS_COLLECTION), 'bench-service');
    await counter.ensureIndexes();
    const shared = new RateLimiter(counter, SETTINGS);
    const inMemory = new RateLimiter(new InMemoryWindowCounter(), SETTINGS);
    const db = mongo.db;
    if (!db) throw new Error('no database handle');

    const { requests, concurrency, spread } = settings;
    const oneUser = () => ({ tenantId: 'bench-chain', userId: 'desk-1' });
    const manyUsers = (i: number) => ({ tenantId: 'bench-chain-users', userId: `desk-${i % spread}` });
    const manyTenants = (i: number) => ({ tenantId: `bench-chain-${i % spread}`, userId: 'desk-1' });
    // Warm-up: the connection pool, the collection and its index exist before anything is timed.
    await measure(200, concurrency, (i) => shared.admit(manyTenants(i), 'standard'));

    const cases: [string, number, (i: number) => Promise<unknown>][] = [
      ['MongoDB ping (baseline round trip)', 1, () => db.command({ ping: 1 })],
      ['shared window (MongoDB), one user', 1, () => shared.admit(oneUser(), 'standard')],
      [`shared window (MongoDB), ${spread} users of one tenant`, 1, (i) => shared.admit(manyUsers(i), 'standard')],
      [`shared window (MongoDB), ${spread} tenants`, 1, (i) => shared.admit(manyTenants(i), 'standard')],
      ['in-memory window (per instance), one user', 1, () => inMemory.admit(oneUser(), 'standard')],
      ['MongoDB ping (baseline round trip)', concurrency, () => db.command({ ping: 1 })],
      ['shared window (MongoDB), one user', concurrency, () => shared.admit(oneUser(), 'standard')],
      [`shared window (MongoDB), ${spread} users of one tenant`, concurrency, (i) => shared.admit(manyUsers(i), 'standard')],
      [`shared window (MongoDB), ${spread} tenants`, concurrency, (i) => shared.admit(manyTenants(i), 'standard')],
    ];
    const rows: string[][] = [];
    for (const [what, inFlight, operation] of cases) {
      progress(`rate-limit: ${what}, ${inFlight} in flight`);
      const result = await measure(requests, inFlight, operation);
      const us = (value: number) => value.toFixed(value < 10 ? 1 : 0);
      rows.push([what, String(inFlight), us(result.meanUs), us(result.p50Us), us(result.p99Us), formatRate(result.perSecond)]);
    }
    const markdown = [
      '## Rate limit: cost per request',
      '',
      bulletList({ 'requests per case': requests, 'MongoDB-wire server': new URL(mongoUrl(database)).host }),
      '',
      markdownTable(['counting', 'in flight', 'mean µs', 'p50 µs', 'p99 µs', 'requests/s'], rows),
    ].join('\n');
    return { markdown, valid: true };
  },
};
