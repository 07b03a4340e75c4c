import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { ClientsService, ClientsServiceApi, clientsServiceApi } from '@salon/api-client';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * The clients service end to end through the typed client of libs/api-client (generated from
 * docs/api/clients-service.openapi.json): every path, parameter, body and answer below is checked
 * by the compiler against the published document, and the answers at run time against the service.
 */
describe('the clients service through its typed client', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('clients-typed');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL' });
  const kafka = createMessagingClient({ clientId: 'clients-typed-client-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let api: ClientsServiceApi;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    // The typed client speaks HTTP to an address: the app listens on a free loopback port.
    if (!app.getHttpServer().listening) await app.listen(0, '127.0.0.1');
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'staff-1', tenantId: tenant, roles: ['manager'] });
    api = clientsServiceApi({ baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, headers: { Authorization: `Bearer ${token}` } });
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  const phone = () => `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

  it('registers a client, saves the profile on its ETag, sets discounts and refuses a stale save', async () => {
    const number = phone();
    const registered = await api.POST('/clients', {
      body: { phone: number, firstName: 'Olga', email: 'olga@example.com', allowSharedPhone: false, consent: { notifications: true, remindersByEmail: true } },
    });
    expect(registered.response.status).toBe(201);
    expect(registered.data?.revision).toBe('0');
    const clientId = registered.data?.clientId as string;

    const saved = await api.PUT('/clients/{clientId}', {
      params: { path: { clientId }, header: { 'If-Match': '"0"' } },
      body: { phone: number, firstName: 'Olga', lastName: 'Nowak', allowSharedPhone: false },
    });
    expect(saved.response.status).toBe(200);
    expect(saved.data).toEqual({ clientId, revision: '1' });
    expect(saved.response.headers.get('etag')).toBe('"1"');

    const discounts = await api.PUT('/clients/{clientId}/discounts', {
      params: { path: { clientId }, header: { 'If-Match': '"1"' } },
      body: { productDiscountPercent: 5, serviceDiscountPercent: 12.5 },
    });
    expect(discounts.data).toEqual({ clientId, revision: '2' });

    const stale = await api.PUT('/clients/{clientId}', {
      params: { path: { clientId }, header: { 'If-Match': '"0"' } },
      body: { phone: number, firstName: 'Someone else', allowSharedPhone: false },
    });
    expect(stale.response.status).toBe(409);
    expect(stale.error).toMatchObject({ statusCode: 409, error: 'stale-revision' });

    // The card is a read model: it shows the saves once the projection applied them (revision 2).
    const card = await eventually(async () => {
      const profile = await api.GET('/clients/{clientId}', { params: { path: { clientId } } });
      return profile.response.status === 200 && profile.data?.revision === '2' ? profile.data : undefined;
    }, 'the card to show both saves');
    expect(card.names.lastName).toBe('Nowak');
    expect(card.discounts).toEqual({ products: 5, services: 12.5 });
  });

  it("answers a refusal of the use case with a code its document's enum names (phone-taken)", async () => {
    const number = phone();
    const first = await api.POST('/clients', { body: { phone: number, firstName: 'Ida', allowSharedPhone: false } });
    expect(first.response.status).toBe(201);
    const taken = await api.POST('/clients', { body: { phone: number, firstName: 'Ada', allowSharedPhone: false } });
    expect(taken.response.status).toBe(409);
    // Compiles only while the document's enum for this answer has the code (the generated type is the enum's union).
    type RegistrationConflict = ClientsService.operations['RegisterClientController_register']['responses'][409]['content']['application/json'];
    const phoneTaken: NonNullable<RegistrationConflict['error']> = 'phone-taken';
    expect(taken.error).toMatchObject({ statusCode: 409, error: phoneTaken, existingClientId: first.data?.clientId });
  });

  it('answers a body out of its schema with the documented 400 error naming the field', async () => {
    const refused = await api.POST('/clients', { body: { phone: 'not a phone', allowSharedPhone: false } });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({ statusCode: 400, errors: [expect.objectContaining({ field: 'phone' })] });
  });
});
