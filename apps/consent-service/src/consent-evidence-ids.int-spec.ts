import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { MessageProducer, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { FakeClientsContext, cleanUp, startConsentApp } from './test/consent-test-kit';

/**
 * The evidence of a marketing consent names who collected the signature and where; it is kept in
 * the consent's events for years and never shredded. Both are ids (never a name or a contact),
 * the salon is one of a salon-bound user's salons, and the event records the authenticated user
 * beside the staff member the desk names.
 */
describe('consent API: the ids in marketing evidence', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('consent-evidence'), { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'consent-evidence-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const evidence = { documentRef: 'FORM-2025-000123', signedAt: '2025-06-15T09:45:00Z', collectedBy: 'staff-7', salonId: 'salon-3' };
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let producer: MessageProducer;
  let clients: FakeClientsContext;

  const as = async (salonIds: string[] | undefined, roles: Role[] = ['receptionist']) =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-5', tenantId: tenant, roles, salonIds })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startConsentApp(env);
    http = request(app.getHttpServer());
    producer = kafka.producer();
    await producer.connect();
    clients = new FakeClientsContext(producer, prefix, tenant);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  /** A client whose consent record the registration has opened. */
  async function openClient(): Promise<string> {
    const clientId = await clients.registered({ smsCapable: true });
    const auth = await as(undefined);
    await eventually(async () => {
      const response = await http.get(`/clients/${clientId}/consent`).set('Authorization', auth);
      return response.status === 200 && response.body.status === 'open' ? true : undefined;
    }, `the consent record of ${clientId}`);
    return clientId;
  }

  async function consentEvents(clientId: string) {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return await store.readStream(`consent-${clientId}`);
    } finally {
      await store.close();
    }
  }

  const grant = async (clientId: string, auth: string, given: Record<string, unknown>, salonHeader?: string) => {
    const call = http.put(`/clients/${clientId}/consent/newsletter`).set('Authorization', auth);
    return (salonHeader ? call.set('X-Salon-Id', salonHeader) : call).send({ granted: true, source: 'front-desk', evidence: given });
  };

  it('records the authenticated user beside the staff member and the salon the request names', async () => {
    const clientId = await openClient();
    const response = await grant(clientId, await as(['salon-3']), evidence, 'salon-3');
    expect(response.status).toBe(200);
    const granted = (await consentEvents(clientId)).find((event) => event.type === 'MarketingConsentGranted');
    expect(granted?.metadata).toMatchObject({ actorId: 'desk-5', salonId: 'salon-3' });
    expect(granted?.data).toMatchObject({ actorId: 'desk-5', evidence: { collectedBy: 'staff-7', salonId: 'salon-3' } });
  });

  it("refuses a salon-bound user's evidence from another salon: 403 salon-not-yours naming evidence.salonId, nothing recorded", async () => {
    const clientId = await openClient();
    const before = (await consentEvents(clientId)).length;
    const refused = await grant(clientId, await as(['salon-3']), { ...evidence, salonId: 'salon-4' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'salon-not-yours', errors: [{ field: 'evidence.salonId' }] });
    expect((await consentEvents(clientId)).length).toBe(before);
  });

  it('takes evidence from any salon of the chain from a user bound to none', async () => {
    const clientId = await openClient();
    expect((await grant(clientId, await as(undefined, ['manager']), { ...evidence, salonId: 'salon-9' })).status).toBe(200);
  });

  it.each([
    ['a name for collectedBy', { collectedBy: 'Anna Kowalska' }, 'evidence.collectedBy'],
    ['an e-mail for collectedBy', { collectedBy: 'anna.kowalska@example.com' }, 'evidence.collectedBy'],
    ['a phone for the salon', { salonId: '+48 601 000 000' }, 'evidence.salonId'],
    ['a salon of 65 characters', { salonId: 's'.repeat(65) }, 'evidence.salonId'],
  ])('refuses %s: 400 naming the field, never repeating the value, nothing recorded', async (_, change, field) => {
    const clientId = await openClient();
    const before = (await consentEvents(clientId)).length;
    const refused = await grant(clientId, await as(undefined, ['owner']), { ...evidence, ...change });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field })]);
    expect(JSON.stringify(refused.body)).not.toContain(Object.values(change)[0]);
    expect((await consentEvents(clientId)).length).toBe(before);
  });
});
