import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ALL_TOPICS, HEADERS, TOPICS, VisitEventV1 } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { configureHttpApp, loadConfig, WorkerHost } from '@salon/shared/nest';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, salonLocalTime, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { AppModule } from './app.module';
import { ClientsServiceConfig } from './config';

/** A `VisitBooked` as the visits relay publishes it (the whole visit after the event). */
function bookedVisit(clientId: string): VisitEventV1 {
  const visitId = randomUUID();
  const bookedAt = new Date().toISOString();
  const start = salonLocalTime(4, '09:00', '+00:00');
  const end = salonLocalTime(4, '10:00', '+00:00');
  return {
    type: 'VisitBooked',
    visitId,
    clientId,
    occurredAt: bookedAt,
    visit: {
      visitId,
      clientId,
      number: 1,
      salonId: 'salon-1',
      startsAt: start.utc,
      endsAt: end.utc,
      salonDate: start.salonDate,
      status: 'booked',
      services: [{ serviceId: 's1', name: 'Haircut', price: 40, durationMinutes: 60, specialistId: 'p1', specialistName: 'Anna' }],
      specialists: [{ specialistId: 'p1', specialistName: 'Anna' }],
      amounts: { price: 40, discount: 0, total: 40, paid: 0 },
      bookedAt,
      updatedAt: bookedAt,
    },
  };
}

/**
 * The clients API end to end against the real local servers: HTTP → event store → relay →
 * Kafka → projection → MongoDB → HTTP. Topics and groups are namespaced per run.
 */
