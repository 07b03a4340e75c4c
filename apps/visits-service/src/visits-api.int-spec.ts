import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, kafkaBrokers, salonLocalTime, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { RunningService, cleanUp, startClientsService, startVisitsApp } from './test/visits-test-kit';

/**
 * The visits write side end to end against the real servers and the real clients service (its
 * own process): booking is admitted by the clients service over HTTP, recorded in the event
 * store, numbered per chain.
 */
describe('visits API: booking and the lifecycle', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('visits-api');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'visits-api-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let clients: RunningService;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  const as = async (roles: Role[] = ['receptionist'], tenantId = tenant, salonIds?: string[]) =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-1', tenantId, roles, salonIds })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    clients = await startClientsService(env);
    app = await startVisitsApp({ ...env, CLIENTS_SERVICE_URL: clients.url });
    http = request(app.getHttpServer());
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await clients?.stop();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  /** A client registered through the real clients service. */
  async function registerClient(tenantId = tenant): Promise<string> {
    const phone = `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const response = await fetch(`${clients.url}/clients`, {
      method: 'POST',
      headers: { authorization: await as(['receptionist'], tenantId), 'content-type': 'application/json' },
      body: JSON.stringify({ phone, firstName: 'Anna', allowSharedPhone: true }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { clientId: string }).clientId;
  }

  const haircut = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };
  const colour = { serviceId: 'svc-colour', name: 'Colouring', price: 80.5, durationMinutes: 90, specialistId: 'staff-ola', specialistName: 'Ola Lis' };

  // "Upcoming" and "past" are computed from the clock: the no-show rule compares with now.
  const inAWeek = { start: salonLocalTime(7, '10:00'), end: salonLocalTime(7, '12:15') };
  const nextDay = { start: salonLocalTime(8, '10:00'), end: salonLocalTime(8, '11:00') };
  const lastYear = { start: salonLocalTime(-320, '10:00'), end: salonLocalTime(-320, '11:00') };

  function booking(clientId: string, overrides: Record<string, unknown> = {}) {
    return {
      clientId,
      salonId: 'salon-centre',
      startsAt: inAWeek.start.local,
      endsAt: inAWeek.end.local,
      services: [haircut, colour],
      discount: 10.5,
      ...overrides,
    };
  }

  async function book(body: Record<string, unknown>, auth?: string, idempotencyKey?: string) {
    const call = http.post('/visits').set('Authorization', auth ?? (await as())).send(body);
    return idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call;
  }

  async function visitEventCount(): Promise<number> {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return (await store.readAll({ streamPrefixes: ['visit-'] })).length;
    } finally {
      await store.close();
    }
  }

  it('books a visit with a chain-wide number, its amounts and the salon day', async () => {
    const clientId = await registerClient();
    const response = await book(booking(clientId));
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/visits/${response.body.visitId}`);
    expect(response.headers.etag).toBe('"0"');
    expect(response.body).toMatchObject({ status: 'booked', revision: '0' });
    expect(response.body.number).toBeGreaterThan(0);

    const opened = await http.get(`/visits/${response.body.visitId}`).set('Authorization', await as(['analyst'])).expect(200);
    expect(opened.body).toMatchObject({
      clientId,
      number: response.body.number,
      status: 'booked',
      salonId: 'salon-centre',
      startsAt: inAWeek.start.utc,
      salonDate: inAWeek.start.salonDate,
      amounts: { price: 120.5, discount: 10.5, total: 110, paid: 0 },
      specialists: [
        { specialistId: 'staff-anna', specialistName: 'Anna Nowak' },
        { specialistId: 'staff-ola', specialistName: 'Ola Lis' },
      ],
    });
    expect(opened.body.services).toHaveLength(2);
  });

  it('walks booked → confirmed → arrived → completed, takes a payment, and refuses impossible steps with from/to', async () => {
    const clientId = await registerClient();
    const { body } = await book(booking(clientId));
    const auth = await as();
    const step = (path: string) => http.post(`/visits/${body.visitId}/${path}`).set('Authorization', auth);

    const early = await step('complete');
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'impossible-transition', from: 'booked', to: 'completed' });

    expect((await step('confirm').expect(200)).body).toMatchObject({ status: 'confirmed', revision: '1' });
    expect((await step('arrive').expect(200)).body).toMatchObject({ status: 'arrived' });
    await http.post(`/visits/${body.visitId}/payments`).set('Authorization', auth).send({ amount: 100 }).expect(200);
    const overpaid = await http.post(`/visits/${body.visitId}/payments`).set('Authorization', auth).send({ amount: 20 });
    expect(overpaid.status).toBe(400);
    expect(overpaid.body).toMatchObject({ error: 'invalid-amount', errors: [{ field: 'amount' }], due: 10 });
    const completed = await step('complete').expect(200);
    expect(completed.body).toMatchObject({ status: 'completed', revision: '4' });

    const again = await step('cancel').send({ by: 'client', late: false });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'impossible-transition', from: 'completed', to: 'cancelled' });
    const moved = await http
      .put(`/visits/${body.visitId}/schedule`)
      .set('Authorization', auth)
      .send({ startsAt: nextDay.start.local, endsAt: nextDay.end.local });
    expect(moved.status).toBe(409);
  });

  it('cancels (who, late) and marks a no-show only once the start has passed', async () => {
    const clientId = await registerClient();
    const auth = await as();
    const future = (await book(booking(clientId))).body;
    const cancelled = await http.post(`/visits/${future.visitId}/cancel`).set('Authorization', auth).send({ by: 'client', late: true });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const badCancel = await http.post(`/visits/${future.visitId}/cancel`).set('Authorization', auth).send({ by: 'nobody' });
    expect(badCancel.status).toBe(400);
    expect(badCancel.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['by', 'late']);

    const upcoming = (await book(booking(clientId))).body;
    const tooEarly = await http.post(`/visits/${upcoming.visitId}/no-show`).set('Authorization', auth);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error).toBe('no-show-before-start');

    const past = (await book(booking(clientId, { startsAt: lastYear.start.local, endsAt: lastYear.end.local }))).body;
    expect((await http.post(`/visits/${past.visitId}/no-show`).set('Authorization', auth).expect(200)).body.status).toBe('no-show');
  });

  it('reschedules and changes services before completion; If-Match guards against a stale screen', async () => {
    const clientId = await registerClient();
    const auth = await as();
    const { body } = await book(booking(clientId));
    // Late in the evening at +03:00: the salon's day is not the UTC day.
    const lateEvening = { start: salonLocalTime(9, '23:30', '+03:00'), end: salonLocalTime(10, '00:30', '+03:00') };
    const moved = await http
      .put(`/visits/${body.visitId}/schedule`)
      .set('Authorization', auth)
      .set('If-Match', '"0"')
      .send({ startsAt: lateEvening.start.local, endsAt: lateEvening.end.local })
      .expect(200);
    expect(moved.headers.etag).toBe('"1"');
    const stale = await http.put(`/visits/${body.visitId}/services`).set('Authorization', auth).set('If-Match', '"0"').send({ services: [haircut] });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('stale-revision');
    await http.put(`/visits/${body.visitId}/services`).set('Authorization', auth).set('If-Match', '"1"').send({ services: [haircut], discount: 0 }).expect(200);

    const opened = await http.get(`/visits/${body.visitId}`).set('Authorization', auth).expect(200);
    expect(opened.body).toMatchObject({ salonDate: lateEvening.start.salonDate, amounts: { price: 40, discount: 0, total: 40, paid: 0 } });
    expect(opened.body.specialists).toEqual([{ specialistId: 'staff-anna', specialistName: 'Anna Nowak' }]);
  });

  describe('bad input: 400 or 409 naming the reason, nothing appended', () => {
    const cases: [string, (clientId: string) => Record<string, unknown>, number, string, string][] = [
      ['a visit ending before it starts', (c) => booking(c, { endsAt: salonLocalTime(7, '09:00').local }), 400, 'endsAt', 'visit-ends-before-start'],
      ['a negative price', (c) => booking(c, { services: [{ ...haircut, price: -5 }] }), 400, 'services.0.price', ''],
      ['an empty service list', (c) => booking(c, { services: [] }), 400, 'services', ''],
      ['a discount above the price', (c) => booking(c, { discount: 500 }), 400, 'discount', 'discount-above-price'],
      ['a start that is not a date', (c) => booking(c, { startsAt: 'tomorrow at ten' }), 400, 'startsAt', ''],
      ['an unknown client', () => booking(randomUUID()), 409, 'clientId', 'unknown-client'],
    ];

    it.each(cases)('refuses %s', async (_, body, status, field, code) => {
      const clientId = await registerClient();
      const before = await visitEventCount();
      const response = await book(body(clientId));
      expect(response.status).toBe(status);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      if (code) expect(response.body.error).toBe(code);
      expect(await visitEventCount()).toBe(before);
    });

    it('refuses an unknown status step with 404 and a stranger visit id with 400', async () => {
      const clientId = await registerClient();
      const { body } = await book(booking(clientId));
      await http.post(`/visits/${body.visitId}/teleport`).set('Authorization', await as()).expect(404);
      const notUuid = await http.post('/visits/42/confirm').set('Authorization', await as());
      expect(notUuid.status).toBe(400);
    });
  });

  it('refuses a deleted client (409 unknown-client) and an erased one (409 client-erased)', async () => {
    const deleted = await registerClient();
    const owner = await as(['owner']);
    expect((await fetch(`${clients.url}/clients/${deleted}`, { method: 'DELETE', headers: { authorization: owner } })).status).toBe(204);
    const erased = await registerClient();
    expect((await fetch(`${clients.url}/clients/${erased}/erasure`, { method: 'POST', headers: { authorization: owner } })).status).toBe(200);

    const toDeleted = await book(booking(deleted));
    expect(toDeleted.status).toBe(409);
    expect(toDeleted.body).toMatchObject({ error: 'unknown-client', errors: [{ field: 'clientId' }] });
    const toErased = await book(booking(erased));
    expect(toErased.status).toBe(409);
    expect(toErased.body).toMatchObject({ error: 'client-erased', errors: [{ field: 'clientId' }] });
  });

  it('a booking and a deletion of the same client racing: exactly one of them wins, never both', async () => {
    const owner = await as(['owner']);
    const ids = await Promise.all(Array.from({ length: 12 }, () => registerClient()));
    const outcomes = await Promise.all(
      ids.map(async (clientId) => {
        const [booked, deleted] = await Promise.all([
          book(booking(clientId)),
          fetch(`${clients.url}/clients/${clientId}`, { method: 'DELETE', headers: { authorization: owner } }),
        ]);
        return { booked: booked.status, deleted: deleted.status };
      }),
    );
    for (const outcome of outcomes) {
      expect([
        { booked: 201, deleted: 409 },
        { booked: 409, deleted: 204 },
      ]).toContainEqual(outcome);
    }
  });

  it('numbers concurrent bookings uniquely and increasingly within the chain', async () => {
    const clientId = await registerClient();
    const responses = await Promise.all(Array.from({ length: 15 }, async () => book(booking(clientId))));
    const numbers = responses.map((response) => {
      expect(response.status).toBe(201);
      return response.body.number as number;
    });
    expect(new Set(numbers).size).toBe(15);
    const later = await book(booking(clientId));
    expect(later.body.number).toBeGreaterThan(Math.max(...numbers));

    // Another chain counts on its own.
    const otherTenant = uniqueName('other-chain');
    const stranger = await registerClient(otherTenant);
    const first = await book(booking(stranger), await as(['receptionist'], otherTenant));
    expect(first.body.number).toBe(1);
  });

  it('a retried booking (same Idempotency-Key) books once and answers the same', async () => {
    const clientId = await registerClient();
    const key = randomUUID();
    const first = await book(booking(clientId), undefined, key);
    const before = await visitEventCount();
    const retry = await book(booking(clientId), undefined, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await visitEventCount()).toBe(before);
  });

  it('checks role, salon and tenant: an analyst reads but cannot book; other chains see nothing', async () => {
    const clientId = await registerClient();
    const analyst = await book(booking(clientId), await as(['analyst']));
    expect(analyst.status).toBe(403);
    const elsewhere = await book(booking(clientId), await as(['receptionist'], tenant, ['salon-north']));
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error).toBe('salon-not-yours');

    const { body } = await book(booking(clientId));
    await http.get(`/visits/${body.visitId}`).set('Authorization', await as(['analyst'])).expect(200);
    await http.get(`/visits/${body.visitId}`).set('Authorization', await as(['owner'], uniqueName('other-chain'))).expect(404);
    await http.post(`/visits/${body.visitId}/confirm`).set('Authorization', await as(['owner'], uniqueName('other-chain'))).expect(404);
    await http.post('/visits').send(booking(clientId)).expect(401);
  });
});
