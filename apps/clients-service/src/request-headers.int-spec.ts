import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What the caller puts in headers that end up in every event's metadata and Kafka headers, which
 * are never shredded: the correlation id, the Idempotency-Key and the salon (X-Salon-Id). Each is
 * an opaque id, or it is refused (Idempotency-Key, X-Salon-Id: 400 naming the header) or replaced
 * (x-correlation-id). And the client base is chain-wide: salon-bound staff register, read and edit
 * every client of the chain.
 */
describe('clients API: caller-controlled headers and the salon scope', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('clients-headers'), { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL' });
  const kafka = createMessagingClient({ clientId: 'clients-headers-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  const as = async (salonIds?: string[], roles: Role[] = ['receptionist'], userId = 'desk-1') =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId, tenantId: tenant, roles, salonIds })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  const phone = () => `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

  async function register(auth: string, headers: Record<string, string> = {}) {
    const call = http.post('/clients').set('Authorization', auth);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call.send({ phone: phone(), firstName: 'Anna', allowSharedPhone: true });
  }

  async function registrationOf(clientId: string) {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      const [registered] = await store.readStream(`client-${clientId}`);
      return registered;
    } finally {
      await store.close();
    }
  }

  async function storedEventCount(): Promise<number> {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return (await store.readAll()).length;
    } finally {
      await store.close();
    }
  }

  describe('x-correlation-id', () => {
    it('keeps an opaque id (a UUID, or up to 100 of letters, digits and . _ : -): answered back and stored', async () => {
      for (const correlationId of ['7f9c2ba4-e88f-4a2b-9c1d-2f0a5b3c4d5e', 'gateway:req-42.a_b', 'c'.repeat(100)]) {
        const response = await register(await as(), { 'x-correlation-id': correlationId });
        expect(response.status).toBe(201);
        expect(response.headers['x-correlation-id']).toBe(correlationId);
        expect((await registrationOf(response.body.clientId)).metadata).toMatchObject({ correlationId, causationId: correlationId });
      }
    });

    it.each([
      ['an e-mail', 'anna.kowalska@example.com'],
      ['a phone number with spaces', '+48 601 000 000'],
      ['101 characters', 'c'.repeat(101)],
    ])('replaces %s with a generated UUID, which the response names and the events carry', async (_, correlationId) => {
      const response = await register(await as(), { 'x-correlation-id': correlationId });
      expect(response.status).toBe(201);
      const used = response.headers['x-correlation-id'];
      expect(used).toMatch(UUID);
      expect((await registrationOf(response.body.clientId)).metadata.correlationId).toBe(used);
    });
  });

  describe('Idempotency-Key', () => {
    it('takes a UUID', async () => {
      expect((await register(await as(), { 'Idempotency-Key': '0b0c2e8e-3a4f-4f57-8f0e-6f1c9d2b7a10' })).status).toBe(201);
    });

    it.each([
      ['an e-mail', 'anna.kowalska@example.com'],
      ['a phone number', '+48601000000'],
      ['101 characters', 'k'.repeat(101)],
      ['fewer than 8 characters', 'k-1'],
    ])('refuses %s: 400 naming the header, never repeating it, nothing recorded', async (_, key) => {
      const before = await storedEventCount();
      const refused = await register(await as(), { 'Idempotency-Key': key });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
      expect(JSON.stringify(refused.body)).not.toContain(key);
      expect(await storedEventCount()).toBe(before);
    });
  });

  it('documents both headers, their format and their refusals, on every route that reads them', async () => {
    const { body } = await http.get('/docs/json').expect(200);
    const header = (path: string, method: string, name: string) =>
      (body.paths[path][method].parameters ?? []).find((parameter: { in: string; name: string }) => parameter.in === 'header' && parameter.name === name);
    const key = header('/clients', 'post', 'Idempotency-Key');
    // An empty header is as good as none.
    expect(key.schema).toMatchObject({ type: 'string', pattern: '^(?:[A-Za-z0-9._:-]{8,100})?$', maxLength: 100 });
    // The route's own words first, then the rule.
    expect(key.description).toMatch(/^A retry with the same key registers nothing twice\..*400 naming the header/);
    const salon = header('/clients/{clientId}', 'put', 'X-Salon-Id');
    expect(salon.schema).toMatchObject({ type: 'string', pattern: '^(?:[A-Za-z0-9._:-]{1,64})?$', maxLength: 64 });
    expect(salon.description).toContain('403 salon-not-yours');
    expect(JSON.stringify(body)).not.toContain('x-reads-caller-id-headers');
  });

  describe('X-Salon-Id', () => {
    it("is recorded with the authenticated user; a salon-bound user's only salon is the default", async () => {
      const named = await register(await as(['salon-3', 'salon-4'], ['receptionist'], 'desk-3'), { 'X-Salon-Id': 'salon-4' });
      expect((await registrationOf(named.body.clientId)).metadata).toMatchObject({ actorId: 'desk-3', salonId: 'salon-4' });
      const implied = await register(await as(['salon-3'], ['receptionist'], 'desk-3'));
      expect((await registrationOf(implied.body.clientId)).metadata).toMatchObject({ actorId: 'desk-3', salonId: 'salon-3' });
    });

    it('refuses a salon the salon-bound user does not work at: 403 salon-not-yours naming the header, nothing recorded', async () => {
      const before = await storedEventCount();
      const refused = await register(await as(['salon-3']), { 'X-Salon-Id': 'salon-4' });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'salon-not-yours', errors: [{ field: 'X-Salon-Id' }] });
      expect(await storedEventCount()).toBe(before);
    });

    it.each([
      ['free text', 'Salon at Anna Kowalska, +48 601 000 000'],
      ['an e-mail', 'centre@example.com'],
      ['65 characters', 's'.repeat(65)],
    ])('refuses %s from any user: 400 naming the header, never repeating it', async (_, salon) => {
      const refused = await register(await as(undefined, ['owner']), { 'X-Salon-Id': salon });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'X-Salon-Id' })]);
      expect(JSON.stringify(refused.body)).not.toContain(salon);
    });
  });

  it('is chain-wide for salon-bound staff: they read and edit a client another salon registered', async () => {
    const number = phone();
    const { body } = await http.post('/clients').set('Authorization', await as(['salon-centre'])).send({ phone: number, firstName: 'Anna' }).expect(201);
    const northDesk = await as(['salon-north']);
    const view = await eventually(async () => {
      const response = await http.get(`/clients/${body.clientId}`).set('Authorization', northDesk);
      return response.status === 200 ? response : undefined;
    }, 'the client view');
    const saved = await http
      .put(`/clients/${body.clientId}`)
      .set('Authorization', northDesk)
      .set('If-Match', view.headers.etag)
      .send({ phone: number, firstName: 'Anna', lastName: 'Nowak' });
    expect(saved.status).toBe(200);
  });
});
