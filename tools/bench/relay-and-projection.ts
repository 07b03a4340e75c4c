/**
 * Benchmark of the event-sourcing core (issue 3, last acceptance bullet), on the same data in
 * one run, once per Kafka client behind the messaging port (issue 16: kafkajs, then
 * @platformatic/kafka), with a side-by-side summary first:
 *  (a) EventRelay (SQLite store -> Kafka, idempotent producer, acks all, checkpoint in MongoDB)
 *      vs a bare producer of the same client sending the same messages in the same batches;
 *  (b) ProjectionRunner (eachBatch, folded per document, one compare-and-set write per document)
 *      vs the same projection written one event at a time (eachMessage -> runner.write([message])),
 *      both reading the relay's topic;
 *  (c) rebuildProjection of the same projection from the event store (folded in memory, bulk-inserted).
 * Every read model is checked against a fold of the event store, so the rates compare runs
 * that produced the same documents.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Connection } from 'mongoose';
import { GlobalPosition, RecordedEvent, SqliteEventStore } from '@salon/shared/event-store';
import {
  CheckpointStore,
  EventRelay,
  IncomingMessage,
  KAFKA_CLIENT_KINDS,
  KafkaClientKind,
  MessageProducer,
  MessagingClient,
  MongoCheckpointStore,
  OutgoingRecord,
  ProjectionRunner,
  createMessagingClient,
  createTopicsAndWait,
  decodeMessage,
  rebuildProjection,
} from '@salon/shared/messaging';
import { collectionHash, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { appendInterleaved, counterProjection, toTestMessages } from '../../libs/shared/messaging/src/testing/fixtures';
import { probeRows, probeServer } from './server-probe';
import {
  Benchmark,
  Cleanup,
  Options,
  bulletList,
  formatCount,
  formatRate,
  markdownTable,
  progress,
  seconds,
  ticker,
  waitUntil,
} from './support';

const options = {
  events: { env: 'BENCH_EVENTS', default: 20_000, description: 'events appended to the store (rounded to a multiple of --streams)' },
  streams: { env: 'BENCH_STREAMS', default: 2_000, description: 'streams (= Kafka keys = read-model documents)' },
  partitions: { env: 'BENCH_PARTITIONS', default: 6, description: 'partitions of each benchmark topic' },
  'batch-size': { env: 'BENCH_BATCH_SIZE', default: 500, description: 'relay maxBatchSize, and the bare producer batch size' },
  'single-events': { env: 'BENCH_SINGLE_EVENTS', default: 0, description: 'events for one-at-a-time (0 = all); a subset if it is too slow' },
  'rebuild-batch-size': { env: 'BENCH_REBUILD_BATCH_SIZE', default: 1_000, description: 'events read per rebuild step' },
  'timeout-s': { env: 'BENCH_TIMEOUT_S', default: 180, description: 'longest wait for any one phase' },
} as const;

const RELAY_TARGET = 0.5;
const BATCHING_TARGET = 10;
const REBUILD_TARGET = 50_000;

interface CounterDocument {
  _id: string;
  tenantId: string;
  lastN: number;
  events: number;
  total: number;
  revision: number;
}

type Expected = Map<string, Omit<CounterDocument, '_id'>>;

interface Check {
  readonly what: string;
  readonly result: string;
  readonly ok: boolean;
}

/** What one client's run measured, for the side-by-side summary. */
interface ClientRates {
  readonly kind: KafkaClientKind;
  readonly bare: number;
  readonly relay: number;
  readonly single: number;
  readonly batched: number;
  readonly rebuild: number;
  readonly valid: boolean;
}

