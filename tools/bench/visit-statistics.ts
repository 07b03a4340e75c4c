/**
 * `npm run bench:visits [-- --visits 100000 --batch-size 500 ...]`: throughput of the visits
 * read models on the local MongoDB-wire server, on generated but realistic data:
 *  (a) client-visits (the visit list) through ProjectionRunner.write in batches;
 *  (b) visit-statistics (BI facts + salon/specialist/service daily documents) likewise;
 *  (c) rebuildProjection of both from a SQLite event store (in memory) holding the same visits
 *      as domain events, through the real relay mapping `visitMessages(store, visitEventCodec(cipher))`.
 * The rebuilt collections are compared with the ones (a) and (b) wrote: the numbers only count
 * if they are identical. Results (Markdown) go to stdout, progress to stderr.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { BSON } from 'mongodb';
import mongoose, { Connection } from 'mongoose';
import { TOPICS, VisitStatusV1 } from '@salon/contracts';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { IncomingMessage, Projection, ProjectionRunner, ReadModelVersions, createMessagingClient, rebuildProjection } from '@salon/shared/messaging';
import { collectionHash, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { Visit, VisitEvent, VisitServiceLine, VisitState, toVisitStreamName, visitDecider } from '@salon/visits/domain';
import {
  BI_COLLECTIONS,
  CLIENT_VISITS_COLLECTION,
  SalonDailyDocument,
  VISIT_STREAM_PREFIXES,
  createClientVisitsProjection,
  createVisitStatisticsProjection,
  toVisitEventV1,
  visitEventCodec,
  visitMessages,
} from '@salon/visits/feature';
import { CommandTrace, cpuMs, traceRows } from './command-trace';
import { probeRows, probeServer } from './server-probe';
import { Cleanup, bulletList, formatCount, formatRate, machineFacts, markdownTable, progress, resolveOptions, seconds, ticker } from './support';

const OPTIONS = {
  visits: { env: 'BENCH_VISITS', default: 100_000, description: 'visits generated (about 3.7 events each)' },
  'measure-visits': {
    env: 'BENCH_MEASURE_VISITS',
    default: 20_000,
    description: 'visits (the first N generated, all their events) projected in (a), (b) and rebuilt in (c); 0 = all',
  },
  salons: { env: 'BENCH_SALONS', default: 12, description: 'salons of the chain' },
  // 100,000 visits over 12 salons and 180 days: about 46 visits per salon-day, a busy real salon.
  days: { env: 'BENCH_DAYS', default: 180, description: 'salon days the visits fall on' },
  'batch-size': { env: 'BENCH_BATCH_SIZE', default: 500, description: 'messages per runner.write in (a) and (b)' },
  'rebuild-batch-size': { env: 'BENCH_REBUILD_BATCH_SIZE', default: 1_000, description: 'events read per rebuild step (0 skips the rebuild)' },
  'server-pid': { env: 'BENCH_SERVER_PID', default: 0, description: "the MongoDB-wire server's pid, to count its CPU time per part (Linux; 0 = not counted)" },
} as const;

const TENANT = 'bench-chain';
/** Issue 12's targets, events per second. */
const TARGETS = { clientVisits: 10_000, visitStatistics: 5_000 } as const;
const FIRST_DAY = Date.UTC(2025, 10, 1);
const DAY_MS = 86_400_000;

const SERVICES = [
  ['Strzyżenie damskie', 120, 60],
  ['Strzyżenie męskie', 70, 30],
  ['Koloryzacja', 320, 120],
  ['Baleyage', 450, 180],
  ['Modelowanie', 90, 45],
  ['Manicure hybrydowy', 110, 60],
  ['Pedicure', 130, 60],
  ['Henna brwi', 40, 20],
  ['Regulacja brwi', 30, 15],
  ['Masaż twarzy', 150, 45],
  ['Peeling kawitacyjny', 140, 40],
  ['Keratynowe prostowanie', 520, 150],
  ['Trwała ondulacja', 260, 120],
  ['Przedłużanie rzęs', 210, 90],
  ['Oczyszczanie wodorowe', 180, 60],
] as const;
const FIRST_NAMES = ['Łucja', 'Zofia', 'Małgorzata', 'Anna', 'Éva', 'Paweł', 'Michał', 'Agnieszka', 'Jolanta', 'Krzysztof', 'Żaneta', 'Ola'];
const LAST_NAMES = ['Żółć', 'Nowak', 'Kowalska', 'Wiśniewska', 'Wójcik', 'Kamińska', 'Lewandowska', 'Dąbrowska', 'Zieliński', 'Szymańska'];

