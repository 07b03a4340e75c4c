import { INestApplication } from '@nestjs/common';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import request from 'supertest';
import { toClientStreamName } from '@salon/clients/domain';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore, TRACEPARENT } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { registerTracing } from '@salon/shared/nest';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * One trace per command, end to end on the real stack (the embedded event store, the local Kafka
 * and MongoDB-wire server), with an in-memory exporter in place of the OTLP one: the HTTP request's
 * span, the event-store append under it, the relay's publish under that (through the event's
 * metadata) and the client-profiles projection's handling under the publish (through the Kafka
 * header). No span names a client id or a personal value.
 */
describe('traces from the HTTP request to the projection', () => {
  const exporter = new InMemorySpanExporter();
  registerTracing('clients-service', [new SimpleSpanProcessor({ exporter })]);
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('clients-tracing'), { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'clients-tracing-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  let app: INestApplication;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  it('links the HTTP span to the projection span of the same command', async () => {
    const tenant = uniqueName('chain');
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-1', tenantId: tenant, roles: ['manager'] });
    const registered = await request(app.getHttpServer())
      .post('/clients')
      .set('Authorization', `Bearer ${token}`)
      .send({ phone: '+48 601 555 010', firstName: 'Ewa', lastName: 'Tracińska' })
      .expect(201);
    const clientId = registered.body.clientId as string;

    const spans = () => exporter.getFinishedSpans();
    const http = await eventually(async () => spans().find((span) => span.name === 'POST /clients'), 'the HTTP span');
    const traceId = http.spanContext().traceId;
    const inTrace = () => spans().filter((span) => span.spanContext().traceId === traceId);
    const projection = await eventually(
      async () => inTrace().find((span) => span.name.includes('client-profiles') && span.name.endsWith(' handle')),
      'the projection span in the same trace',
      { timeoutMs: 30_000 },
    );

    // The chain of parents: projection → publish → append → HTTP.
    const byId = new Map<string, ReadableSpan>(inTrace().map((span) => [span.spanContext().spanId, span]));
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');
    const publish = parentOf(projection);
    expect(publish?.name).toBe('kafka publish');
    const append = parentOf(publish as ReadableSpan);
    expect(append?.name).toBe('event-store append');
    expect(parentOf(append as ReadableSpan)?.spanContext().spanId).toBe(http.spanContext().spanId);

    // The client's events keep the append's traceparent (ids and flags only).
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    const [event] = await store.readStream(toClientStreamName(clientId));
    await store.close();
    expect(event.metadata[TRACEPARENT]).toBe(`00-${traceId}-${append?.spanContext().spanId}-01`);

    // Nothing personal in any span of the trace: names and attributes hold templates, kinds and codes.
    const text = JSON.stringify(inTrace().map((span) => ({ name: span.name, attributes: span.attributes })));
    for (const value of ['Ewa', 'Tracińska', '601', clientId]) expect(text).not.toContain(value);
  });
});