export const relayAndProjection: Benchmark<typeof options> = {
  name: 'relay-and-projection',
  description: 'EventRelay vs bare producer; batched vs one-at-a-time projection; rebuild; for each Kafka client (kafkajs, platformatic)',
  options,
  async run(opts, cleanup) {
    const runs: { markdown: string; rates: ClientRates }[] = [];
    for (const kind of KAFKA_CLIENT_KINDS) {
      progress(`--- Kafka client ${kind} ---`);
      runs.push(await runWith(kind, opts, cleanup));
    }
    const rates = runs.map((run) => run.rates);
    const [first] = rates;
    const versus = (value: number, base: number) => (base > 0 ? ` (${(value / base).toFixed(2)}×)` : '');
    const summary = markdownTable(
      ['Measured (events/s)', ...rates.map((r, i) => (i === 0 ? r.kind : `${r.kind} (vs ${first.kind})`))],
      [
        ['(a) bare producer (idempotent, acks all)', ...rates.map((r) => formatRate(r.bare) + (r === first ? '' : versus(r.bare, first.bare)))],
        ['(a) EventRelay, SQLite → Kafka, checkpoint in MongoDB', ...rates.map((r) => formatRate(r.relay) + (r === first ? '' : versus(r.relay, first.relay)))],
        ['(a) relay ÷ bare producer of the same client', ...rates.map((r) => `${(r.relay / r.bare).toFixed(2)}×`)],
        ['(b) projection consumed one event at a time', ...rates.map((r) => formatRate(r.single) + (r === first ? '' : versus(r.single, first.single)))],
        ['(b) projection consumed batched (ProjectionRunner)', ...rates.map((r) => formatRate(r.batched) + (r === first ? '' : versus(r.batched, first.batched)))],
        ['(c) rebuild from the event store (no Kafka)', ...rates.map((r) => formatRate(r.rebuild))],
        ['read models checked against the event store', ...rates.map((r) => (r.valid ? '✅' : '❌'))],
      ],
    );
    const markdown = [
      '## relay-and-projection',
      '',
      `Both Kafka clients, one after the other in this run (${rates.map((r) => r.kind).join(', then ')}), on the same parameters:`,
      '',
      summary,
      '',
      ...runs.map((run) => run.markdown),
    ].join('\n');
    return { markdown, valid: rates.every((r) => r.valid) };
  },
};