interface GeneratedEvent {
  readonly at: number;
  readonly visitIndex: number;
  readonly revision: number;
  readonly event: VisitEvent;
}

interface Generated {
  readonly events: GeneratedEvent[];
  readonly visits: number;
  readonly clients: number;
  readonly final: Map<number, Visit>;
}

async function main(): Promise<number> {
  const cli = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const [name, inline] = argv[i].slice(2).split('=', 2);
    cli.set(name, inline ?? argv[++i]);
  }
  const opts = resolveOptions(OPTIONS, cli);
  Logger.overrideLogger(['error']);
  const cleanup = new Cleanup();
  const id = uniqueName('bench').slice('bench-'.length);
  const database = `bench_visits_${id}`;
  const mongo: Connection = await mongoose.createConnection(mongoUrl(database), { monitorCommands: true }).asPromise();
  const trace = new CommandTrace(mongo.getClient());
  cleanup.add(`drop database ${database}`, async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });
  // write() and rebuilds never touch Kafka; the runner only needs the client object.
  const kafka = createMessagingClient({ clientId: `bench-${id}`, brokers: kafkaBrokers(), logLevel: 'nothing' });

  try {
    progress(`generating ${formatCount(opts.visits)} visits over ${opts.salons} salons and ${opts.days} days`);
    const all = generate(Math.round(opts.visits), Math.max(1, Math.round(opts.salons)), Math.max(1, Math.round(opts.days)));
    const measured = opts['measure-visits'] > 0 ? Math.min(all.visits, Math.round(opts['measure-visits'])) : all.visits;
    const generated = measured === all.visits ? all : restrict(all, measured);
    const messages = toMessages(generated);
    progress(
      `${formatCount(all.events.length)} events generated (${(all.events.length / all.visits).toFixed(2)} per visit); measuring ${formatCount(measured)} visits: ` +
        `${formatCount(messages.length)} messages, ${formatCount(generated.clients)} clients`,
    );
    const batchSize = Math.max(1, Math.round(opts['batch-size']));

    const clientVisits = createClientVisitsProjection();
    const statistics = createVisitStatisticsProjection();
    const serverPid = Math.round(opts['server-pid']);
    const a = await timedWrites('(a) client-visits', new ProjectionRunner(clientVisits, kafka, mongo), messages, batchSize, trace, serverPid);
    const b = await timedWrites('(b) visit-statistics', new ProjectionRunner(statistics, kafka, mongo), messages, batchSize, trace, serverPid);

    const checks: { what: string; result: string; ok: boolean }[] = [];
    checks.push(await checkStatistics(mongo, generated));

    const rows: string[][] = [
      ['a', 'client-visits: runner.write (fold per visit → one compare-and-set write per visit)', formatCount(messages.length), `${batchSize}`, seconds(a.ms), formatRate(a.rate), `≥ ${formatRate(TARGETS.clientVisits)}`],
      ['b', 'visit-statistics: runner.write (facts folded per visit + refresh of salon/specialist/service days)', formatCount(messages.length), `${batchSize}`, seconds(b.ms), formatRate(b.rate), `≥ ${formatRate(TARGETS.visitStatistics)}`],
    ];

    let rebuildNote = 'skipped';
    if (opts['rebuild-batch-size'] > 0) {
      const store = new SqliteEventStore({ path: ':memory:' });
      cleanup.add('close the event store', () => store.close());
      const appendMs = await appendToStore(store, generated);
      rebuildNote = `the same ${formatCount(generated.events.length)} events appended to an in-memory SqliteEventStore in time order (${seconds(appendMs)} s, not timed)`;
      const cipher = new PersonalDataCipher(new InMemoryKeyStore());
      for (const projection of [clientVisits, statistics]) {
        const runner = new ProjectionRunner(projection, kafka, mongo);
        const before = await activeHashes(mongo, projection);
        let done = 0;
        const stop = ticker(() => `(c) rebuild ${projection.name}: ${formatCount(done)}/${formatCount(generated.events.length)} events`, 5_000);
        let result;
        try {
          result = await rebuildProjection({
            projection,
            runner,
            store,
            mongo,
            streamPrefixes: VISIT_STREAM_PREFIXES,
            toMessages: visitMessages(store, visitEventCodec(cipher)),
            batchSize: opts['rebuild-batch-size'],
            onProgress: ({ events }) => (done = events),
          });
        } finally {
          stop();
        }
        const after = await activeHashes(mongo, projection);
        const same = JSON.stringify(after) === JSON.stringify(before);
        checks.push({
          what: `rebuild of ${projection.name} (v${result.version}) = what (a)/(b) wrote live (v1), document for document`,
          result: Object.entries(after)
            .map(([name, h]) => `${name} ${formatCount(h.count)} docs`)
            .join(', '),
          ok: same,
        });
        progress(`(c) rebuild ${projection.name}: ${seconds(result.durationMs)} s, identical documents: ${same}`);
        rows.push([
          'c',
          `rebuildProjection ${projection.name}: SQLite readAll → visitMessages (relay mapping) → fold in memory → insertMany (+ refresh) into v${result.version}, switch`,
          formatCount(result.events),
          `${opts['rebuild-batch-size']} events`,
          seconds(result.durationMs),
          formatRate(result.events / (result.durationMs / 1000)),
          'identical documents',
        ]);
      }
    }

    const sizes = await documentSizes(mongo, [clientVisits, statistics]);
    progress('probing the cost of one write of each kind, at the size of the measured collections');
    const probe = await probeServer(mongo, generated.visits);

    const valid = checks.every((check) => check.ok);
    const markdown = [
      '## visit-statistics',
      '',
      'Machine:',
      bulletList(machineFacts()),
      '',
      'Parameters:',
      bulletList({
        generated: `${formatCount(all.visits)} visits, ${formatCount(all.events.length)} events, ${formatCount(all.clients)} clients, ${opts.salons} salons × 6 specialists, ${SERVICES.length} services, ${opts.days} days`,
        measured: `${measured === all.visits ? 'all' : `the first ${formatCount(measured)}`} visits: ${formatCount(messages.length)} events, ${formatCount(generated.clients)} clients (see the note on scale)`,
        'event order': 'by time: bookings 0–14 days ahead, status changes on the day; 68 % completed, 12 % cancelled, 6 % no-show, 14 % open; 6 % rescheduled',
        rebuild: rebuildNote,
        servers: `MongoDB-wire ${new URL(mongoUrl()).host}`,
      }),
      '',
      markdownTable(['Part', 'Measured', 'Events', 'Batch', 'Time (s)', 'Events/s', 'Target'], rows),
      '',
      markdownTable(
        ['Check', 'Result', 'OK'],
        checks.map((check) => [check.what, check.result, check.ok ? '✅' : '❌']),
      ),
      '',
      markdownTable(['Read model (active version)', 'Documents', 'Average BSON bytes'], sizes),
      '',
      markdownTable(
        ['CPU time (less sensitive to other load than the rates)', 'Node ms', serverPid > 0 ? 'server ms' : 'server ms (no --server-pid)', 'µs per event (Node + server)'],
        [cpuRow('(a) client-visits', a), cpuRow('(b) visit-statistics', b)],
      ),
      '',
      whereTheTimeWent('(a) client-visits', a),
      '',
      whereTheTimeWent('(b) visit-statistics', b),
      '',
      markdownTable([`Server probe (collection of ${formatCount(probe.documents)} docs, ${probe.ops} ops in one bulkWrite)`, 'µs per op'], probeRows(probe, formatRate)),
      '',
      `Note on the server: runner.write writes each visit a batch changes once (client-visits: ${formatCount(a.documents)} documents for ${formatCount(messages.length)} events, ` +
        `${(a.documents / messages.length).toFixed(2)} per event: in time order few events of one visit share a batch of ${batchSize}). ` +
        `At that ratio ${formatRate(TARGETS.clientVisits)} events/s leaves ${formatRate(1_000_000 / TARGETS.clientVisits / (a.documents / messages.length))} µs per document write; ` +
        `this server takes ≈ ${formatRate(probe.byIdUs)} µs for a replace by _id alone and ≈ ${formatRate(probe.compareAndSetUs)} µs ` +
        `for the compare-and-set (500 in one bulkWrite): the guard costs about what the write costs. visit-statistics writes, besides the facts, ` +
        `the salon-, specialist- and service-day documents of every salon-day a batch touches (bookings reach 14 days ahead). ` +
        `Against MongoDB the filter { _id, tenantId, revision } is served by the _id index. Measure all ${formatCount(all.visits)} visits with --measure-visits 0.`,
    ].join('\n');
    process.stdout.write(`${markdown}\n`);
    return valid ? 0 : 1;
  } finally {
    await cleanup.run();
  }
}

