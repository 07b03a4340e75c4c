import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Connection } from 'mongoose';
import { ANY, SqliteEventStore } from '@salon/shared/event-store';
import {
  EventRelay,
  MessageProducer,
  MongoCheckpointStore,
  SupervisedConsumer,
  createMessagingClient,
  createTopicsAndWait,
  headersOf,
} from '@salon/shared/messaging';
import { eventually, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { metricsExposition, recordReadiness } from './metrics';
import { relayWorker } from './workers';

const EVENTS = 200;

/** A gate a test opens: until then whoever waits on it waits. */
function gate(): { readonly wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** The value of a gauge for one worker in the Prometheus text, or undefined when it has none. */
function gauge(text: string, metric: string, worker: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${metric}{`) && candidate.includes(`worker="${worker}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * The lag metrics of /metrics on the real stack (the embedded event store, the local Kafka and
 * MongoDB-wire server): a relay held back by a broker that does not take its batch yet, and a
 * consumer group held back by a handler that does not finish yet. Both lags rise, in events and in
 * seconds, and fall to 0 once the load has gone through.
 */
describe('relay and consumer lag on /metrics', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lag-'));
  const topic = uniqueName('lag');
  const prefix = `${uniqueName('lagged')}-`;
  const relayName = uniqueName('relay');
  const groupId = uniqueName('lag-group');
  const kafka = createMessagingClient({ clientId: 'lag-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const store = new SqliteEventStore({ path: join(directory, 'events.db') });
  let mongo: Connection;
  let producer: MessageProducer;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('lag'))).asPromise();
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 3 }]);
    await admin.disconnect();
    producer = kafka.producer();
  });

  afterAll(async () => {
    for (const worker of running.reverse()) await worker.stop().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.disconnect();
    await mongo?.dropDatabase();
    await mongo?.close();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** What Prometheus would read, after the readiness checks ran (as each scrape runs them). */
  async function scrape(reports: Parameters<typeof recordReadiness>[0]) {
    recordReadiness(reports);
    const { body } = await metricsExposition();
    const partitions = body.split('\n').filter((line) => line.startsWith('salon_consumer_partition_lag_messages{') && line.includes(`worker="${groupId}"`));
    return {
      partitionsSum: partitions.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0),
      partitionCount: partitions.length,
      relayEvents: gauge(body, 'salon_relay_lag_events', relayName),
      relaySeconds: gauge(body, 'salon_relay_lag_seconds', relayName),
      consumerMessages: gauge(body, 'salon_consumer_lag_messages', groupId),
      consumerSeconds: gauge(body, 'salon_consumer_lag_seconds', groupId),
    };
  }

  it('rises under load and falls to 0 after it', async () => {
    const broker = gate();
    const handler = gate();
    // The broker takes nothing until the test lets it: the relay falls behind the store.
    const heldProducer: MessageProducer = {
      connect: () => producer.connect(),
      disconnect: () => producer.disconnect(),
      send: async (request) => {
        await broker.wait;
        return producer.send(request);
      },
      sendBatch: async (request) => {
        await broker.wait;
        return producer.sendBatch(request);
      },
    };
    const relay = new EventRelay({
      name: relayName,
      store,
      streamPrefixes: [prefix],
      toMessages: (event) => [{ topic, key: event.streamName, value: JSON.stringify(event.data), headers: headersOf(event) }],
      producer: heldProducer,
      checkpoints: new MongoCheckpointStore(mongo),
      lagCacheMs: 0,
    });
    const relayAsWorker = relayWorker(relay, heldProducer);
    const consumer = new SupervisedConsumer({
      kafka,
      groupId,
      topics: [topic],
      deadLetterTopic: uniqueName('lag-dead-letters'),
      timing: { lagCacheMs: 0 },
      handler: { eachMessage: () => handler.wait },
    });
    await consumer.start();
    running.push(consumer);
    await relayAsWorker.start();
    running.push(relayAsWorker);
    const health = async () => ({ [`worker:${relayName}`]: (await relayAsWorker.health?.()) ?? { ok: false }, [`worker:${groupId}`]: await consumer.health() });
    await eventually(async () => ((await consumer.health()).state === 'running' ? true : undefined), 'the consumer to join its group', { timeoutMs: 60_000 });

    expect(await scrape(await health())).toMatchObject({ relayEvents: 0, relaySeconds: 0, partitionsSum: 0 });
    for (let index = 0; index < EVENTS; index++) {
      await store.appendToStream(`${prefix}${index % 20}`, [
        { id: randomUUID(), type: 'Loaded', data: { index }, metadata: { tenantId: 't', correlationId: randomUUID(), causationId: randomUUID(), schemaVersion: 1 } },
      ], { expectedRevision: ANY });
    }

    // The relay: every event waits, and the oldest has waited a measurable while.
    const relayBehind = await eventually(
      async () => {
        const scraped = await scrape(await health());
        return scraped.relayEvents === EVENTS && (scraped.relaySeconds ?? 0) > 0.2 ? scraped : undefined;
      },
      'the relay to be behind',
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(relayBehind.relayEvents).toBe(EVENTS);

    // The broker takes the batch: the relay catches up; the consumer is now behind (its handler waits).
    broker.open();
    const consumerBehind = await eventually(
      async () => {
        const scraped = await scrape(await health());
        return scraped.relayEvents === 0 && (scraped.consumerMessages ?? 0) > 0 && (scraped.consumerSeconds ?? 0) > 0.2 ? scraped : undefined;
      },
      'the relay caught up and the consumer behind',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(consumerBehind.relaySeconds).toBe(0);
    // Per partition too: the topic's 3 partitions, adding up to the group's lag.
    expect(consumerBehind.partitionCount).toBe(3);
    expect(consumerBehind.partitionsSum).toBe(consumerBehind.consumerMessages);

    // The handler goes on: the group catches up, both lags are 0.
    handler.open();
    const caughtUp = await eventually(
      async () => {
        const scraped = await scrape(await health());
        return scraped.consumerMessages === 0 ? scraped : undefined;
      },
      'the consumer to catch up',
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(caughtUp).toEqual({ partitionsSum: 0, partitionCount: 3, relayEvents: 0, relaySeconds: 0, consumerMessages: 0, consumerSeconds: 0 });
  }, 120_000);
});
