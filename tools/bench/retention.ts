/**
 * `npm run bench:retention [-- --clients 100000]`: the retention dry run (ApplyRetentionPolicy's
 * selection, which a run shares) over a chain of `--clients` generated cards in the local
 * Mongo-compatible server, the clients with a photo or a comment also with their stream in an
 * embedded event store (encrypted as the service stores them). It measures how long the scan
 * takes, how many client streams it reads, and the process's peak RSS while it runs (sampled
 * every 20 ms): the scan holds one page of 500 cards at a time, so memory must not grow with the
 * chain. Its own database and event store file, removed at the end. Markdown to stdout.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ClientEvent, RETENTION_POLICY_OFF, RetentionPolicy, clientEventCatalog, clientIdOfStream, toClientStreamName } from '@salon/clients/domain';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { EventCodec } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { ReadModelVersions } from '@salon/shared/messaging';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { ApplyRetentionPolicy } from '../../libs/clients/feature/src/lib/apply-retention-policy/apply-retention-policy.service';
import { ClientStream } from '../../libs/clients/feature/src/lib/client-stream/client-stream';
import type { EraseClient } from '../../libs/clients/feature/src/lib/erase-client/erase-client.service';
import { CLIENT_PROFILES_COLLECTION } from '../../libs/clients/feature/src/lib/projections/client-profiles/client-profile.document';
import { RetentionPolicies } from '../../libs/clients/feature/src/lib/retention/retention-policies';
import { RetentionRuns } from '../../libs/clients/feature/src/lib/retention/retention-runs';

const DAY = 86_400_000;
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

async function main(): Promise<void> {
  const count = argument('clients', 100_000);
  const tenant = uniqueName('bench-chain');
  const database = uniqueName('bench-retention');
  const dir = mkdtempSync(join(tmpdir(), 'bench-retention-'));
  const mongo = await mongoose.createConnection(mongoUrl(database)).asPromise();
  const store = new SqliteEventStore({ path: join(dir, 'events.db') });
  const cipher = new PersonalDataCipher(new InMemoryKeyStore());
  const codec = new EventCodec(clientEventCatalog, cipher, clientIdOfStream);
  const now = new Date();
  try {
    const collection = mongo.collection(await new ReadModelVersions(mongo).activeCollection(CLIENT_PROFILES_COLLECTION));
    await collection.createIndex({ tenantId: 1, _id: 1 });
    process.stderr.write(`generating ${count} cards…\n`);
    let streams = 0;
    const started = Date.now();
    for (let from = 0; from < count; from += 2_000) {
      const cards: Record<string, unknown>[] = [];
      for (let i = from; i < Math.min(count, from + 2_000); i++) {
        // Deterministic spread: registered 0–10 years ago, last visit somewhere since, 20 % never came.
        const ageDays = i % 3650;
        const registeredAt = new Date(now.getTime() - ageDays * DAY);
        const spread = (Math.imul(i, 2654435761) >>> 0) / 2 ** 32;
        const lastVisitAt = i % 5 === 0 || ageDays === 0 ? null : new Date(now.getTime() - Math.floor(spread * ageDays) * DAY);
        const hasComment = i % 5 === 1;
        const hasPhoto = i % 10 === 2;
        const clientId = randomUUID();
        cards.push({
          _id: clientId, tenantId: tenant, revision: 0, status: 'active', registeredAt,
          visitStatistics: { lastVisitAt, visitCount: lastVisitAt ? 1 : 0, countsByStatus: { booked: i % 50 === 4 ? 1 : 0, confirmed: 0, arrived: 0, completed: lastVisitAt ? 1 : 0, cancelled: 0, noShow: 0 } },
          ...(hasComment ? { comment: 'Prefers mornings' } : {}),
          ...(hasPhoto ? { photoRef: randomUUID() } : {}),
          ...(i % 1000 === 3 ? { legalHold: true } : {}),
        });
        if (hasComment || hasPhoto) {
          const events: ClientEvent[] = [
            { type: 'ClientRegistered', data: { clientId, phone: `+486${String(i).padStart(8, '0')}`, phoneLineType: 'mobile', smsCapable: true, gender: 'unspecified', ...(hasComment ? { comment: 'Prefers mornings' } : {}), initialConsent: {}, registeredAt: registeredAt.toISOString() } },
            ...(hasPhoto ? [{ type: 'ClientPhotoSet', data: { clientId, photoRef: randomUUID(), setAt: registeredAt.toISOString() } } as ClientEvent] : []),
          ];
          const metadata = { tenantId: tenant, correlationId: 'bench', causationId: 'bench' };
          const stream = toClientStreamName(clientId);
          await store.appendToStream(stream, await Promise.all(events.map((event) => codec.encode(event, stream, randomUUID(), metadata))), { expectedRevision: 'no_stream' });
          streams += 1;
        }
      }
      await collection.insertMany(cards as never[]);
    }
    process.stderr.write(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s (${streams} client streams)\n`);

    const clients = new ClientStream(store, cipher);
    let streamReads = 0;
    const load = clients.load.bind(clients);
    clients.load = (tenantId, clientId) => {
      streamReads += 1;
      return load(tenantId, clientId);
    };
    const policies = new RetentionPolicies(store);
    // A dry run never erases; the use case is not needed for it.
    const apply = new ApplyRetentionPolicy(policies, new RetentionRuns(store), clients, null as unknown as EraseClient, mongo, { now: () => now }, null);

    const scenarios: { name: string; policy: RetentionPolicy }[] = [
      { name: 'erase 5 y, photos 24 months, comments 3 y', policy: { eraseClientsAfterYearsWithoutVisit: 5, dropPhotosAfterMonthsWithoutVisit: 24, dropCommentsAfterYearsWithoutVisit: 3 } },
      { name: 'erase 5 y only', policy: { ...RETENTION_POLICY_OFF, eraseClientsAfterYearsWithoutVisit: 5 } },
      { name: 'photos 24 months, comments 3 y', policy: { ...RETENTION_POLICY_OFF, dropPhotosAfterMonthsWithoutVisit: 24, dropCommentsAfterYearsWithoutVisit: 3 } },
    ];
    const rows: string[] = [];
    for (const scenario of scenarios) {
      await policies.record(tenant, { type: 'SetRetentionPolicy', data: { policy: scenario.policy }, metadata: { tenantId: tenant, correlationId: 'bench', causationId: 'bench', now } });
      global.gc?.();
      streamReads = 0;
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const t0 = process.hrtime.bigint();
      const plan = await apply.dryRun(tenant);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      rows.push(
        `| ${scenario.name} | ${count.toLocaleString('en')} | ${streamReads.toLocaleString('en')} | ${plan.counts.erase.toLocaleString('en')} / ${plan.counts.photo.toLocaleString('en')} / ${plan.counts.comment.toLocaleString('en')} | ${seconds.toFixed(1)} | ${(rssBefore / 2 ** 20).toFixed(0)} → ${(peak / 2 ** 20).toFixed(0)} |`,
      );
      process.stderr.write(`${scenario.name}: ${seconds.toFixed(1)} s\n`);
    }
    process.stdout.write(
      [
        `Retention dry run on ${count.toLocaleString('en')} generated cards (local Mongo-compatible server, embedded event store; pages of 500)`,
        '',
        '| policy | clients | client streams read | due: erase / photo / comment | seconds | RSS MB before → peak |',
        '|---|---|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