async function runWith(kind: KafkaClientKind, opts: Options<typeof options>, cleanup: Cleanup): Promise<{ markdown: string; rates: ClientRates }> {
  const streams = Math.max(1, Math.round(opts.streams));
  const perStream = Math.max(1, Math.round(opts.events / streams));
  const total = streams * perStream;
  const batchSize = Math.max(1, Math.round(opts['batch-size']));
  const singleLimit = opts['single-events'] > 0 ? Math.min(total, Math.round(opts['single-events'])) : total;
  const timeoutMs = opts['timeout-s'] * 1000;

  const id = uniqueName('bench').slice('bench-'.length);
  const names = {
    database: `bench_${id}`,
    relayTopic: `bench.relay.${id}`,
    bareTopic: `bench.bare.${id}`,
    warmupTopic: `bench.warmup.${id}`,
    prefix: `counter-${id}-`,
    relay: `bench-relay-${id}`,
    batched: `bench_batched_${id}`,
    single: `bench_single_${id}`,
    singleGroup: `bench-single-${id}`,
  };

  // --- set-up -------------------------------------------------------------------------
  const directory = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  cleanup.add(`remove ${directory}`, () => rmSync(directory, { recursive: true, force: true }));

  const kafka = createMessagingClient({ clientId: `bench-${id}`, brokers: kafkaBrokers(), kind });
  const mongo: Connection = await mongoose.createConnection(mongoUrl(names.database)).asPromise();
  cleanup.add(`drop database ${names.database}`, async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  const admin = kafka.admin();
  await admin.connect();
  const topics = [names.relayTopic, names.bareTopic, names.warmupTopic];
  cleanup.add(`delete topics and consumer groups of ${id}`, async () => {
    try {
      await admin.deleteTopics(topics);
      for (const groupId of [`projection.${names.batched}`, names.singleGroup]) {
        await admin.deleteGroups([groupId]).catch(() => undefined); // absent if that phase did not run
      }
    } finally {
      await admin.disconnect();
    }
  });
  await createTopicsAndWait(
    admin,
    topics.map((topic) => ({ topic, numPartitions: opts.partitions, replicationFactor: 1 })),
  );

  const store = new SqliteEventStore({ path: join(directory, 'events.db'), pollIntervalMs: 20 });
  cleanup.add('close the event store', () => store.close());

  progress(`appending ${formatCount(total)} events over ${formatCount(streams)} streams (one fsynced transaction each)`);
  const appendStarted = performance.now();
  const stopAppendTicker = ticker(() => `appending: ${formatCount(Number(store.lastPosition().commit))}/${formatCount(total)}`);
  try {
    await appendInterleaved(store, names.prefix, streams, perStream);
  } finally {
    stopAppendTicker();
  }
  const appendMs = performance.now() - appendStarted;
  const events = await readEverything(store, names.prefix);
  if (events.length !== total) throw new Error(`expected ${total} events in the store, read ${events.length}`);
  const expectedAll = foldEvents(events);
  const mongoRoundTripMs = await averageRoundTrip(mongo);

  const relayProducer = kafka.producer();
  const bareProducer = kafka.producer();
  await Promise.all([relayProducer.connect(), bareProducer.connect()]);
  cleanup.add('disconnect the producers', () => Promise.all([relayProducer.disconnect(), bareProducer.disconnect()]));

  // Both producers send one batch to a throw-away topic first: connections, producer ids,
  // metadata and JIT are warm for both before anything is timed.
  const warmup = events.slice(0, batchSize).flatMap(toTestMessages(names.warmupTopic)).map(toKafkaMessage);
  for (const producer of [bareProducer, relayProducer]) await sendAcked(producer, names.warmupTopic, warmup);

  // --- (a) bare producer ------------------------------------------------------------------
  const bareBatches = chunk(events.flatMap(toTestMessages(names.bareTopic)).map(toKafkaMessage), batchSize);
  progress(`(a) bare kafkajs producer: ${formatCount(total)} messages in ${bareBatches.length} batches`);
  let bareSent = 0;
  const stopBareTicker = ticker(() => `(a) bare producer: ${formatCount(bareSent)}/${formatCount(total)} acknowledged`);
  const bareStarted = performance.now();
  try {
    for (const messages of bareBatches) {
      await sendAcked(bareProducer, names.bareTopic, messages);
      bareSent += messages.length;
    }
  } finally {
    stopBareTicker();
  }
  const bareMs = performance.now() - bareStarted;

  // --- (a) relay --------------------------------------------------------------------------
  progress(`(a) EventRelay: ${formatCount(total)} events, maxBatchSize ${batchSize}, checkpoint in MongoDB`);
  const last = events[events.length - 1].position;
  const relayTiming = { sendMs: 0, sends: 0, checkpointMs: 0, doneAt: undefined as number | undefined };
  const mongoCheckpoints = new MongoCheckpointStore(mongo);
  const checkpoints: CheckpointStore = {
    load: (name) => mongoCheckpoints.load(name),
    async save(name: string, position: GlobalPosition) {
      const started = performance.now();
      await mongoCheckpoints.save(name, position);
      relayTiming.checkpointMs += performance.now() - started;
      if (position.commit >= last.commit) relayTiming.doneAt ??= performance.now();
    },
  };
  const timedProducer: MessageProducer = {
    ...relayProducer,
    async sendBatch(batch) {
      const started = performance.now();
      const result = await relayProducer.sendBatch(batch);
      relayTiming.sendMs += performance.now() - started;
      relayTiming.sends += 1;
      return result;
    },
  };
  const relay = new EventRelay({
    name: names.relay,
    store,
    streamPrefixes: [names.prefix],
    toMessages: toTestMessages(names.relayTopic),
    producer: timedProducer,
    checkpoints,
    maxBatchSize: batchSize,
  });
  const stopRelayTicker = ticker(() => `(a) relay: ${formatCount(relay.publishedCount)}/${formatCount(total)} published`);
  const relayStarted = performance.now();
  try {
    await relay.start();
    cleanup.add('stop the relay', () => relay.stop());
    await waitUntil(() => relayTiming.doneAt !== undefined, 'the relay checkpoint to reach the last position', {
      timeoutMs,
      failed: relay.done,
    });
  } finally {
    stopRelayTicker();
  }
  const relayMs = relayTiming.doneAt! - relayStarted;
  await relay.stop();

  const relayTopicCount = await topicMessageCount(admin, names.relayTopic);
  const bareTopicCount = await topicMessageCount(admin, names.bareTopic);
  const storedCheckpoint = await mongoCheckpoints.load(names.relay);

  // --- (b) batched projection runner ------------------------------------------------------
  progress(`(b) ProjectionRunner, batched: consuming ${formatCount(relayTopicCount)} messages`);
  const batchedProjection = counterProjection(names.batched, names.relayTopic);
  const batchedRunner = new ProjectionRunner(batchedProjection, kafka, mongo);
  const batched = instrumentWrites(batchedRunner);
  const stopBatchedTicker = ticker(() => `(b) batched: ${formatCount(batchedRunner.appliedCount)}/${formatCount(relayTopicCount)} applied`);
  const batchedStarted = performance.now();
  try {
    await batchedRunner.start();
    cleanup.add('stop the batched projection runner', () => batchedRunner.stop());
    await waitUntil(() => batchedRunner.appliedCount >= relayTopicCount, 'the batched projection to catch up', { timeoutMs });
  } finally {
    stopBatchedTicker();
  }
  const batchedEnd = performance.now();
  await batchedRunner.stop();

  // --- (b) one event at a time ------------------------------------------------------------
  progress(`(b) one event at a time: ${formatCount(singleLimit)} messages, eachMessage -> runner.write([message])`);
  const singleProjection = counterProjection(names.single, names.relayTopic);
  const singleRunner = new ProjectionRunner(singleProjection, kafka, mongo); // only its write() is used
  const single = instrumentWrites(singleRunner);
  const singleWritten: IncomingMessage[] = [];
  let singleEnd: number | undefined;
  const consumer = kafka.consumer({ groupId: names.singleGroup });
  const stopSingleTicker = ticker(() => `(b) one-at-a-time: ${formatCount(singleWritten.length)}/${formatCount(singleLimit)} written`);
  const singleStarted = performance.now();
  try {
    await consumer.connect();
    cleanup.add('disconnect the one-at-a-time consumer', () => consumer.disconnect());
    await consumer.subscribe({ topics: [names.relayTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        // Past the limit the rest is skipped: the phase measures the first `singleLimit` messages.
        if (singleWritten.length >= singleLimit) return;
        const decoded = decodeMessage(topic, partition, message);
        await singleRunner.write([decoded]);
        singleWritten.push(decoded);
        if (singleWritten.length === singleLimit) singleEnd = performance.now();
      },
    });
    await waitUntil(() => singleEnd !== undefined, 'the one-at-a-time projection', { timeoutMs });
  } finally {
    stopSingleTicker();
  }
  await consumer.disconnect();

  // --- (c) rebuild ------------------------------------------------------------------------
  progress(`(c) rebuildProjection of ${names.batched} from the event store`);
  const rebuild = instrumentWrites(batchedRunner);
  let rebuilt = 0;
  const stopRebuildTicker = ticker(() => `(c) rebuild: ${formatCount(rebuilt)}/${formatCount(total)} events`);
  let rebuildResult;
  try {
    rebuildResult = await rebuildProjection({
      projection: batchedProjection,
      runner: batchedRunner,
      store,
      mongo,
      streamPrefixes: [names.prefix],
      toMessages: toTestMessages(names.relayTopic),
      batchSize: opts['rebuild-batch-size'],
      onProgress: ({ events: done }) => (rebuilt = done),
    });
  } finally {
    stopRebuildTicker();
  }

  // --- server probe: what one read-model write costs on this MongoDB-wire server ---------
  progress(`probing the MongoDB-wire server with ${formatCount(streams)} documents`);
  const probe = await probeServer(mongo, streams);
  const findOneUs = await probeRoundTrip(mongo);

  // --- checks -----------------------------------------------------------------------------
  progress('checking the topics and read models');
  const batchedCollection = `${names.batched}_counters_v1`;
  const singleCollection = `${names.single}_counters_v1`;
  const rebuiltCollection = rebuildResult.collections[`${names.batched}_counters`];
  const checks: Check[] = [
    {
      what: 'relay topic',
      result: `${formatCount(relayTopicCount)} messages, checkpoint at ${storedCheckpoint?.commit ?? 'none'}, publishedCount ${formatCount(relay.publishedCount)}`,
      ok: relayTopicCount === total && storedCheckpoint?.commit === last.commit && relay.publishedCount === total,
    },
    { what: 'bare topic', result: `${formatCount(bareTopicCount)} messages`, ok: bareTopicCount === total },
    await checkReadModel('batched read model (v1)', mongo, batchedCollection, expectedAll),
    await checkReadModel(
      singleLimit === total ? 'one-at-a-time read model' : `one-at-a-time read model (subset: fold of the ${formatCount(singleLimit)} messages it wrote)`,
      mongo,
      singleCollection,
      singleLimit === total ? expectedAll : foldMessages(singleWritten),
    ),
    await checkReadModel('rebuilt read model (v2)', mongo, rebuiltCollection, expectedAll),
  ];
  const batchedHash = await collectionHash(mongo, batchedCollection);
  const rebuiltHash = await collectionHash(mongo, rebuiltCollection);
  checks.push({ what: 'rebuild hash = live batched hash', result: rebuiltHash.hash.slice(0, 16), ok: rebuiltHash.hash === batchedHash.hash });
  if (singleLimit === total) {
    const singleHash = await collectionHash(mongo, singleCollection);
    checks.push({ what: 'one-at-a-time hash = batched hash', result: singleHash.hash.slice(0, 16), ok: singleHash.hash === batchedHash.hash });
  }

  // --- report -----------------------------------------------------------------------------
  const bareRate = total / (bareMs / 1000);
  const relayRate = total / (relayMs / 1000);
  const batchedFirst = batched.firstAt ?? batchedEnd;
  const batchedProcessingMs = batchedEnd - batchedFirst;
  const batchedRate = relayTopicCount / (batchedProcessingMs / 1000);
  const singleFirst = single.firstAt ?? singleEnd!;
  const singleProcessingMs = singleEnd! - singleFirst;
  const singleRate = singleLimit / (singleProcessingMs / 1000);
  const rebuildRate = rebuildResult.events / (rebuildResult.durationMs / 1000);
  const relayRatio = relayRate / bareRate;
  const batchingRatio = batchedRate / singleRate;
  const valid = checks.every((check) => check.ok);
  const verdict = (met: boolean) => (!valid ? '⚠ invalid (checks failed)' : met ? '✅ target met' : '❌ target not met');
  const subset = singleLimit === total ? formatCount(singleLimit) : `${formatCount(singleLimit)} (subset of ${formatCount(total)})`;

  const results = markdownTable(
    ['Part', 'Measured', 'Events', 'Time (s)', 'Events/s', 'Ratio', 'Target', 'Verdict'],
    [
      ['a', `bare ${kind} producer (idempotent, acks all), precomputed batches`, formatCount(total), seconds(bareMs), formatRate(bareRate), '1.00× (baseline)', '–', '–'],
      [
        'a',
        'EventRelay: SQLite → Kafka (idempotent, acks all), checkpoint in MongoDB',
        formatCount(total),
        seconds(relayMs),
        formatRate(relayRate),
        `${relayRatio.toFixed(2)}× bare`,
        `≥ ${RELAY_TARGET}× bare`,
        verdict(relayRatio >= RELAY_TARGET),
      ],
      ['b', 'one event at a time: eachMessage → runner.write([message])', subset, seconds(singleProcessingMs), formatRate(singleRate), '1.00× (baseline)', '–', '–'],
      [
        'b',
        'ProjectionRunner batched: eachBatch → fold per document → one compare-and-set write each, position + commit per batch',
        formatCount(relayTopicCount),
        seconds(batchedProcessingMs),
        formatRate(batchedRate),
        `${batchingRatio.toFixed(1)}× one-at-a-time`,
        `≥ ${BATCHING_TARGET}× one-at-a-time`,
        verdict(batchingRatio >= BATCHING_TARGET),
      ],
      [
        'c',
        'rebuildProjection: SQLite readAll → fold in memory → insertMany into v2, switch',
        formatCount(rebuildResult.events),
        seconds(rebuildResult.durationMs),
        formatRate(rebuildRate),
        `${(rebuildRate / batchedRate).toFixed(2)}× batched runner`,
        `≥ ${formatRate(REBUILD_TARGET)} events/s`,
        verdict(rebuildRate >= REBUILD_TARGET),
      ],
    ],
  );

  const avg = (ms: number, count: number) => (count > 0 ? `${(ms / count).toFixed(2)} ms` : '–');
  const where = markdownTable(
    ['Phase', 'Wall (s)', 'Where the time goes'],
    [
      ['a bare', seconds(bareMs), `${bareBatches.length} sendBatch calls, ${avg(bareMs, bareBatches.length)} each`],
      [
        'a relay',
        seconds(relayMs),
        `sendBatch ${seconds(relayTiming.sendMs)} s (${relayTiming.sends} calls, ${avg(relayTiming.sendMs, relayTiming.sends)} each); ` +
          `checkpoint save ${seconds(relayTiming.checkpointMs)} s; ` +
          `the rest (start-up, SQLite reads, JSON, mapping, linger) ${seconds(relayMs - relayTiming.sendMs - relayTiming.checkpointMs)} s`,
      ],
      [
        'b batched',
        seconds(batchedProcessingMs),
        `runner.write ${seconds(batched.writeMs)} s (${batched.calls} batches, avg ${Math.round(relayTopicCount / Math.max(1, batched.calls))} messages, ${avg(batched.writeMs, batched.calls)} each); ` +
          `the rest (Kafka fetch, decode, position save, offset commit) ${seconds(batchedProcessingMs - batched.writeMs)} s; ` +
          `not counted: start-up (connect, group join, first fetch) ${seconds(batchedFirst - batchedStarted)} s`,
      ],
      [
        'b one-at-a-time',
        seconds(singleProcessingMs),
        `runner.write ${seconds(single.writeMs)} s (${single.calls} calls, ${avg(single.writeMs, single.calls)} each); ` +
          `the rest (Kafka fetch, decode, offset commit) ${seconds(singleProcessingMs - single.writeMs)} s; ` +
          `not counted: start-up ${seconds(singleFirst - singleStarted)} s`,
      ],
      [
        'c rebuild',
        seconds(rebuildResult.durationMs),
        `catch-up through runner.write ${seconds(rebuild.writeMs)} s (${rebuild.calls} batches); ` +
          `the rest (SQLite readAll, JSON, mapping, fold in memory, insertMany, version switch) ${seconds(rebuildResult.durationMs - rebuild.writeMs)} s`,
      ],
    ],
  );

  const checkTable = markdownTable(
    ['Check', 'Result', 'OK'],
    checks.map((check) => [check.what, check.result, check.ok ? '✅' : '❌']),
  );

  const parameters = bulletList({
    events: `${formatCount(total)} (${formatCount(streams)} streams × ${perStream}, appended interleaved; set-up took ${seconds(appendMs)} s, not timed)`,
    partitions: opts.partitions,
    'batch size': `${batchSize} (relay maxBatchSize, lingerMs 10; bare producer batches of the same size)`,
    'one-at-a-time events': singleLimit === total ? `${formatCount(total)} (all)` : `${formatCount(singleLimit)} (subset; rates compared)`,
    'rebuild batch size': opts['rebuild-batch-size'],
    producers: `${kind} through the messaging port: idempotent, one request in flight, acks all, no compression; both warmed up with one batch to a throw-away topic`,
    consumers: `${kind} through the messaging port, as the ProjectionRunner uses it; rates from the first message handed to the projection to the last one written`,
    'MongoDB round trip (ping, avg of 200)': `${mongoRoundTripMs.toFixed(3)} ms`,
    servers: `Kafka ${kafkaBrokers().join(',')}; MongoDB-wire ${new URL(mongoUrl()).host}`,
    run: id,
  });

  const probeTable = markdownTable(
    ['Server probe (scratch collection of ' + formatCount(streams) + ' docs, ' + probe.ops + ' ops per bulkWrite)', 'µs per op'],
    [...probeRows(probe, formatRate), ['findOne by _id, sequential (≈ one round trip; runner.write does one per call for the read-model version)', formatRate(findOneUs)]],
  );

  const documentsPerBatch = batched.documents / Math.max(1, batched.calls);
  const notes = [
    '- One-at-a-time uses the same projection and the same `runner.write` (read-model version lookup → `_id: {$in}` read → fold → one write), ' +
      'but only the client\'s auto-commit per fetched batch and no position document per message: this favours the one-at-a-time side.',
    '- Start-up (consumer connect and group join) is excluded from both (b) rates and shown in the second table.',
    `- Per event: batched ${formatRate((batchedProcessingMs * 1000) / relayTopicCount)} µs, one-at-a-time ${formatRate((singleProcessingMs * 1000) / singleLimit)} µs. ` +
      `A batch of ${Math.round(relayTopicCount / Math.max(1, batched.calls))} messages touches ≈ ${Math.round(documentsPerBatch)} documents, each written once ` +
      `(≈ ${formatRate(probe.compareAndSetUs)} µs per compare-and-set on this server); one at a time, every event pays three round trips and one write.`,
    `- Rebuild: ${formatCount(streams)} documents inserted at ≈ ${formatRate(probe.insertUs)} µs each on this server: ` +
      `${seconds((streams * probe.insertUs) / 1000)} s of the rebuild is the server's insert cost alone.`,
  ].join('\n');

  const markdown = [
    `### relay-and-projection on ${kind}`,
    '',
    'Parameters:',
    parameters,
    '',
    results,
    '',
    where,
    '',
    probeTable,
    '',
    checkTable,
    '',
    notes,
  ].join('\n');
  return {
    markdown,
    rates: { kind, bare: bareRate, relay: relayRate, single: singleRate, batched: batchedRate, rebuild: rebuildRate, valid },
  };
}

async function readEverything(store: SqliteEventStore, prefix: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 5_000, streamPrefixes: [prefix] });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1].position;
  }
}

