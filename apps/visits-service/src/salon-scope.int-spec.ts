import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, salonLocalTime, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { RunningService, cleanUp, startClientsService, startVisitsApp } from './test/visits-test-kit';

/**
 * The salon scope of staff whose token names their salons (README, "Salon scope"): the client
 * base and every read of visits are chain-wide; every write to a visit is bound to the visit's
 * salon (booking: the salon booked), and the salon a request names (X-Salon-Id) is one of theirs.
 */
describe('visits API: salon-bound staff', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('visits-salon-scope'), { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'visits-salon-scope-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let clients: RunningService;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  const as = async (salonIds: string[] | undefined, roles: Role[] = ['receptionist'], userId = 'desk-1') =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId, tenantId: tenant, roles, salonIds })}`;

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

  async function registerClient(authorization: string): Promise<string> {
    const phone = `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const response = await fetch(`${clients.url}/clients`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ phone, firstName: 'Anna', allowSharedPhone: true }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { clientId: string }).clientId;
  }

  const haircut = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };
  const inAWeek = { start: salonLocalTime(7, '10:00'), end: salonLocalTime(7, '11:00') };
  const booking = (clientId: string, salonId = 'salon-centre') => ({
    clientId,
    salonId,
    startsAt: inAWeek.start.local,
    endsAt: inAWeek.end.local,
    services: [haircut],
  });

  async function visitEvents(visitId: string) {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return await store.readStream(`visit-${visitId}`);
    } finally {
      await store.close();
    }
  }

  /** Every write route of a booked visit, as a request builder. */
  const writes: [string, (visitId: string) => request.Test][] = [
    ['confirm', (id) => http.post(`/visits/${id}/confirm`)],
    ['arrive', (id) => http.post(`/visits/${id}/arrive`)],
    ['complete', (id) => http.post(`/visits/${id}/complete`)],
    ['no-show', (id) => http.post(`/visits/${id}/no-show`)],
    ['cancel', (id) => http.post(`/visits/${id}/cancel`).send({ by: 'client', late: false })],
    ['reschedule', (id) => http.put(`/visits/${id}/schedule`).send({ startsAt: salonLocalTime(8, '10:00').local, endsAt: salonLocalTime(8, '11:00').local })],
    ['change services', (id) => http.put(`/visits/${id}/services`).send({ services: [haircut] })],
    ['record a payment', (id) => http.post(`/visits/${id}/payments`).send({ amount: 10 })],
  ];

  it('register and find clients chain-wide, and book for any client in their own salon', async () => {
    const northDesk = await as(['salon-north']);
    const clientId = await registerClient(await as(['salon-centre']));
    const booked = await http.post('/visits').set('Authorization', northDesk).send(booking(clientId, 'salon-north'));
    expect(booked.status).toBe(201);
  });

  it('book in no other salon: 403 salon-not-yours naming the field, nothing booked', async () => {
    const clientId = await registerClient(await as(undefined));
    const refused = await http.post('/visits').set('Authorization', await as(['salon-north'])).send(booking(clientId, 'salon-centre'));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'salon-not-yours', errors: [{ field: 'salonId' }] });
  });

  it.each(writes)("%s no visit of another salon (403 salon-not-yours), and the visit stays as it was", async (_, write) => {
    const clientId = await registerClient(await as(undefined));
    const { body } = await http.post('/visits').set('Authorization', await as(undefined)).send(booking(clientId)).expect(201);
    const refused = await write(body.visitId).set('Authorization', await as(['salon-north', 'salon-south']));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('salon-not-yours');
    expect(await visitEvents(body.visitId)).toHaveLength(1);
  });

  it("change their own salon's visits", async () => {
    const centreDesk = await as(['salon-centre']);
    const clientId = await registerClient(centreDesk);
    const { body } = await http.post('/visits').set('Authorization', centreDesk).send(booking(clientId)).expect(201);
    await http.post(`/visits/${body.visitId}/confirm`).set('Authorization', centreDesk).expect(200);
    await http.post(`/visits/${body.visitId}/arrive`).set('Authorization', centreDesk).expect(200);
    await http.post(`/visits/${body.visitId}/payments`).set('Authorization', centreDesk).send({ amount: 40 }).expect(200);
  });

  it("read every salon's visits: the visit, the client's visit list, the visit by number", async () => {
    const clientId = await registerClient(await as(undefined));
    const { body } = await http.post('/visits').set('Authorization', await as(['salon-centre'])).send(booking(clientId)).expect(201);
    const northDesk = await as(['salon-north']);
    expect((await http.get(`/visits/${body.visitId}`).set('Authorization', northDesk).expect(200)).body.salonId).toBe('salon-centre');
    await eventually(async () => {
      const list = await http.get(`/clients/${clientId}/visits`).set('Authorization', northDesk);
      return list.status === 200 && list.body.items.some((visit: { visitId: string }) => visit.visitId === body.visitId) ? true : undefined;
    }, "the visit in the client's list");
    await eventually(async () => {
      const found = await http.get('/visits').query({ number: body.number }).set('Authorization', northDesk);
      return found.status === 200 ? true : undefined;
    }, 'the visit by its number');
  });

  describe('X-Salon-Id, the salon where the request is made', () => {
    it('is one of the salons of a salon-bound user (403 naming the header otherwise), and recorded with the user', async () => {
      const desk = await as(['salon-centre', 'salon-north'], ['receptionist'], 'desk-9');
      const clientId = await registerClient(desk);
      const elsewhere = await http.post('/visits').set('Authorization', desk).set('X-Salon-Id', 'salon-south').send(booking(clientId));
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body).toMatchObject({ error: 'salon-not-yours', errors: [{ field: 'X-Salon-Id' }] });

      const { body } = await http.post('/visits').set('Authorization', desk).set('X-Salon-Id', 'salon-north').send(booking(clientId)).expect(201);
      const [booked] = await visitEvents(body.visitId);
      expect(booked.metadata).toMatchObject({ tenantId: tenant, actorId: 'desk-9', salonId: 'salon-north' });
    });

    it.each([
      ['free text with an e-mail', 'anna.kowalska@example.com'],
      ['a name with spaces', 'Anna Kowalska'],
      ['65 characters', 's'.repeat(65)],
    ])('is an id, for every user: %s is a 400 naming the header, never repeating it', async (_, salonHeader) => {
      const clientId = await registerClient(await as(undefined));
      const refused = await http.post('/visits').set('Authorization', await as(undefined, ['owner'])).set('X-Salon-Id', salonHeader).send(booking(clientId));
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'X-Salon-Id' })]);
      expect(JSON.stringify(refused.body)).not.toContain(salonHeader);
    });
  });
});