// --- data ------------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), so runs compare. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(visitCount: number, salonCount: number, dayCount: number): Generated {
  const rnd = random(20251101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const salons = Array.from({ length: salonCount }, (_, s) => ({
    salonId: `salon-${String(s + 1).padStart(2, '0')}`,
    specialists: Array.from({ length: 6 }, (_, p) => ({
      specialistId: `sp-${s + 1}-${p + 1}`,
      specialistName: `${FIRST_NAMES[(s * 6 + p) % FIRST_NAMES.length]} ${LAST_NAMES[(s * 7 + p * 3) % LAST_NAMES.length]}`,
    })),
  }));
  const clientCount = Math.max(1, Math.round(visitCount / 4));
  const homeSalon = Array.from({ length: clientCount }, () => Math.floor(rnd() * salonCount));
  const events: GeneratedEvent[] = [];
  const final = new Map<number, Visit>();
  const iso = (ms: number) => new Date(ms).toISOString();

  for (let v = 0; v < visitCount; v++) {
    const client = Math.floor(rnd() * clientCount);
    const salon = salons[rnd() < 0.85 ? homeSalon[client] : Math.floor(rnd() * salonCount)];
    const day = Math.floor(rnd() * dayCount);
    const startsAt = FIRST_DAY + day * DAY_MS + (8 + Math.floor(rnd() * 11)) * 3_600_000 + Math.floor(rnd() * 4) * 900_000;
    const lines: VisitServiceLine[] = Array.from({ length: 1 + Math.floor(rnd() * rnd() * 3) }, () => {
      const [name, price, durationMinutes] = pick(SERVICES);
      const specialist = pick(salon.specialists);
      return { serviceId: `sv-${SERVICES.findIndex((s) => s[0] === name) + 1}`, name, price, durationMinutes, ...specialist };
    });
    const specialists = [...new Map(lines.map((l) => [l.specialistId, { specialistId: l.specialistId, specialistName: l.specialistName }])).values()];
    const price = lines.reduce((sum, l) => sum + l.price, 0);
    const discount = rnd() < 0.2 ? Math.round(price * 10) / 100 : 0;
    const duration = lines.reduce((sum, l) => sum + l.durationMinutes, 0) * 60_000;
    const visitId = randomUUID();
    const clientId = `client-${String(client).padStart(6, '0')}`;
    const bookedAt = startsAt - Math.floor(rnd() * 14 * DAY_MS) - 3_600_000;
    const stamp = (at: number) => ({ visitId, at: iso(at), actorId: 'staff-1' });
    const list: { at: number; event: VisitEvent }[] = [];
    let start = startsAt;
    list.push({
      at: bookedAt,
      event: {
        type: 'VisitBooked',
        data: {
          ...stamp(bookedAt),
          clientId,
          number: v + 1,
          salonId: salon.salonId,
          startsAt: iso(start),
          endsAt: iso(start + duration),
          salonDate: iso(start).slice(0, 10),
          services: lines,
          specialists,
          amounts: { price, discount, total: Math.round((price - discount) * 100) / 100, paid: 0 },
        },
      },
    });
    if (rnd() < 0.06) {
      const shift = (1 + Math.floor(rnd() * 3)) * (rnd() < 0.5 ? -1 : 1) * DAY_MS;
      const moved = Math.min(Math.max(start + shift, FIRST_DAY + 8 * 3_600_000), FIRST_DAY + (dayCount - 1) * DAY_MS + 18 * 3_600_000);
      const at = bookedAt + 60_000;
      if (moved > at + 3_600_000) {
        start = moved;
        list.push({ at, event: { type: 'VisitRescheduled', data: { ...stamp(at), startsAt: iso(start), endsAt: iso(start + duration), salonDate: iso(start).slice(0, 10) } } });
      }
    }
    const outcome = rnd();
    const total = Math.round((price - discount) * 100) / 100;
    const confirmAt = Math.max(bookedAt + 120_000, start - DAY_MS);
    if (outcome < 0.68) {
      list.push({ at: confirmAt, event: { type: 'VisitConfirmed', data: stamp(confirmAt) } });
      if (rnd() < 0.5) list.push({ at: start - 300_000, event: { type: 'VisitArrived', data: stamp(start - 300_000) } });
      list.push({ at: start + duration, event: { type: 'VisitCompleted', data: stamp(start + duration) } });
      list.push({ at: start + duration + 60_000, event: { type: 'VisitPaymentRecorded', data: { ...stamp(start + duration + 60_000), amount: total, paid: total } } });
    } else if (outcome < 0.8) {
      const at = bookedAt + Math.floor((start - bookedAt) * rnd());
      list.push({ at: Math.max(at, bookedAt + 180_000), event: { type: 'VisitCancelled', data: { ...stamp(Math.max(at, bookedAt + 180_000)), by: rnd() < 0.7 ? 'client' : 'salon', late: false } } });
    } else if (outcome < 0.86) {
      list.push({ at: confirmAt, event: { type: 'VisitConfirmed', data: stamp(confirmAt) } });
      list.push({ at: start + 1_800_000, event: { type: 'VisitNoShowMarked', data: stamp(start + 1_800_000) } });
    } else if (rnd() < 0.5) {
      list.push({ at: confirmAt, event: { type: 'VisitConfirmed', data: stamp(confirmAt) } });
    }
    let state: VisitState = visitDecider.initialState();
    list.sort((x, y) => x.at - y.at);
    list.forEach(({ at, event }, revision) => {
      events.push({ at, visitIndex: v, revision, event });
      state = visitDecider.evolve(state, event);
    });
    if (state.status !== 'none') final.set(v, state);
  }
  events.sort((x, y) => x.at - y.at || x.visitIndex - y.visitIndex || x.revision - y.revision);
  return { events, visits: visitCount, clients: new Set([...final.values()].map((visit) => visit.clientId)).size, final };
}

