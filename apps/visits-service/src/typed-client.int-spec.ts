import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { ClientsServiceApi, VisitsServiceApi, clientsServiceApi, visitsServiceApi } from '@salon/api-client';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, salonLocalTime, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { RunningService, cleanUp, startClientsService, startVisitsApp } from './test/visits-test-kit';

/**
 * The visits service end to end through the typed clients of libs/api-client (generated from
 * docs/api/*.openapi.json), beside the real clients service in its own process: every path,
 * parameter, body and answer below is checked by the compiler against the published documents.
 */
describe('the visits service through its typed client', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('visits-typed');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'visits-typed-client-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let clientsProcess: RunningService;
  let app: INestApplication;
  let clients: ClientsServiceApi;
  let visits: VisitsServiceApi;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    clientsProcess = await startClientsService(env);
    app = await startVisitsApp({ ...env, CLIENTS_SERVICE_URL: clientsProcess.url });
    // The typed client speaks HTTP to an address: the app listens on a free loopback port.
    if (!app.getHttpServer().listening) await app.listen(0, '127.0.0.1');
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-1', tenantId: tenant, roles: ['receptionist'] });
    const headers = { Authorization: `Bearer ${token}` };
    clients = clientsServiceApi({ baseUrl: clientsProcess.url, headers });
    visits = visitsServiceApi({ baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, headers });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await clientsProcess?.stop();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  const haircut = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };

  it('books a visit for a registered client, takes it through its lifecycle and lists it', async () => {
    const phone = `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const registered = await clients.POST('/clients', { body: { phone, firstName: 'Anna', allowSharedPhone: true } });
    expect(registered.response.status).toBe(201);
    const clientId = registered.data?.clientId as string;

    const start = salonLocalTime(-1, '10:00');
    const end = salonLocalTime(-1, '11:00');
    const booked = await visits.POST('/visits', {
      body: { clientId, salonId: 'salon-1', startsAt: start.local, endsAt: end.local, services: [haircut], discount: 5 },
    });
    expect(booked.response.status).toBe(201);
    expect(booked.data).toMatchObject({ status: 'booked', revision: '0' });
    const visitId = booked.data?.visitId as string;

    const arrived = await visits.POST('/visits/{visitId}/arrive', { params: { path: { visitId }, header: { 'If-Match': booked.data?.revision } } });
    expect(arrived.data?.status).toBe('arrived');
    const paid = await visits.POST('/visits/{visitId}/payments', { params: { path: { visitId } }, body: { amount: 35 } });
    expect(paid.response.status).toBeLessThan(300);
    const completed = await visits.POST('/visits/{visitId}/complete', { params: { path: { visitId } } });
    expect(completed.data?.status).toBe('completed');

    const details = await visits.GET('/visits/{visitId}', { params: { path: { visitId } } });
    expect(details.data).toMatchObject({ visitId, clientId, status: 'completed', startsAt: start.utc, salonDate: start.salonDate, amounts: { price: 40, discount: 5, total: 35, paid: 35 } });

    const listed = await eventually(async () => {
      const { data } = await visits.GET('/clients/{clientId}/visits', { params: { path: { clientId } } });
      return data?.items.find((item) => item.visitId === visitId && item.status === 'completed');
    }, `visit ${visitId} in the client's list`);
    expect(listed).toMatchObject({ serviceCount: 1, amounts: { total: 35 } });
  });

  it('answers a stale If-Match with the documented 409 stale-revision error body', async () => {
    const phone = `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const registered = await clients.POST('/clients', { body: { phone, allowSharedPhone: true } });
    const start = salonLocalTime(7, '10:00');
    const end = salonLocalTime(7, '11:00');
    const booked = await visits.POST('/visits', {
      body: { clientId: registered.data?.clientId as string, salonId: 'salon-1', startsAt: start.local, endsAt: end.local, services: [haircut], discount: 0 },
    });
    const visitId = booked.data?.visitId as string;
    await visits.POST('/visits/{visitId}/confirm', { params: { path: { visitId } } });
    const stale = await visits.POST('/visits/{visitId}/arrive', { params: { path: { visitId }, header: { 'If-Match': booked.data?.revision } } });
    expect(stale.response.status).toBe(409);
    expect(stale.error).toMatchObject({ statusCode: 409, error: 'stale-revision' });
  });
});