/** What counterProjection should produce, computed without Kafka or MongoDB. */
function foldEvents(events: readonly RecordedEvent[]): Expected {
  return fold(
    events.map((event) => ({
      key: event.streamName,
      tenantId: event.metadata.tenantId,
      revision: Number(event.revision),
      data: event.data as { n: number; amount: number },
    })),
  );
}

function foldMessages(messages: readonly IncomingMessage[]): Expected {
  return fold(
    messages.map((message) => ({
      key: message.key,
      tenantId: message.tenantId,
      revision: Number(message.streamRevision),
      data: message.data as { n: number; amount: number },
    })),
  );
}

function fold(items: readonly { key: string; tenantId: string; revision: number; data: { n: number; amount: number } }[]): Expected {
  const expected: Expected = new Map();
  for (const { key, tenantId, revision, data } of items) {
    const current = expected.get(key) ?? { tenantId, lastN: -1, events: 0, total: 0, revision: -1 };
    if (revision <= current.revision) continue; // what the revision guard does
    expected.set(key, { tenantId, lastN: data.n, events: current.events + 1, total: current.total + data.amount, revision });
  }
  return expected;
}

async function checkReadModel(what: string, mongo: Connection, collection: string, expected: Expected): Promise<Check> {
  let documents = 0;
  let events = 0;
  let total = 0;
  let mismatches = 0;
  for await (const document of mongo.collection<CounterDocument>(collection).find({})) {
    documents += 1;
    events += document.events;
    total += document.total;
    const want = expected.get(document._id);
    const same =
      want !== undefined &&
      document.events === want.events &&
      document.total === want.total &&
      document.lastN === want.lastN &&
      document.revision === want.revision &&
      document.tenantId === want.tenantId;
    if (!same) mismatches += 1;
  }
  const wantEvents = [...expected.values()].reduce((sum, d) => sum + d.events, 0);
  const wantTotal = [...expected.values()].reduce((sum, d) => sum + d.total, 0);
  return {
    what,
    result: `${formatCount(documents)} docs, Σevents ${formatCount(events)}, Σtotal ${formatCount(total)}, ${mismatches} docs differ from the fold of the events`,
    ok: documents === expected.size && events === wantEvents && total === wantTotal && mismatches === 0,
  };
}