/** The first `visits` visits only. */
function restrict(generated: Generated, visits: number): Generated {
  const final = new Map([...generated.final].filter(([index]) => index < visits));
  return {
    events: generated.events.filter((event) => event.visitIndex < visits),
    visits,
    clients: new Set([...final.values()].map((visit) => visit.clientId)).size,
    final,
  };
}

/** The messages the relay would publish, built with its own mapping (toVisitEventV1) from the folded state. */
function toMessages(generated: Generated): IncomingMessage[] {
  const states = new Map<number, { state: VisitState; bookedAt: string }>();
  return generated.events.map(({ visitIndex, revision, event }, offset) => {
    const before = states.get(visitIndex) ?? { state: visitDecider.initialState(), bookedAt: event.data.at };
    const state = visitDecider.evolve(before.state, event);
    states.set(visitIndex, { state, bookedAt: before.bookedAt });
    if (state.status === 'none') throw new Error('generated an event before its booking');
    const data = toVisitEventV1(event, state, before.bookedAt);
    return {
      topic: TOPICS.visitEvents.name,
      partition: 0,
      offset: String(offset),
      key: state.clientId,
      eventId: randomUUID(),
      eventType: event.type,
      schemaVersion: 1,
      tenantId: TENANT,
      correlationId: 'bench',
      causationId: 'bench',
      streamRevision: BigInt(revision),
      data,
    };
  });
}