describe('clients API', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('clients-api');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL' });
  const kafka = createMessagingClient({ clientId: 'clients-api-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  const token = (roles: Role[] = ['manager'], tenantId = tenant) =>
    signDevelopmentToken(TEST_JWT_SECRET, { userId: 'staff-1', tenantId, roles });
  const as = async (roles?: Role[], tenantId?: string) => `Bearer ${await token(roles, tenantId)}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(loadConfig(ClientsServiceConfig, env))] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttpApp(app, { name: 'clients-service', description: 'test' });
    await app.init();
    // The HTTP side starts without its workers; the tests expect them running.
    await app.get(WorkerHost).whenStarted();
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  async function register(body: Record<string, unknown>, auth?: string) {
    return http.post('/clients').set('Authorization', auth ?? (await as())).send(body);
  }

  /** The profile view, once the projection has applied at least `revision`. */
  async function profileAt(clientId: string, revision: number, auth?: string) {
    const authorization = auth ?? (await as());
    return eventually(async () => {
      const response = await http.get(`/clients/${clientId}`).set('Authorization', authorization);
      return response.status === 200 && Number(response.body.revision) >= revision ? response : undefined;
    }, `the profile of ${clientId} at revision ${revision}`);
  }

  async function storedEventCount(): Promise<number> {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return (await store.readAll()).length;
    } finally {
      await store.close();
    }
  }

  describe('authentication and roles', () => {
    it('answers 401 without a valid bearer token', async () => {
      await http.get('/clients').expect(401);
      await http.get('/clients').set('Authorization', 'Bearer not-a-token').expect(401);
    });

    it('answers 403 to an analyst registering a client', async () => {
      const response = await register({ phone: '+48 601 000 001' }, await as(['analyst']));
      expect(response.status).toBe(403);
    });
  });

  describe('registration and the profile view', () => {
    it('registers a client whose profile view appears', async () => {
      const response = await register({ phone: '601 234 567', firstName: 'Łucja', lastName: 'Żądło', email: 'Lucja@Example.com' });
      expect(response.status).toBe(201);
      expect(response.headers.etag).toBe('"0"');
      const { clientId } = response.body;
      expect(response.headers.location).toBe(`/clients/${clientId}`);

      const view = await profileAt(clientId, 0);
      expect(view.headers.etag).toBe('"0"');
      expect(view.body).toMatchObject({
        clientId,
        displayName: expect.stringContaining('Łucja'),
        names: { firstName: 'Łucja', lastName: 'Żądło', patronymic: null },
        contacts: expect.objectContaining({ phone: '+48601234567', phoneLineType: 'mobile', smsCapable: true }),
        discounts: { products: 0, services: 0 },
        visitStatistics: expect.objectContaining({ visitCount: 0, firstVisitAt: null, lastVisitAt: null }),
      });
    });

    it('shows a client without any name as "Client"', async () => {
      const { body } = await register({ phone: '+48 602 000 002' });
      const view = await profileAt(body.clientId, 0);
      expect(view.body.displayName).toBe('Client');
      expect(view.body.names).toEqual({ firstName: null, lastName: null, patronymic: null });
    });
  });

  describe('bad input: 400 naming the field, nothing stored', () => {
    it.each([
      ['an unparseable phone', { phone: 'call me maybe' }, 'phone'],
      ['an e-mail without a domain', { phone: '+48 603 000 003', email: 'anna@' }, 'email'],
      ['a birth date in the future', { phone: '+48 603 000 004', birthDate: '2999-01-01' }, 'birthDate'],
      ['a birth date that is no date', { phone: '+48 603 000 005', birthDate: '2001-02-30' }, 'birthDate'],
      ['an unknown field', { phone: '+48 603 000 006', nickname: 'Zuzu' }, 'nickname'],
      ['a missing phone', { firstName: 'Anna' }, 'phone'],
    ])('refuses %s', async (_case, body, field) => {
      const before = await storedEventCount();
      const response = await register(body);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await storedEventCount()).toBe(before);
    });

    it('refuses a discount of 120 %', async () => {
      const { body } = await register({ phone: '+48 604 000 007' });
      const response = await http
        .put(`/clients/${body.clientId}/discounts`)
        .set('Authorization', await as())
        .send({ productDiscountPercent: 120, serviceDiscountPercent: 5 });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'productDiscountPercent' })]);
    });
  });

  describe('saving the profile with If-Match', () => {
    it('saves on the current revision, refuses a stale one (409) and changes nothing', async () => {
      const { body } = await register({ phone: '+48 605 000 008', firstName: 'Olga' });
      const auth = await as();
      const saved = await http
        .put(`/clients/${body.clientId}`)
        .set('Authorization', auth)
        .set('If-Match', '"0"')
        .send({ phone: '+48 605 000 008', firstName: 'Olga', lastName: 'Nowak' });
      expect(saved.status).toBe(200);
      expect(saved.headers.etag).toBe('"1"');

      const stale = await http
        .put(`/clients/${body.clientId}`)
        .set('Authorization', auth)
        .set('If-Match', '"0"')
        .send({ phone: '+48 605 000 008', firstName: 'Someone else' });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toBe('stale-revision');

      const view = await profileAt(body.clientId, 1);
      expect(view.body).toMatchObject({ names: { firstName: 'Olga', lastName: 'Nowak' }, revision: '1' });
    });

    it('asks for If-Match on a save (428)', async () => {
      const { body } = await register({ phone: '+48 605 000 009' });
      const response = await http.put(`/clients/${body.clientId}`).set('Authorization', await as()).send({ phone: '+48 605 000 009' });
      expect(response.status).toBe(428);
    });
  });

  describe('one phone, one client of a chain', () => {
    it('answers 409 with the existing client, unless the request says the phone is shared', async () => {
      const first = await register({ phone: '+48 606 000 010', firstName: 'Mama' });
      const duplicate = await register({ phone: '606-000-010', firstName: 'Córka' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ error: 'phone-taken', existingClientId: first.body.clientId });

      const shared = await register({ phone: '606 000 010', firstName: 'Córka', allowSharedPhone: true });
      expect(shared.status).toBe(201);
    });

    it('lets only one of two simultaneous registrations of a phone win', async () => {
      const [a, b] = await Promise.all([register({ phone: '+48 607 000 011' }), register({ phone: '+48 607 000 011' })]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
    });
  });

  describe('deletion', () => {
    it('deletes a client without visits', async () => {
      const { body } = await register({ phone: '+48 608 000 012' });
      await profileAt(body.clientId, 0);
      await http.delete(`/clients/${body.clientId}`).set('Authorization', await as()).expect(204);
      await eventually(async () => {
        const response = await http.get(`/clients/${body.clientId}`).set('Authorization', await as());
        return response.status === 404 ? true : undefined;
      }, 'the deleted client to disappear');
    });

    it('refuses (409) to delete a client the visits context told of', async () => {
      const { body } = await register({ phone: '+48 609 000 013' });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: prefix + TOPICS.visitEvents.name,
        messages: [
          {
            key: body.clientId,
            value: JSON.stringify(bookedVisit(body.clientId)),
            headers: {
              [HEADERS.eventId]: randomUUID(),
              [HEADERS.eventType]: 'VisitBooked',
              [HEADERS.schemaVersion]: '1',
              [HEADERS.tenantId]: tenant,
              [HEADERS.correlationId]: randomUUID(),
              [HEADERS.causationId]: randomUUID(),
              [HEADERS.streamRevision]: '0',
            },
          },
        ],
      });
      await producer.disconnect();

      // Wait for the noted visit through a read: probing with DELETE itself would delete the
      // client whenever the policy is slower than the first probe (a busy machine).
      const view = await eventually(async () => {
        const response = await http.get(`/clients/${body.clientId}`).set('Authorization', await as());
        return response.status === 200 && Number(response.body.revision) >= 1 ? response : undefined;
      }, 'the visit to be noted on the client', { timeoutMs: 60_000 });
      const refused = await http.delete(`/clients/${body.clientId}`).set('Authorization', await as());
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error: 'client-has-visits', visitCount: 1 });

      // The noted visit advanced the client's revision; the view's ETag follows, so a save from it works.
      const saved = await http
        .put(`/clients/${body.clientId}`)
        .set('Authorization', await as())
        .set('If-Match', view.headers.etag)
        .send({ phone: '+48 609 000 013', firstName: 'Regular' });
      expect(saved.status).toBe(200);
    });
  });

  describe('search', () => {
    it('finds a client by a fragment of a Cyrillic surname and by a phone typed with spaces and a national prefix', async () => {
      const { body } = await register({ phone: '+48 22 123 45 67', firstName: 'Алёна', lastName: 'Ёлкина' });
      await profileAt(body.clientId, 0);
      const auth = await as();
      const byName = await http.get('/clients').query({ name: 'ёлкин' }).set('Authorization', auth).expect(200);
      expect(byName.body.items.map((item: { clientId: string }) => item.clientId)).toContain(body.clientId);
      const byPhone = await http.get('/clients').query({ phone: '0048 22 123 45 67' }).set('Authorization', auth).expect(200);
      expect(byPhone.body.items.map((item: { clientId: string }) => item.clientId)).toEqual([body.clientId]);
      const landline = byPhone.body.items[0];
      expect(landline.contacts).toMatchObject({ phoneLineType: 'fixed-line', smsCapable: false });
    });

    it("shows nothing of a chain to another chain's token", async () => {
      const { body } = await register({ phone: '+48 610 000 014', lastName: 'Wiśniewska' });
      await profileAt(body.clientId, 0);
      const stranger = await as(['owner'], uniqueName('other-chain'));
      await http.get(`/clients/${body.clientId}`).set('Authorization', stranger).expect(404);
      const search = await http.get('/clients').query({ name: 'wisniewska' }).set('Authorization', stranger).expect(200);
      expect(search.body.items).toEqual([]);
      await http.delete(`/clients/${body.clientId}`).set('Authorization', stranger).expect(404);
    });

    it("answers another chain's client exactly as a client that does not exist", async () => {
      const { body } = await register({ phone: '+48 610 000 015' });
      const stranger = await as(['owner'], uniqueName('other-chain'));
      const same = async (call: (clientId: string) => request.Test) => {
        const [foreign, unknown] = await Promise.all([call(body.clientId), call(randomUUID())]);
        const shape = (response: request.Response) => ({ status: response.status, error: response.body.error, message: response.body.message });
        expect(shape(foreign)).toEqual(shape(unknown));
        expect(foreign.status).toBe(404);
      };
      await same((id) => http.get(`/clients/${id}`).set('Authorization', stranger));
      await same((id) => http.delete(`/clients/${id}`).set('Authorization', stranger));
      await same((id) => http.post(`/clients/${id}/erasure`).set('Authorization', stranger));
      await same((id) => http.put(`/clients/${id}/discounts`).set('Authorization', stranger).send({ productDiscountPercent: 5, serviceDiscountPercent: 5 }));
    });

    it('refuses an unknown query parameter', async () => {
      const response = await http.get('/clients').query({ colour: 'red' }).set('Authorization', await as());
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'colour' })]);
    });
  });

  describe('consent summary', () => {
    it('shows the consent state the consent context publishes, and clears it on a tombstone', async () => {
      const { body } = await register({ phone: '+48 612 000 016' });
      await profileAt(body.clientId, 0);
      const state = {
        clientId: body.clientId,
        version: 2,
        updatedAt: new Date().toISOString(),
        smsCapable: true,
        switches: { notifications: true, remindersBySms: true, remindersByEmail: false, newsletter: true, marketingSms: false },
      };
      await publishConsentState(body.clientId, JSON.stringify(state), 1);
      const withConsent = await eventually(async () => {
        const response = await http.get(`/clients/${body.clientId}`).set('Authorization', await as());
        return response.body.consent ? response : undefined;
      }, 'the consent summary');
      expect(withConsent.body.consent).toEqual({ notifications: true, remindersBySms: true, remindersByEmail: false, marketing: true });
      const marketing = await http.get('/clients').query({ marketingConsent: true }).set('Authorization', await as());
      expect(marketing.body.items.map((item: { clientId: string }) => item.clientId)).toContain(body.clientId);

      await publishConsentState(body.clientId, null, 2);
      await eventually(async () => {
        const response = await http.get(`/clients/${body.clientId}`).set('Authorization', await as());
        return response.body.consent === null ? true : undefined;
      }, 'the consent summary to be cleared');
    });
  });

  async function publishConsentState(clientId: string, value: string | null, revision: number) {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: prefix + TOPICS.consentState.name,
      messages: [
        {
          key: clientId,
          value,
          headers: {
            [HEADERS.eventId]: randomUUID(),
            [HEADERS.eventType]: 'ConsentState',
            [HEADERS.schemaVersion]: '1',
            [HEADERS.tenantId]: tenant,
            [HEADERS.correlationId]: randomUUID(),
            [HEADERS.causationId]: randomUUID(),
            [HEADERS.streamRevision]: String(revision),
          },
        },
      ],
    });
    await producer.disconnect();
  }

  describe('erasure', () => {
    it('replaces the profile with "Archived client N", numbered per chain', async () => {
      const { body } = await register({ phone: '+48 611 000 015', firstName: 'Ewa', email: 'ewa@example.com' });
      await profileAt(body.clientId, 0);
      const erased = await http.post(`/clients/${body.clientId}/erasure`).set('Authorization', await as()).expect(200);
      expect(erased.body).toEqual({ clientId: body.clientId, archivedNumber: 1 });
      const again = await http.post(`/clients/${body.clientId}/erasure`).set('Authorization', await as()).expect(200);
      expect(again.body.archivedNumber).toBe(1);

      const view = await profileAt(body.clientId, 1);
      expect(view.body).toMatchObject({ status: 'erased', displayName: 'Archived client 1', archivedNumber: 1 });
      expect(view.body.names).toEqual({ firstName: null, lastName: null, patronymic: null });
      expect(view.body.contacts).toMatchObject({ phone: null, email: null });
      // The phone is free again for someone else.
      expect((await register({ phone: '+48 611 000 015' })).status).toBe(201);
    });
  });
});