/** Times `runner.write` from outside (an instance property shadowing the method). */
function instrumentWrites(runner: ProjectionRunner): { writeMs: number; calls: number; documents: number; firstAt?: number } {
  const timing: { writeMs: number; calls: number; documents: number; firstAt?: number } = { writeMs: 0, calls: 0, documents: 0 };
  const write = ProjectionRunner.prototype.write;
  runner.write = async (messages, targets) => {
    const started = performance.now();
    timing.firstAt ??= started;
    timing.documents += new Set(messages.map((message) => message.key)).size;
    await write.call(runner, messages, targets);
    timing.writeMs += performance.now() - started;
    timing.calls += 1;
  };
  return timing;
}

function toKafkaMessage(message: { key: string; value: string | null; headers: Readonly<Record<string, string>> }): OutgoingRecord {
  return { key: message.key, value: message.value, headers: { ...message.headers } };
}

async function sendAcked(producer: MessageProducer, topic: string, messages: OutgoingRecord[]): Promise<void> {
  await producer.sendBatch({ topicMessages: [{ topic, messages }] });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

async function topicMessageCount(admin: ReturnType<MessagingClient['admin']>, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
}

/** A sequential point read: one round trip plus the server's lookup. */
async function probeRoundTrip(mongo: Connection, reads = 200): Promise<number> {
  const collection = mongo.collection<{ _id: string }>('bench_probe_reads');
  await collection.insertOne({ _id: 'k' });
  const started = performance.now();
  for (let i = 0; i < reads; i++) await collection.findOne({ _id: 'k' });
  const us = ((performance.now() - started) * 1000) / reads;
  await collection.drop();
  return us;
}

async function averageRoundTrip(mongo: Connection, times = 200): Promise<number> {
  const db = mongo.db!;
  await db.command({ ping: 1 });
  const started = performance.now();
  for (let i = 0; i < times; i++) await db.command({ ping: 1 });
  return (performance.now() - started) / times;
}
