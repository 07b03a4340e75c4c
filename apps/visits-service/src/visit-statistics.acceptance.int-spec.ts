import { INestApplication } from '@nestjs/common';
import mongoose, { Connection } from 'mongoose';
import request from 'supertest';
import { ALL_TOPICS, TOPICS } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { ProjectionRunner, ReadModelVersions, createMessagingClient, ensureTopics, rebuildProjection } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, collectionHash, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import {
  BI_COLLECTIONS,
  CLIENT_VISITS_COLLECTION,
  VISIT_STREAM_PREFIXES,
  createClientVisitsProjection,
  createVisitStatisticsProjection,
  visitEventCodec,
  visitMessages,
} from '@salon/visits/feature';
import { RunningService, cleanUp, startClientsService, startVisitsApp } from './test/visits-test-kit';

/**
 * The issue's acceptance, end to end against the real servers and both real services: three
 * visits of one client completed over different days, one cancelled, one no-show; then the
 * client card (clients service), the visit list search (visits service) and the BI collections
 * (MongoDB, as an analyst reads them) say exactly what happened; and a rebuild of the visits'
 * statistics from the event store gives the same documents.
 */
describe('visit statistics, end to end', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('visit-stats');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'visit-stats-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const salonId = 'salon-old-town';
  let clients: RunningService;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let mongo: Connection;
  let clientId: string;
  const booked: Record<string, { visitId: string; number: number }> = {};

  const as = async (roles: Role[] = ['receptionist']) =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-7', tenantId: tenant, roles })}`;

  const line = (name: string, price: number, specialistName: string) => ({
    serviceId: `svc-${name.toLowerCase().replace(/\W+/g, '-')}`,
    name,
    price,
    durationMinutes: 60,
    specialistId: `staff-${specialistName.split(' ')[0].toLowerCase()}`,
    specialistName,
  });
  const VISITS = {
    first: { day: '2025-10-01', services: [line('Manicure hybrydowy', 120, 'Zofia Wiśniewska')], discount: 20 },
    second: { day: '2025-10-08', services: [line('Strzyżenie męskie', 80, 'Łukasz Kowalski')], discount: 0 },
    third: { day: '2025-10-15', services: [line('Koloryzacja', 250.5, 'Anna Nowak'), line('Modelowanie', 60, 'Anna Nowak')], discount: 10.5 },
    cancelled: { day: '2025-10-20', services: [line('Pedicure', 100, 'Zofia Wiśniewska')], discount: 0 },
    noShow: { day: '2025-10-22', services: [line('Masaż', 150, 'Łukasz Kowalski')], discount: 0 },
  };

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    clients = await startClientsService(env);
    app = await startVisitsApp({ ...env, CLIENTS_SERVICE_URL: clients.url });
    http = request(app.getHttpServer());
    mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();

    const registered = await fetch(`${clients.url}/clients`, {
      method: 'POST',
      headers: { authorization: await as(), 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+48 601 234 567', firstName: 'Maria' }),
    });
    clientId = ((await registered.json()) as { clientId: string }).clientId;

    const auth = await as();
    for (const [name, visit] of Object.entries(VISITS)) {
      const response = await http
        .post('/visits')
        .set('Authorization', auth)
        .send({ clientId, salonId, startsAt: `${visit.day}T10:00:00+02:00`, endsAt: `${visit.day}T12:00:00+02:00`, services: visit.services, discount: visit.discount })
        .expect(201);
      booked[name] = response.body;
    }
    const step = (name: string, path: string, body?: object) =>
      http.post(`/visits/${booked[name].visitId}/${path}`).set('Authorization', auth).send(body).expect(200);
    for (const name of ['first', 'second', 'third']) {
      await step(name, 'confirm');
      await step(name, 'arrive');
      await step(name, 'complete');
    }
    await step('cancelled', 'cancel', { by: 'client', late: true });
    await step('noShow', 'confirm');
    await step('noShow', 'no-show');
  }, 180_000);

  afterAll(async () => {
    await mongo?.close();
    await app?.close();
    await clients?.stop();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  it('shows first and last visit, the count, counts per status and both summaries on the client card', async () => {
    const auth = await as();
    const card = await eventually(async () => {
      const response = await fetch(`${clients.url}/clients/${clientId}`, { headers: { authorization: auth } });
      const body = (await response.json()) as { visitStatistics: { visitCount: number; countsByStatus: { noShow: number; cancelled: number } } };
      const statistics = body.visitStatistics;
      return statistics.visitCount === 3 && statistics.countsByStatus.noShow === 1 && statistics.countsByStatus.cancelled === 1 ? body : undefined;
    }, 'the statistics on the client card', { timeoutMs: 60_000 });

    expect(card.visitStatistics).toEqual({
      firstVisitAt: '2025-10-01T08:00:00.000Z',
      lastVisitAt: '2025-10-15T08:00:00.000Z',
      visitCount: 3,
      countsByStatus: { booked: 0, confirmed: 0, arrived: 0, completed: 3, cancelled: 1, noShow: 1 },
      firstVisit: {
        visitId: booked.first.visitId,
        number: booked.first.number,
        at: '2025-10-01T08:00:00.000Z',
        salonDate: '2025-10-01',
        salonId,
        status: 'completed',
        services: ['Manicure hybrydowy'],
        specialists: ['Zofia Wiśniewska'],
        amount: 100,
      },
      lastVisit: {
        visitId: booked.third.visitId,
        number: booked.third.number,
        at: '2025-10-15T08:00:00.000Z',
        salonDate: '2025-10-15',
        salonId,
        status: 'completed',
        services: ['Koloryzacja', 'Modelowanie'],
        specialists: ['Anna Nowak'],
        amount: 300,
      },
    });
  });

  it("finds the right visit in the client's list by specialist name, by service name and by number", async () => {
    const auth = await as();
    const search = async (query: Record<string, string>) =>
      (await http.get(`/clients/${clientId}/visits`).query(query).set('Authorization', auth).expect(200)).body as {
        items: { visitId: string; serviceCount: number; status: string }[];
      };
    await eventually(async () => ((await search({})).items.length === 5 ? true : undefined), 'all five visits listed');

    expect((await search({ q: 'wisniewska' })).items.map((v) => v.visitId).sort()).toEqual([booked.first.visitId, booked.cancelled.visitId].sort());
    expect((await search({ q: 'STRZYZENIE' })).items.map((v) => v.visitId)).toEqual([booked.second.visitId]);
    const byNumber = await search({ q: String(booked.third.number) });
    expect(byNumber.items.map((v) => v.visitId)).toEqual([booked.third.visitId]);
    expect(byNumber.items[0].serviceCount).toBe(2);
    expect((await search({ status: 'cancelled,no-show' })).items.map((v) => v.status).sort()).toEqual(['cancelled', 'no-show']);
    const found = await http.get('/visits').query({ number: booked.second.number }).set('Authorization', await as(['analyst'])).expect(200);
    expect(found.body.visitId).toBe(booked.second.visitId);
    await http.get('/visits').query({ number: 999_999 }).set('Authorization', auth).expect(404);
    const badQuery = await http.get(`/clients/${clientId}/visits`).query({ status: 'lost', limit: 500 }).set('Authorization', auth);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['limit', 'status']);
    await http.get('/clients/not-a-client/visits').set('Authorization', auth).expect(400);
  });

  it('holds the right per-day numbers in the BI collections', async () => {
    const versions = new ReadModelVersions(mongo);
    const salonDaily = mongo.collection(await versions.activeCollection(BI_COLLECTIONS.salonDaily));
    const day = (date: string) => salonDaily.findOne({ tenantId: tenant, salonId, salonDate: date });
    await eventually(async () => ((await day('2025-10-22'))?.visits?.noShow === 1 ? true : undefined), 'the no-show day in bi_salon_daily');

    expect(await day('2025-10-01')).toMatchObject({
      visits: { booked: 0, confirmed: 0, arrived: 0, completed: 1, cancelled: 0, noShow: 0, total: 1 },
      revenue: 100,
      grossRevenue: 120,
      discount: 20,
      completedClients: 1,
      newClients: 1,
      returningClients: 0,
    });
    expect(await day('2025-10-08')).toMatchObject({ visits: { completed: 1, total: 1 }, revenue: 80, newClients: 0, returningClients: 1 });
    expect(await day('2025-10-15')).toMatchObject({ visits: { completed: 1, total: 1 }, revenue: 300, newClients: 0, returningClients: 1 });
    expect(await day('2025-10-20')).toMatchObject({ visits: { cancelled: 1, completed: 0, total: 1 }, revenue: 0, newClients: 0, completedClients: 0 });
    expect(await day('2025-10-22')).toMatchObject({ visits: { noShow: 1, total: 1 }, revenue: 0 });

    const specialists = mongo.collection(await versions.activeCollection(BI_COLLECTIONS.specialistDaily));
    expect(await specialists.findOne({ tenantId: tenant, salonDate: '2025-10-15', specialistName: 'Anna Nowak' })).toMatchObject({
      visits: { completed: 1 },
      revenue: 300,
      completedServices: 2,
    });
  });

  it('rebuilds the visit list and the BI statistics from the event store into the same documents', async () => {
    const versions = new ReadModelVersions(mongo);
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    const cipher = new PersonalDataCipher(new MongoKeyStore(mongo, parseMasterKey(env.MASTER_KEY)));
    try {
      const visitEventCount = (await store.readAll({ streamPrefixes: VISIT_STREAM_PREFIXES })).length;
      // The live projections have applied every visit event (the list shows the last status of each).
      await eventually(async () => {
        const listed = await mongo.collection(await versions.activeCollection(CLIENT_VISITS_COLLECTION)).find().toArray();
        return listed.reduce((sum, visit) => sum + Number(visit.revision) + 1, 0) === visitEventCount ? true : undefined;
      }, 'the live projections to catch up');

      for (const projection of [createClientVisitsProjection(), createVisitStatisticsProjection()]) {
        const live = await Promise.all(projection.collections.map(async (logical) => collectionHash(mongo, await versions.activeCollection(logical))));
        const prefixed = { ...projection, name: `rebuild-${prefix}${projection.name}`, topics: projection.topics.map((topic) => prefix + topic) };
        const result = await rebuildProjection({
          projection: prefixed,
          runner: new ProjectionRunner(prefixed, kafka, mongo),
          store,
          mongo,
          streamPrefixes: VISIT_STREAM_PREFIXES,
          toMessages: visitMessages(store, visitEventCodec(cipher), prefix + TOPICS.visitEvents.name),
          batchSize: 7,
        });
        expect(result.events).toBe(visitEventCount);
        const rebuilt = await Promise.all(projection.collections.map((logical) => collectionHash(mongo, result.collections[logical])));
        expect(rebuilt).toEqual(live);
        expect(rebuilt[0].count).toBe(5);
      }
    } finally {
      await store.close();
    }
  });
});
