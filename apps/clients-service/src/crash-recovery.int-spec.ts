import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import request from 'supertest';
import { toClientStreamName } from '@salon/clients/domain';
import { PhoneReservations } from '@salon/clients/feature';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { KEY_STORE, KeyStore } from '@salon/shared/crypto';
import { SqliteEventStore, comparePositions, parsePosition } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * What a crash between a use case's deciding append and its side effects used to leave behind,
 * and how it is finished now: a phone reserved for a client that never got registered is released
 * after the grace period; a delete or an erasure whose data-key deletion failed is finished by the
 * follow-up from the event store, and a retry with the same Idempotency-Key answers like the first.
 */
describe('clients service after a crash half-way through a use case', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('clients-crash'), { KAFKA_TOPIC_PREFIX: prefix, PHONE_RESERVATION_GRACE_SECONDS: '2' });
  const kafka = createMessagingClient({ clientId: 'clients-crash-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let keys: KeyStore;
  let store: SqliteEventStore;
  let authorization: string;
  let mongo: mongoose.Connection;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
    keys = app.get(KEY_STORE);
    // A second connection to the service's event store file, as another process would have.
    store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();
    authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-1', tenantId: tenant, roles: ['manager'] })}`;
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await store?.close();
    await mongo?.close();
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  const register = (phone: string, idempotencyKey?: string) => {
    const call = http.post('/clients').set('Authorization', authorization).send({ phone, firstName: 'Ewa' });
    return idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call;
  };
  const metadata = () => ({ tenantId: tenant, correlationId: randomUUID(), causationId: randomUUID(), now: new Date() });

  /** The data key's deletion fails once, as if the process died right after the deciding append. */
  const failNextKeyDeletion = () =>
    jest.spyOn(keys, 'deleteKey').mockImplementationOnce(async () => {
      throw new Error('simulated crash after the append');
    });

  it('releases the phone of a registration that crashed after reserving it, once the grace period is over', async () => {
    const phone = '+48607100001';
    const ghostId = randomUUID();
    // What a registration leaves when it dies between the reservation and the client's append.
    await app.get(PhoneReservations).reserve(metadata(), phone, ghostId, false);

    const refused = await register(phone);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'phone-taken', existingClientId: ghostId });
    await http.get(`/clients/${ghostId}`).set('Authorization', authorization).expect(404);

    const registered = await eventually(async () => {
      const response = await register(phone);
      return response.status === 201 ? response : undefined;
    }, 'the ghost reservation to be released', { timeoutMs: 30_000, intervalMs: 500 });
    expect(registered.body.clientId).not.toBe(ghostId);
  });

  it('keeps a reservation whose client uses the number, once the sweeper has checked it', async () => {
    const phone = '+48607100002';
    const { body } = await register(phone).expect(201);
    const [reserved] = await store.readAll({ streamPrefixes: ['phone-reservation-'] }).then((events) =>
      events.filter((event) => (event.data as { clientId?: string }).clientId === body.clientId),
    );
    await eventually(async () => {
      const checkpoint = await mongo.collection('event_store_checkpoints').findOne({ _id: `${prefix}clients.phone-reservation-sweeper` as never });
      return checkpoint && comparePositions(parsePosition(String(checkpoint.position)), reserved.position) >= 0 ? true : undefined;
    }, 'the sweeper to check the reservation', { timeoutMs: 30_000, intervalMs: 500 });
    expect((await register(phone)).body).toMatchObject({ error: 'phone-taken', existingClientId: body.clientId });
  });

  it('finishes an erasure whose data-key deletion failed: the follow-up destroys the key and frees the phone', async () => {
    const phone = '+48607100003';
    const { body } = await register(phone).expect(201);
    failNextKeyDeletion();
    const failed = await http.post(`/clients/${body.clientId}/erasure`).set('Authorization', authorization);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    // The erasure is recorded on the client's stream...
    const events = await store.readStream(toClientStreamName(body.clientId));
    expect(events.map((event) => event.type)).toContain('ClientErased');
    // ...and finished without anyone retrying it.
    await eventually(async () => ((await keys.wasErased(tenant, body.clientId)) ? true : undefined), 'the data key to be destroyed');
    const reused = await register(phone);
    expect(reused.status).toBe(201);
  });

  it('answers a retried delete like the first and finishes what the first left undone', async () => {
    const phone = '+48607100004';
    const { body } = await register(phone).expect(201);
    const key = randomUUID();
    failNextKeyDeletion();
    const first = await http.delete(`/clients/${body.clientId}`).set('Authorization', authorization).set('Idempotency-Key', key);
    expect(first.status).toBeGreaterThanOrEqual(500);

    await http.delete(`/clients/${body.clientId}`).set('Authorization', authorization).set('Idempotency-Key', key).expect(204);
    expect(await keys.wasErased(tenant, body.clientId)).toBe(true);
    expect((await register(phone)).status).toBe(201);
    // Without the key, a second delete is a delete of a client that no longer exists.
    await http.delete(`/clients/${body.clientId}`).set('Authorization', authorization).expect(404);
  });
});
