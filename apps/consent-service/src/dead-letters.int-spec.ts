import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS, HEADERS, TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { KAFKA_CLIENT_KINDS, MessageProducer, createMessagingClient, deadLetterTopic, ensureTopics, readDeadLetters } from '@salon/shared/messaging';
import { OpsServer, ReadinessAnswer } from '@salon/shared/nest';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { FakeClientsContext, cleanUp, startConsentApp } from './test/consent-test-kit';

/**
 * The consent context's client-events policy and a poison message (issue 10): it dead-letters
 * what it cannot read and goes on with the registrations behind it.
 */
// Against each Kafka client behind the messaging port (KAFKA_CLIENT).
describe.each(KAFKA_CLIENT_KINDS)('consent-service, a poison message on the client-events topic, on %s', (kind) => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('consent-dead-letters');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix, KAFKA_CLIENT: kind });
  const kafka = createMessagingClient({ clientId: 'consent-dead-letters-test', brokers: kafkaBrokers(), logLevel: 'nothing', kind });
  const group = `${prefix}consent.client-events-policy`;
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let producer: MessageProducer;
  let clients: FakeClientsContext;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startConsentApp(env);
    // Idempotent: a send retried after a partition of the new topic answered "not hosted here"
    // must not write the poison twice (the test would count the copies as more dead letters).
    producer = kafka.producer();
    await producer.connect();
    clients = new FakeClientsContext(producer, prefix, tenant);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  it('dead-letters it and opens the records of clients registered after it', async () => {
    const { partitions } = TOPICS.clientEvents;
    const headers = () => ({
      [HEADERS.eventId]: randomUUID(),
      [HEADERS.eventType]: 'ClientRegistered',
      [HEADERS.schemaVersion]: '1',
      [HEADERS.tenantId]: tenant,
      [HEADERS.correlationId]: randomUUID(),
      [HEADERS.causationId]: randomUUID(),
      [HEADERS.streamRevision]: '0',
    });
    // Ahead of whatever partition the next registrations land in.
    await producer.send({
      topic: prefix + TOPICS.clientEvents.name,
      messages: [
        ...Array.from({ length: partitions }, (_, partition) => ({ key: randomUUID(), value: '{not json', headers: headers(), partition })),
        { key: randomUUID(), value: '{}', partition: 0 },
      ],
    });
    const registered = await Promise.all([clients.registered(), clients.registered(), clients.registered()]);

    const authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'staff-1', tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-3'] })}`;
    const http = request(app.getHttpServer());
    for (const clientId of registered) {
      await eventually(async () => {
        const response = await http.get(`/clients/${clientId}/consent`).set('Authorization', authorization);
        return response.status === 200 && response.body.status === 'open' ? true : undefined;
      }, `the consent record of ${clientId} to open`, { timeoutMs: 15_000 });
    }

    const letters = await eventually(async () => {
      const ofGroup = (await readDeadLetters(kafka, deadLetterTopic(prefix))).filter((letter) => letter.group === group);
      return ofGroup.length >= partitions + 1 ? ofGroup : undefined;
    }, 'the dead letters of the policy');
    expect(letters).toHaveLength(partitions + 1);
    expect(letters.every((letter) => letter.reason === 'undecodable')).toBe(true);

    const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
    const ready = await fetch(`http://127.0.0.1:${ops.port}/health/ready`);
    expect(((await ready.json()) as ReadinessAnswer).checks[`worker:${group}`]).toMatchObject({ ok: true, state: 'running', deadLetters: partitions + 1 });
    expect(ready.status).toBe(200);
  });
});
