import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  BODY_REFUSAL_CASES,
  TEST_JWT_SECRET,
  expectStandardError,
  kafkaBrokers,
  salonLocalTime,
  sendRaw,
  serviceEnvironment,
  uniqueName,
} from '@salon/shared/testing';
import { RunningService, cleanUp, startClientsService, startVisitsApp } from './test/visits-test-kit';

/**
 * What the visits service refuses before anything is done, through the real app (and the real
 * clients service, which admits bookings) against the real servers: an Idempotency-Key reused for
 * another request (422), and input it cannot or must not take (4xx with the standard error body,
 * never a 500) — every money and number field included.
 */
describe('visits API: refusals before anything is done', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('visits-refusals'), { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'visits-refusals-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let clients: RunningService;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let baseUrl: string;

  const as = async (userId = 'desk-1') =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId, tenantId: tenant, roles: ['receptionist'] })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    clients = await startClientsService(env);
    app = await startVisitsApp({ ...env, CLIENTS_SERVICE_URL: clients.url });
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    http = request(app.getHttpServer());
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await clients?.stop();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  async function registerClient(): Promise<string> {
    const phone = `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const response = await fetch(`${clients.url}/clients`, {
      method: 'POST',
      headers: { authorization: await as(), 'content-type': 'application/json' },
      body: JSON.stringify({ phone, allowSharedPhone: true }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { clientId: string }).clientId;
  }

  /** Every event of the store: visits, visit numbers and the clients' admissions. */
  async function storedEventCount(): Promise<number> {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return (await store.readAll()).length;
    } finally {
      await store.close();
    }
  }

  const haircut = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };
  const inAWeek = { start: salonLocalTime(7, '10:00'), end: salonLocalTime(7, '11:00') };
  const booking = (clientId: string, overrides: Record<string, unknown> = {}) => ({
    clientId,
    salonId: 'salon-centre',
    startsAt: inAWeek.start.local,
    endsAt: inAWeek.end.local,
    services: [haircut],
    ...overrides,
  });

  /** A body given as a string is sent as it is written (numbers JavaScript cannot hold). */
  async function send(method: 'post' | 'put', path: string, body: unknown, { key, auth }: { key?: string; auth?: string } = {}) {
    const call = http[method](path).set('Authorization', auth ?? (await as())).set('Content-Type', 'application/json');
    return (key ? call.set('Idempotency-Key', key) : call).send(body as object | string);
  }

  describe('Idempotency-Key bound to its request', () => {
    it('books once per key: a retry answers the same visit, another body, user or route is refused (422) and admits, numbers and books nothing', async () => {
      const clientId = await registerClient();
      const otherClientId = await registerClient();
      const key = uniqueName('key');
      const first = await send('post', '/visits', booking(clientId), { key });
      expect(first.status).toBe(201);
      const recorded = await storedEventCount();

      const retry = await send('post', '/visits', booking(clientId), { key });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);

      for (const reused of [
        await send('post', '/visits', booking(otherClientId), { key }),
        await send('post', '/visits', booking(clientId, { salonId: 'salon-north' }), { key }),
        await send('post', '/visits', booking(clientId), { key, auth: await as('desk-2') }),
        await send('post', `/visits/${first.body.visitId}/confirm`, {}, { key }),
      ]) {
        expectStandardError(reused, 422, 'idempotency-key-reused', 'Idempotency-Key');
      }
      expect(await storedEventCount()).toBe(recorded);
    });
  });

  describe('bad input is a 4xx with the standard error body, never a 500', () => {
    it.each(BODY_REFUSAL_CASES.map((refusal) => [refusal.name, refusal] as const))('refuses %s', async (_name, refusal) => {
      const before = await storedEventCount();
      const headers = { ...refusal.headers, authorization: await as() };
      const response = await sendRaw(baseUrl, { method: 'POST', path: '/visits', headers, body: refusal.body });
      expectStandardError(response, refusal.status, refusal.error, refusal.field);
      expect(await storedEventCount()).toBe(before);
    });

    it('refuses a payment of 5e-324 (400 naming amount) and takes a real one', async () => {
      const { body: visit } = await send('post', '/visits', booking(await registerClient()));
      await send('post', `/visits/${visit.visitId}/arrive`, {});
      const denormal = await send('post', `/visits/${visit.visitId}/payments`, '{"amount": 5e-324}');
      expectStandardError(denormal, 400, undefined, 'amount');
      expect((await send('post', `/visits/${visit.visitId}/payments`, { amount: 10.5 })).status).toBe(200);
    });

    const visitId = randomUUID();
    const payments: [string, string][] = [
      ['1e308', '{"amount": 1e308}'],
      ['a cent above 1,000,000.00', '{"amount": 1000000.01}'],
      ['-0', '{"amount": -0}'],
      ['a negative amount', '{"amount": -10}'],
      ['a huge integer', '{"amount": 123456789012345678901234567890}'],
      ['three decimals', '{"amount": 10.005}'],
      ['"NaN"', '{"amount": "NaN"}'],
      ['"1e3"', '{"amount": "1e3"}'],
      ['null', '{"amount": null}'],
      ['an array', '{"amount": [10]}'],
      ['an object', '{"amount": {"value": 10}}'],
    ];
    it.each(payments)('refuses a payment of %s (400 naming amount)', async (_name, raw) => {
      expectStandardError(await send('post', `/visits/${visitId}/payments`, raw), 400, undefined, 'amount');
    });

    const clientId = randomUUID();
    const bookings: [string, unknown, string][] = [
      ['a price of 5e-324', `{"clientId":"${clientId}","salonId":"s","startsAt":"${inAWeek.start.local}","endsAt":"${inAWeek.end.local}","services":[${JSON.stringify(haircut).replace('"price":40', '"price":5e-324')}]}`, 'services.0.price'],
      ['a price of 1e308', booking(clientId, { services: [{ ...haircut, price: 1e308 }] }), 'services.0.price'],
      ['a discount of 5e-324', `{"clientId":"${clientId}","salonId":"s","startsAt":"${inAWeek.start.local}","endsAt":"${inAWeek.end.local}","services":[${JSON.stringify(haircut)}],"discount":5e-324}`, 'discount'],
      ['a discount of 1e308', booking(clientId, { discount: 1e308 }), 'discount'],
      ['a duration of 1e308 minutes', booking(clientId, { services: [{ ...haircut, durationMinutes: 1e308 }] }), 'services.0.durationMinutes'],
      // Business bounds: a line, a visit's lines together, a discount at most 1,000,000.00; a service and a visit at most 24 h.
      ['two lines of 1.7e308 (they summed to Infinity)', booking(clientId, { services: [{ ...haircut, price: 1.7e308 }, { ...haircut, price: 1.7e308 }] }), 'services.0.price'],
      ['a price a cent above 1,000,000.00', booking(clientId, { services: [{ ...haircut, price: 1_000_000.01 }] }), 'services.0.price'],
      ['lines a cent above 1,000,000.00 together', booking(clientId, { services: [{ ...haircut, price: 600_000 }, { ...haircut, price: 400_000.01 }] }), 'services'],
      ['a discount a cent above 1,000,000.00', booking(clientId, { discount: 1_000_000.01 }), 'discount'],
      ['a service of 24 h and a minute', booking(clientId, { services: [{ ...haircut, durationMinutes: 24 * 60 + 1 }] }), 'services.0.durationMinutes'],
      ['51 services', booking(clientId, { services: Array.from({ length: 51 }, () => haircut) }), 'services'],
      ['a visit of 25 hours', booking(clientId, { endsAt: salonLocalTime(8, '11:00').local }), 'endsAt'],
      ['a fractional duration', booking(clientId, { services: [{ ...haircut, durationMinutes: 45.5 }] }), 'services.0.durationMinutes'],
      ['an object for the services', booking(clientId, { services: haircut }), 'services'],
      ['a string for a service', booking(clientId, { services: ['haircut'] }), 'services.0'],
      ['a very long salon id', booking(clientId, { salonId: 's'.repeat(50_000) }), 'salonId'],
      ['"NaN" for the start', booking(clientId, { startsAt: 'NaN' }), 'startsAt'],
      ['an array for the body', [booking(clientId)], 'body'],
      ['a client id that is no UUID', booking('0'), 'clientId'],
    ];
    it.each(bookings)('refuses a booking with %s (400 naming the field)', async (_name, body, field) => {
      const before = await storedEventCount();
      expectStandardError(await send('post', '/visits', body), 400, undefined, field);
      expect(await storedEventCount()).toBe(before);
    });

    it('refuses a change of services with a denormal discount or price (400 naming the field)', async () => {
      const path = `/visits/${visitId}/services`;
      expectStandardError(await send('put', path, `{"services":[${JSON.stringify(haircut)}],"discount":5e-324}`), 400, undefined, 'discount');
      const denormalPrice = `{"services":[${JSON.stringify(haircut).replace('"price":40', '"price":5e-324')}]}`;
      expectStandardError(await send('put', path, denormalPrice), 400, undefined, 'services.0.price');
    });

    it('refuses unreadable list queries and path ids (400)', async () => {
      const get = async (path: string) => http.get(path).set('Authorization', await as());
      expectStandardError(await get('/visits?number=1e308'), 400, undefined, 'number');
      expectStandardError(await get('/visits?number=NaN'), 400, undefined, 'number');
      expectStandardError(await get('/visits?number=-0'), 400, undefined, 'number');
      expectStandardError(await get(`/clients/${clientId}/visits?limit=123456789012345678901234567890`), 400, undefined, 'limit');
      expectStandardError(await get(`/clients/${clientId}/visits?q=${'q'.repeat(5_000)}`), 400, undefined, 'q');
      expectStandardError(await get('/visits/not-a-uuid'), 400, undefined, 'visitId');
      expectStandardError(await get('/visits/%E0%A4%A'), 400, undefined, 'request');
    });
  });
});