async function appendToStore(store: SqliteEventStore, generated: Generated): Promise<number> {
  progress(`(c) appending ${formatCount(generated.events.length)} events to an in-memory SqliteEventStore`);
  const started = performance.now();
  const codec = visitEventCodec(new PersonalDataCipher(new InMemoryKeyStore()));
  const ids = new Map<number, string>();
  for (const { visitIndex, event } of generated.events) {
    const visitId = event.data.visitId;
    ids.set(visitIndex, visitId);
    const stream = toVisitStreamName(visitId);
    const encoded = await codec.encode(event, stream, randomUUID(), { tenantId: TENANT, correlationId: 'bench', causationId: 'bench' });
    await store.appendToStream(stream, [encoded], { expectedRevision: 'any' });
  }
  return performance.now() - started;
}

// --- measuring ---------------------------------------------------------------------------------

async function timedWrites(label: string, runner: ProjectionRunner, messages: readonly IncomingMessage[], batchSize: number, trace: CommandTrace, serverPid: number) {
  progress(`${label}: ${formatCount(messages.length)} messages in batches of ${batchSize}`);
  let done = 0;
  const stop = ticker(() => `${label}: ${formatCount(done)}/${formatCount(messages.length)} (${formatRate(done / ((performance.now() - started) / 1000))}/s)`, 5_000);
  trace.take();
  const cpuBefore = cpuMs(serverPid);
  const started = performance.now();
  let documents = 0;
  try {
    for (let i = 0; i < messages.length; i += batchSize) {
      const batch = messages.slice(i, i + batchSize);
      await runner.write(batch);
      documents += new Set(batch.map((message) => (message.data as { visitId: string }).visitId)).size;
      done = Math.min(messages.length, i + batchSize);
    }
  } finally {
    stop();
  }
  const ms = performance.now() - started;
  const cpuAfter = cpuMs(serverPid);
  progress(`${label}: ${seconds(ms)} s, ${formatRate(messages.length / (ms / 1000))} events/s`);
  const cpu = { node: cpuAfter.node - cpuBefore.node, server: cpuAfter.server - cpuBefore.server };
  return { ms, rate: messages.length / (ms / 1000), documents, commands: trace.take(), cpu, events: messages.length };
}

