import { randomUUID } from 'node:crypto';
import type { MessageProducer, OutgoingRecord } from './messaging-port';
import mongoose, { Connection } from 'mongoose';
import { HEADERS } from '@salon/contracts';
import { eventually, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { createMessagingClient } from './messaging-client';
import { KAFKA_CLIENT_KINDS } from './messaging-port';
import { DeadLetter } from './dead-letters';
import { readDeadLetters } from './dead-letter-replay';
import { IncomingMessage } from './integration-message';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { SupervisedConsumer } from './supervised-consumer';
import { createTopicsAndWait } from './topics-admin';

/** A refused connection, as Node reports it: transient. */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27018'), { code: 'ECONNREFUSED' });

/**
 * The shared consumer loop against the real broker: poison goes to the dead letters and the rest
 * goes on, transient failures are retried and never dead-lettered, a failed start is restarted,
 * and /health/ready's view of it (lag, stall, stop) is measured from the group's real offsets.
 */
// Against each Kafka client behind the messaging port (KAFKA_CLIENT).
describe.each(KAFKA_CLIENT_KINDS)('SupervisedConsumer, on %s', (kind) => {
  const prefix = `${uniqueName('sc')}.`;
  const database = uniqueName('supervised');
  const kafka = createMessagingClient({ clientId: 'supervised-consumer-test', brokers: kafkaBrokers(), logLevel: 'nothing', kind });
  const deadLetters = `${prefix}ops.dead-letters.v1`;
  const topics: string[] = [];
  let producer: MessageProducer;
  let mongo: Connection;
  const running: { stop(): Promise<void> }[] = [];

  async function newTopic(name: string, partitions = 1): Promise<string> {
    const topic = `${prefix}${name}`;
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: partitions }]);
    await admin.disconnect();
    topics.push(topic);
    return topic;
  }

  let revision = 0;
  function event(key: string, value: string | null, type = 'CounterIncremented'): OutgoingRecord {
    return {
      key,
      value,
      headers: {
        [HEADERS.eventId]: randomUUID(),
        [HEADERS.eventType]: type,
        [HEADERS.schemaVersion]: '1',
        [HEADERS.tenantId]: 'chain-1',
        [HEADERS.correlationId]: randomUUID(),
        [HEADERS.causationId]: randomUUID(),
        [HEADERS.streamRevision]: String(revision++),
      },
    };
  }

  async function deadLettersOf(group: string, count: number): Promise<DeadLetter[]> {
    return eventually(async () => {
      const letters = (await readDeadLetters(kafka, deadLetters)).filter((letter) => letter.group === group);
      return letters.length >= count ? letters : undefined;
    }, `${count} dead letters of ${group}`);
  }

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(database)).asPromise();
    await newTopic('ops.dead-letters.v1');
    producer = kafka.producer();
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((worker) => worker.stop()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.disconnect();
    await mongo?.dropDatabase();
    await mongo?.close();
  });

  it('dead-letters what it cannot decode or apply, applies the rest of the batch and moves its position past them', async () => {
    const topic = await newTopic('counters');
    const name = `${prefix}counters`;
    // Data of a shape the code does not expect: apply throws a TypeError for it.
    const projection: Projection = {
      name,
      topics: [topic],
      topicPrefix: prefix,
      collections: ['counters'],
      canHandle: () => true,
      documentId: (message) => message.key,
      evolve(_document, message) {
        const data = message.data as { amount: { value: number } };
        return { _id: message.key, amount: data.amount.value };
      },
    };
    const good = Array.from({ length: 20 }, (_, n) => event(`good-${n}`, JSON.stringify({ amount: { value: n } })));
    await producer.send({
      topic,
      messages: [
        ...good.slice(0, 10),
        event('bad-json', '{not json'),
        { key: 'no-headers', value: '{}' },
        event('bad-shape', JSON.stringify({ amount: null })),
        ...good.slice(10),
      ],
    });

    const runner = new ProjectionRunner(projection, kafka, mongo);
    running.push(runner);
    await runner.start();

    await eventually(async () => ((await mongo.collection('counters_v1').countDocuments()) === 20 ? true : undefined), 'the 20 good messages');
    const letters = await deadLettersOf(runner.groupId, 3);
    expect(letters.map((letter) => [letter.key?.toString(), letter.reason, letter.source.offset])).toEqual([
      ['bad-json', 'undecodable', '10'],
      ['no-headers', 'undecodable', '11'],
      ['bad-shape', 'rejected', '12'],
    ]);
    expect(letters[0].value?.toString()).toBe('{not json');
    expect(letters[0].headers[HEADERS.eventType]?.toString()).toBe('CounterIncremented');
    expect(letters[0].error).toBe(`UndecodableMessageError: Message ${topic}/0@10: the value is not JSON (9 bytes)`);
    expect(letters[1].error).toContain(`has no "${HEADERS.eventId}" header`);
    expect(letters[2].error).toMatch(/^TypeError: Cannot read properties of null/);
    expect(letters[2].source).toEqual({ topic, partition: 0, offset: '12' });

    await eventually(async () => {
      const position = await mongo.collection('projection_positions').findOne({ projection: name, topic, partition: 0 });
      return position?.['offset'] === '23' ? true : undefined;
    }, 'the stored position past the last message');
    await eventually(async () => {
      const health = await runner.health();
      return health.ok && health.lag === 0 ? health : undefined;
    }, 'a healthy runner without lag').then((health) => expect(health).toMatchObject({ state: 'running', deadLetters: 3 }));
  });

  it('retries a transient failure with back-off and never dead-letters it', async () => {
    const topic = await newTopic('transient');
    const groupId = `${prefix}transient-policy`;
    let failuresLeft = 3;
    const handled: IncomingMessage[] = [];
    const consumer = new SupervisedConsumer({
      kafka,
      groupId,
      topics: [topic],
      deadLetterTopic: deadLetters,
      timing: { retryDelayMs: 50 },
      handler: {
        eachMessage: async (message) => {
          if (message.key === 'flaky' && failuresLeft-- > 0) throw refused();
          handled.push(message);
        },
      },
    });
    running.push(consumer);
    await consumer.start();
    await producer.send({ topic, messages: [event('flaky', '{}'), event('after', '{}')] });

    await eventually(async () => (handled.length === 2 ? true : undefined), 'both messages handled');
    expect(handled.map((message) => message.key)).toEqual(['flaky', 'after']);
    expect(failuresLeft).toBe(-1);
    expect(await consumer.health()).toMatchObject({ ok: true, deadLetters: 0, restarts: 0 });
    expect((await readDeadLetters(kafka, deadLetters)).filter((letter) => letter.group === groupId)).toEqual([]);
  });

  it('starts again by itself after a failed start, and reports the restart', async () => {
    const topic = await newTopic('restarts');
    let startsLeftToFail = 1;
    const handled: string[] = [];
    const consumer = new SupervisedConsumer({
      kafka,
      groupId: `${prefix}restarting-policy`,
      topics: [topic],
      deadLetterTopic: deadLetters,
      timing: { restartDelayMs: 200 },
      beforeStart: async () => {
        if (startsLeftToFail-- > 0) throw new Error('group coordinator is not available');
      },
      handler: { eachMessage: async (message) => void handled.push(message.key) },
    });
    running.push(consumer);
    await consumer.start();
    expect(await consumer.health()).toMatchObject({ ok: false, state: 'restarting', error: 'Error: group coordinator is not available' });

    await producer.send({ topic, messages: [event('k', '{}')] });
    await eventually(async () => (handled.length === 1 ? true : undefined), 'the message after the restart');
    expect(await consumer.health()).toMatchObject({ ok: true, state: 'running', restarts: 1 });
  });

  it('reports stalled when it has lag and makes no progress, and stopped once stopped', async () => {
    const topic = await newTopic('stalls');
    const consumer = new SupervisedConsumer({
      kafka,
      groupId: `${prefix}stalling-policy`,
      topics: [topic],
      deadLetterTopic: deadLetters,
      timing: { retryDelayMs: 100, maxRetryDelayMs: 200, stallAfterMs: 1_000, lagCacheMs: 0 },
      handler: {
        eachMessage: async () => {
          throw refused();
        },
      },
    });
    await consumer.start();
    await producer.send({ topic, messages: [event('a', '{}'), event('b', '{}')] });

    const stalled = await eventually(async () => {
      const health = await consumer.health();
      return health.state === 'stalled' ? health : undefined;
    }, 'the consumer to report a stall');
    expect(stalled).toMatchObject({ ok: false, lag: 2, deadLetters: 0 });
    expect(stalled.error).toMatch(/^2 messages behind, no progress for \d+ s; retrying Error: connect ECONNREFUSED/);

    await consumer.stop();
    expect(await consumer.health()).toMatchObject({ ok: false, state: 'stopped' });
  });
});
