import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { configureHttpApp, loadConfig, WorkerHost } from '@salon/shared/nest';
import {
  BODY_REFUSAL_CASES,
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  expectStandardError,
  kafkaBrokers,
  sendRaw,
  serviceEnvironment,
  uniqueName,
} from '@salon/shared/testing';
import { AppModule } from './app.module';
import { ClientsServiceConfig } from './config';

/**
 * What the clients service refuses before anything is done, through the real app against the
 * real servers: an Idempotency-Key reused for another request (422), and input it cannot or
 * must not take (4xx with the standard error body, never a 500).
 */
describe('clients API: refusals before anything is done', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('clients-refusals'), { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL' });
  const kafka = createMessagingClient({ clientId: 'clients-refusals-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let baseUrl: string;

  const as = async (userId = 'desk-1') =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId, tenantId: tenant, roles: ['receptionist'] })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(loadConfig(ClientsServiceConfig, env))] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttpApp(app, { name: 'clients-service', description: 'test' });
    // Listening: the raw-body cases send bytes with fetch.
    await app.listen(0, '127.0.0.1');
    // The HTTP side starts without its workers; the tests expect them running.
    await app.get(WorkerHost).whenStarted();
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  /** A body given as a string is sent as it is written (numbers JavaScript cannot hold). */
  async function register(body: unknown, { key, auth }: { key?: string; auth?: string } = {}) {
    const call = http.post('/clients').set('Authorization', auth ?? (await as())).set('Content-Type', 'application/json');
    return (key ? call.set('Idempotency-Key', key) : call).send(body as object | string);
  }

  async function storedEventCount(): Promise<number> {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return (await store.readAll()).length;
    } finally {
      await store.close();
    }
  }

  describe('Idempotency-Key bound to its request', () => {
    it('refuses the key with another body (422) and reserves nothing: the second phone stays free', async () => {
      const key = uniqueName('key');
      const first = await register({ phone: '+48601000011', firstName: 'Anna' }, { key });
      expect(first.status).toBe(201);
      const before = await storedEventCount();

      const reused = await register({ phone: '+48601000012', firstName: 'Anna' }, { key });
      expectStandardError(reused, 422, 'idempotency-key-reused', 'Idempotency-Key');
      expect(await storedEventCount()).toBe(before);

      // The regression: +48601000012 used to be "taken" by the first client from here on.
      const other = await register({ phone: '+48601000012', firstName: 'Olga' });
      expect(other.status).toBe(201);
      expect(other.body.clientId).not.toBe(first.body.clientId);
    });

    it('answers an identical retry like the first request and records nothing twice', async () => {
      const key = uniqueName('key');
      const body = { phone: '+48601000021', firstName: 'Ewa', consent: { remindersBySms: true } };
      const first = await register(body, { key });
      expect(first.status).toBe(201);
      const before = await storedEventCount();

      // The same body written in another order is the same request.
      const retry = await register({ consent: { remindersBySms: true }, firstName: 'Ewa', phone: '+48601000021' }, { key });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.etag).toBe(first.headers.etag);
      expect(await storedEventCount()).toBe(before);
    });

    it('refuses the key sent by another user of the chain, even with the same body', async () => {
      const key = uniqueName('key');
      const body = { phone: '+48601000031' };
      expect((await register(body, { key })).status).toBe(201);
      const before = await storedEventCount();
      const reused = await register(body, { key, auth: await as('desk-2') });
      expectStandardError(reused, 422, 'idempotency-key-reused', 'Idempotency-Key');
      expect(await storedEventCount()).toBe(before);
    });

    it('refuses the key on another route, and the other route does nothing', async () => {
      const key = uniqueName('key');
      const { body: client } = await register({ phone: '+48601000041' }, { key });
      const before = await storedEventCount();
      const reused = await http
        .put(`/clients/${client.clientId}/discounts`)
        .set('Authorization', await as())
        .set('Idempotency-Key', key)
        .send({ productDiscountPercent: 10, serviceDiscountPercent: 5 });
      expectStandardError(reused, 422, 'idempotency-key-reused', 'Idempotency-Key');
      expect(await storedEventCount()).toBe(before);
    });

    it('frees a key whose request was refused as malformed, for the corrected request', async () => {
      const key = uniqueName('key');
      const malformed = await register({ phone: '+48601000051', nickname: 'Zuzu' }, { key });
      expect(malformed.status).toBe(400);
      const corrected = await register({ phone: '+48601000051' }, { key });
      expect(corrected.status).toBe(201);
    });

    it('refuses a malformed key (400 naming the header)', async () => {
      const response = await register({ phone: '+48601000061' }, { key: 'short' });
      expectStandardError(response, 400, undefined, 'Idempotency-Key');
    });
  });

  describe('bad input is a 4xx with the standard error body, never a 500', () => {
    it.each(BODY_REFUSAL_CASES.map((refusal) => [refusal.name, refusal] as const))('refuses %s', async (_name, refusal) => {
      const before = await storedEventCount();
      const headers = { ...refusal.headers, authorization: await as() };
      const response = await sendRaw(baseUrl, { method: 'POST', path: '/clients', headers, body: refusal.body });
      expectStandardError(response, refusal.status, refusal.error, refusal.field);
      expect(JSON.stringify(response.body)).not.toContain('601 000 011');
      expect(await storedEventCount()).toBe(before);
    });

    it('names the limit of the body in the 413', async () => {
      const response = await register({ phone: '+48601000071', comment: 'x'.repeat(200 * 1024) });
      expect(response.status).toBe(413);
      expect(response.body.message).toContain('100 kB');
    });

    const clientBodies: [string, unknown, string][] = [
      ['an array for the body', [{ phone: '+48601000081' }], 'body'],
      ['an empty array for the body', [], 'body'],
      ['an array for consent', { phone: '+48601000082', consent: [{ notifications: true }] }, 'consent'],
      ['a string for consent', { phone: '+48601000083', consent: 'yes' }, 'consent'],
      ['null for the phone', { phone: null }, 'phone'],
      ['a number for the phone', { phone: 48601000084 }, 'phone'],
      ['a huge integer for the phone', '{"phone": 123456789012345678901234567890}', 'phone'],
      ['a very long phone', { phone: '6'.repeat(10_000) }, 'phone'],
      ['a very long first name', { phone: '+48601000085', firstName: 'A'.repeat(50_000) }, 'firstName'],
      ['"NaN" for a consent box', { phone: '+48601000086', consent: { notifications: 'NaN' } }, 'consent.notifications'],
    ];
    it.each(clientBodies)('refuses %s (400 naming the field)', async (_name, body, field) => {
      const before = await storedEventCount();
      expectStandardError(await register(body), 400, undefined, field);
      expect(await storedEventCount()).toBe(before);
    });

    describe('discounts', () => {
      let clientId: string;
      beforeAll(async () => {
        clientId = (await register({ phone: '+48601000091' })).body.clientId;
      });

      const discounts = async (raw: string) =>
        http.put(`/clients/${clientId}/discounts`).set('Authorization', await as()).set('Content-Type', 'application/json').send(raw);

      it.each([
        ['a denormal number', '{"productDiscountPercent": 5e-324, "serviceDiscountPercent": 0}', 'productDiscountPercent'],
        ['1e308', '{"productDiscountPercent": 0, "serviceDiscountPercent": 1e308}', 'serviceDiscountPercent'],
        ['a huge integer', '{"productDiscountPercent": 123456789012345678901234567890, "serviceDiscountPercent": 0}', 'productDiscountPercent'],
        ['three decimals', '{"productDiscountPercent": 10.125, "serviceDiscountPercent": 0}', 'productDiscountPercent'],
        ['"NaN"', '{"productDiscountPercent": "NaN", "serviceDiscountPercent": 0}', 'productDiscountPercent'],
        ['"Infinity"', '{"productDiscountPercent": 0, "serviceDiscountPercent": "Infinity"}', 'serviceDiscountPercent'],
        ['an object', '{"productDiscountPercent": {"value": 5}, "serviceDiscountPercent": 0}', 'productDiscountPercent'],
        ['an array', '{"productDiscountPercent": [5], "serviceDiscountPercent": 0}', 'productDiscountPercent'],
      ])('refuses %s (400 naming the field)', async (_name, raw, field) => {
        expectStandardError(await discounts(raw), 400, undefined, field);
      });

      it('reads -0 as a discount of 0', async () => {
        const response = await discounts('{"productDiscountPercent": -0, "serviceDiscountPercent": 0}');
        expect(response.status).toBe(200);
      });
    });
  });
});