function cpuRow(part: string, timed: Awaited<ReturnType<typeof timedWrites>>): string[] {
  return [part, formatCount(Math.round(timed.cpu.node)), formatCount(Math.round(timed.cpu.server)), formatRate(((timed.cpu.node + timed.cpu.server) * 1000) / timed.events)];
}

function whereTheTimeWent(part: string, timed: Awaited<ReturnType<typeof timedWrites>>): string {
  return markdownTable(
    [`Where ${part}'s ${seconds(timed.ms)} s went (driver command monitoring; parallel commands overlap)`, 'Round trips', 'Operations', 'ms', 'µs per operation', 'Share'],
    traceRows(timed.commands, timed.ms, formatRate),
  );
}

/** Each collection's document count and average size (what the server copies, compares and encodes on every write of a document). */
async function documentSizes(mongo: Connection, projections: readonly Projection[]): Promise<string[][]> {
  const versions = new ReadModelVersions(mongo);
  const rows: string[][] = [];
  for (const logical of projections.flatMap((projection) => projection.collections)) {
    let count = 0;
    let bytes = 0;
    for await (const document of mongo.collection(await versions.activeCollection(logical)).find()) {
      count += 1;
      bytes += BSON.calculateObjectSize(document);
    }
    rows.push([logical, formatCount(count), formatCount(Math.round(bytes / Math.max(1, count)))]);
  }
  return rows;
}

/** The collections a comparison covers: the deterministic ones (the salon-day working set keeps arrival order in its maps). */
function comparedCollections(projection: Projection): string[] {
  return projection.collections.filter((logical) => logical !== BI_COLLECTIONS.salonDayVisits);
}

async function activeHashes(mongo: Connection, projection: Projection) {
  const versions = new ReadModelVersions(mongo);
  const result: Record<string, { hash: string; count: number }> = {};
  for (const logical of comparedCollections(projection)) result[logical] = await collectionHash(mongo, await versions.activeCollection(logical));
  return result;
}

/** The statistics against what was generated: visits by status, completed clients, revenue. */
async function checkStatistics(mongo: Connection, generated: Generated) {
  const versions = new ReadModelVersions(mongo);
  const daily = mongo.collection<SalonDailyDocument>(await versions.activeCollection(BI_COLLECTIONS.salonDaily));
  const totals = { visits: 0, completed: 0, newClients: 0, revenueCents: 0 };
  for await (const doc of daily.find({ tenantId: TENANT })) {
    totals.visits += doc.visits.total;
    totals.completed += doc.visits.completed;
    totals.newClients += doc.newClients;
    totals.revenueCents += Math.round(doc.revenue * 100);
  }
  const completed = [...generated.final.values()].filter((visit) => visit.status === ('completed' satisfies VisitStatusV1));
  const want = {
    visits: generated.final.size,
    completed: completed.length,
    newClients: new Set(completed.map((visit) => visit.clientId)).size,
    revenueCents: completed.reduce((sum, visit) => sum + Math.round(visit.amounts.total * 100), 0),
  };
  const listed = await mongo.collection(await versions.activeCollection(CLIENT_VISITS_COLLECTION)).estimatedDocumentCount();
  return {
    what: 'Σ bi_salon_daily vs the generated visits; client_visits count',
    result: `visits ${formatCount(totals.visits)}/${formatCount(want.visits)}, completed ${formatCount(totals.completed)}/${formatCount(want.completed)}, new clients ${formatCount(totals.newClients)}/${formatCount(want.newClients)}, revenue ${formatCount(totals.revenueCents / 100)}/${formatCount(want.revenueCents / 100)}, client_visits ${formatCount(listed)}`,
    ok: JSON.stringify(totals) === JSON.stringify(want) && listed === want.visits,
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
