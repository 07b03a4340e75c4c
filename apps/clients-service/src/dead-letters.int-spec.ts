import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { ALL_TOPICS, DEAD_LETTER_HEADERS, HEADERS, TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import {
  DeadLetter,
  KAFKA_CLIENT_KINDS,
  MessageProducer,
  OutgoingRecord,
  createMessagingClient,
  deadLetterTopic,
  ensureTopics,
  listDeadLetters,
  readDeadLetters,
  replayDeadLetters,
} from '@salon/shared/messaging';
import { OpsServer, ReadinessAnswer } from '@salon/shared/nest';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * The poison case of issue 10 against the real clients service: a malformed message on
 * clients.client-events.v1 no longer stops the client-profiles projection. It lands in the
 * dead-letter topic, clients registered after it appear, /health/ready counts it, and the ops
 * command's replay re-publishes it once (the projection then dead-letters it again: its code was
 * not "fixed").
 */
// Against each Kafka client behind the messaging port (KAFKA_CLIENT).
describe.each(KAFKA_CLIENT_KINDS)('clients-service, a poison message on the client-events topic, on %s', (kind) => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('clients-dead-letters');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL', KAFKA_CLIENT: kind });
  const kafka = createMessagingClient({ clientId: 'clients-dead-letters-test', brokers: kafkaBrokers(), logLevel: 'nothing', kind });
  const clientEvents = prefix + TOPICS.clientEvents.name;
  const deadLetters = deadLetterTopic(prefix);
  const group = `projection.${prefix}client-profiles`;
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let producer: MessageProducer;
  let mongo: Connection;

  const auth = async () => `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'staff-1', tenantId: tenant, roles: ['manager'] })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
    producer = kafka.producer();
    await producer.connect();
    mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await mongo?.close();
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  /** The headers the clients relay sets, all valid: only the value is broken. */
  function validHeaders(): OutgoingRecord['headers'] {
    return {
      [HEADERS.eventId]: randomUUID(),
      [HEADERS.eventType]: 'ClientRegistered',
      [HEADERS.schemaVersion]: '1',
      [HEADERS.tenantId]: tenant,
      [HEADERS.correlationId]: randomUUID(),
      [HEADERS.causationId]: randomUUID(),
      [HEADERS.streamRevision]: '0',
    };
  }

  async function deadLettersOfGroup(count: number): Promise<DeadLetter[]> {
    return eventually(
      async () => {
        const letters = (await readDeadLetters(kafka, deadLetters)).filter((letter) => letter.group === group);
        return letters.length >= count ? letters : undefined;
      },
      `${count} dead letters of ${group}`,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  }

  it('dead-letters it with its bytes and headers, goes on, counts it on /health/ready, and replays it once', async () => {
    // `{not json` on every partition, so that whichever partition the next client lands in, the
    // poison is ahead of it; and one message with no headers at all.
    const { partitions } = TOPICS.clientEvents;
    const poison = Array.from({ length: partitions }, (_, partition) => ({ key: randomUUID(), value: '{not json', headers: validHeaders(), partition }));
    await producer.send({ topic: clientEvents, messages: [...poison, { key: randomUUID(), value: '{}', partition: 0 }] });

    const letters = await deadLettersOfGroup(partitions + 1);
    expect(letters).toHaveLength(partitions + 1);
    const notJson = letters.filter((letter) => letter.value?.toString() === '{not json');
    expect(notJson.map((letter) => letter.source.partition).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const letter of notJson) {
      expect(letter).toMatchObject({ group, reason: 'undecodable', source: { topic: clientEvents, offset: expect.stringMatching(/^\d+$/) } });
      expect(letter.error).toMatch(/^UndecodableMessageError: Message .+ the value is not JSON \(9 bytes\)$/);
      expect(letter.headers[HEADERS.eventType]?.toString()).toBe('ClientRegistered');
      expect(Number.isNaN(Date.parse(letter.deadLetteredAt))).toBe(false);
    }
    const headerless = letters.find((letter) => letter.value?.toString() === '{}');
    expect(headerless).toMatchObject({ group, reason: 'undecodable', headers: {} });
    expect(headerless?.error).toContain(`has no "${HEADERS.eventId}" header`);

    // The projection went on: a client registered after the poison appears within seconds.
    const registered = await http.post('/clients').set('Authorization', await auth()).send({ phone: '+48 601 100 200', firstName: 'Anna' });
    expect(registered.status).toBe(201);
    const authorization = await auth();
    await eventually(
      async () => ((await http.get(`/clients/${registered.body.clientId}`).set('Authorization', authorization)).status === 200 ? true : undefined),
      'the client registered after the poison to appear',
      { timeoutMs: 15_000 },
    );

    // Dead letters alone leave the service ready, and show on its worker.
    const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
    const ready = await fetch(`http://127.0.0.1:${ops.port}/health/ready`);
    expect(((await ready.json()) as ReadinessAnswer).checks[`worker:${group}`]).toMatchObject({ ok: true, state: 'running', deadLetters: partitions + 1 });
    expect(ready.status).toBe(200);

    // Replay (what `npm run dead-letters -- replay --group <group>` runs) re-publishes each one once.
    const first = await replayDeadLetters(kafka, mongo, deadLetters, { group });
    expect(first.replayed.map((letter) => letter.id).sort()).toEqual(letters.map((letter) => letter.id).sort());
    expect(first.alreadyReplayed).toEqual([]);
    const again = await replayDeadLetters(kafka, mongo, deadLetters, { ids: letters.map((letter) => letter.id) });
    expect(again.replayed).toEqual([]);
    expect(again.alreadyReplayed).toHaveLength(partitions + 1);

    // The group processed the replayed messages again: still not decodable, so dead-lettered anew, naming the replay.
    const afterReplay = await deadLettersOfGroup(2 * (partitions + 1));
    const replays = afterReplay.filter((letter) => letter.replayOf !== undefined);
    expect(replays.map((letter) => letter.replayOf).sort()).toEqual(letters.map((letter) => letter.id).sort());
    for (const letter of replays) expect(letter.headers[DEAD_LETTER_HEADERS.replayOf]).toBeUndefined();

    const listed = await listDeadLetters(kafka, mongo, deadLetters, { group });
    expect(listed.filter((letter) => letter.replayedAt !== undefined).map((letter) => letter.id).sort()).toEqual(
      letters.map((letter) => letter.id).sort(),
    );
  });
});
