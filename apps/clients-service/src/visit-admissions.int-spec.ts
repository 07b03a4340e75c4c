import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { SignJWT } from 'jose';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { Role, ServiceTokenIssuer, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET, cleanUpServiceEnvironment, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * `PUT /clients/{id}/visits/{visitId}` admits a visit to a client (from then on the client cannot
 * be deleted, and its stream grows by one event). Only the visits service may call it, with a
 * service token; a user token is refused whatever its roles, and the service token's chain is the
 * only chain it admits in.
 */
describe('clients API: visit admissions take the visits service token only', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('clients-admissions'), { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL' });
  const kafka = createMessagingClient({ clientId: 'clients-admissions-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const visitsService = new ServiceTokenIssuer(TEST_SERVICE_TOKEN_SECRET, 'visits-service');
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  const asUser = async (roles: Role[], tenantId = tenant) =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-1', tenantId, roles })}`;
  const admissionPath = (clientId: string, visitId: string) => `/clients/${clientId}/visits/${visitId}`;
  /** The visits service's token, bound to one request as the visits service binds it (or to none). */
  const asVisitsService = async (tenantId = tenant, userId = 'desk-1', request?: { method: string; path: string }) =>
    `Bearer ${await visitsService.issue('clients-service', { tenantId, userId }, request)}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  async function registerClient(): Promise<string> {
    const phone = `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const response = await http.post('/clients').set('Authorization', await asUser(['receptionist'])).send({ phone, firstName: 'Anna', allowSharedPhone: true });
    expect(response.status).toBe(201);
    return response.body.clientId as string;
  }

  async function clientEvents(clientId: string) {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return await store.readStream(`client-${clientId}`);
    } finally {
      await store.close();
    }
  }

  const admit = (clientId: string, visitId: string, authorization: string) => http.put(admissionPath(clientId, visitId)).set('Authorization', authorization);

  it.each<Role[]>([['receptionist'], ['manager'], ['owner'], ['owner', 'manager', 'receptionist', 'analyst']])(
    'refuses a user token with roles %p (403), and the client stays as it was',
    async (...roles) => {
      const clientId = await registerClient();
      const before = (await clientEvents(clientId)).length;
      const response = await admit(clientId, randomUUID(), await asUser(roles));
      expect(response.status).toBe(403);
      expect(response.body.message).toContain('service:visits');
      expect((await clientEvents(clientId)).length).toBe(before);
      // Still deletable: nothing was admitted.
      await http.delete(`/clients/${clientId}`).set('Authorization', await asUser(['owner'])).expect(204);
    },
  );

  it("admits with the visits service's token, recording the user it acts for and the salon of the booking", async () => {
    const clientId = await registerClient();
    const visitId = randomUUID();
    const token = await asVisitsService(tenant, 'desk-7', { method: 'PUT', path: admissionPath(clientId, visitId) });
    await admit(clientId, visitId, token).set('X-Salon-Id', 'salon-centre').expect(204);
    const noted = (await clientEvents(clientId)).filter((event) => event.type === 'ClientVisitNoted');
    expect(noted).toHaveLength(1);
    expect(noted[0].metadata).toMatchObject({ tenantId: tenant, actorId: 'desk-7', salonId: 'salon-centre' });
    const refused = await http.delete(`/clients/${clientId}`).set('Authorization', await asUser(['owner']));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('client-has-visits');
  });

  it("admits in the token's chain only: another chain's client answers like an unknown one, and is left alone", async () => {
    const clientId = await registerClient();
    const before = (await clientEvents(clientId)).length;
    const elsewhere = await admit(clientId, randomUUID(), await asVisitsService(uniqueName('other-chain')));
    const unknown = await admit(randomUUID(), randomUUID(), await asVisitsService(uniqueName('other-chain')));
    expect(elsewhere.status).toBe(404);
    expect({ status: elsewhere.status, error: elsewhere.body.error }).toEqual({ status: unknown.status, error: unknown.body.error });
    expect((await clientEvents(clientId)).length).toBe(before);
  });

  it('refuses (401) a token bound to one admission for any other: another visit id, another client', async () => {
    const [clientId, otherClientId] = [await registerClient(), await registerClient()];
    const visitId = randomUUID();
    const token = await asVisitsService(tenant, 'desk-1', { method: 'PUT', path: admissionPath(clientId, visitId) });
    expect((await admit(clientId, randomUUID(), token)).status).toBe(401);
    expect((await admit(otherClientId, visitId, token)).status).toBe(401);
    expect((await clientEvents(otherClientId)).filter((event) => event.type === 'ClientVisitNoted')).toEqual([]);
    await admit(clientId, visitId, token).expect(204);
  });

  it('refuses (401) a service token signed with the users’ secret, or one addressed to another service', async () => {
    const clientId = await registerClient();
    const forged = await new SignJWT({ tenant, roles: ['service:visits'], act: { sub: 'visits-service' } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('visits-service')
      .setAudience('clients-service')
      .setSubject('desk-1')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect((await admit(clientId, randomUUID(), `Bearer ${forged}`)).status).toBe(401);
    const toConsent = await visitsService.issue('consent-service', { tenantId: tenant, userId: 'desk-1' });
    expect((await admit(clientId, randomUUID(), `Bearer ${toConsent}`)).status).toBe(401);
  });

  it('gives the service token no other route (403)', async () => {
    const clientId = await registerClient();
    const service = await asVisitsService();
    expect((await http.get(`/clients/${clientId}`).set('Authorization', service)).status).toBe(403);
    expect((await http.delete(`/clients/${clientId}`).set('Authorization', service)).status).toBe(403);
  });
});
