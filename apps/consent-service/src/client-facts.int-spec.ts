import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { KEY_STORE, PersonalDataCipher } from '@salon/shared/crypto';
import { MessageProducer, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { FakeClientsContext, cleanUp, startConsentApp } from './test/consent-test-kit';

/**
 * The client-events policy decides from the facts the clients context publishes in clear
 * (`smsCapable`, `hasEmail`, `initialConsent`), through the real broker, and never opens the
 * encrypted envelope: the fake clients context seals it with a key store the consent service
 * cannot reach, and the service has no key store at all. Messages published before `hasEmail` was
 * in the contract (still on the topic, replayed to a new group) read as "no e-mail".
 */
describe('consent-service, the facts of the clients topic', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('consent-facts');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'consent-facts-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let producer: MessageProducer;
  let clients: FakeClientsContext;
  let authorization: string;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startConsentApp(env);
    http = request(app.getHttpServer());
    producer = kafka.producer();
    await producer.connect();
    clients = new FakeClientsContext(producer, prefix, tenant);
    authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'staff-1', tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-3'] })}`;
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  async function opened(clientId: string) {
    return eventually(async () => {
      const response = await http.get(`/clients/${clientId}/consent`).set('Authorization', authorization);
      return response.status === 200 && response.body.status === 'open' ? response.body : undefined;
    }, `the consent record of ${clientId}`);
  }

  async function history(clientId: string) {
    const response = await http.get(`/clients/${clientId}/consent/history`).set('Authorization', authorization);
    expect(response.status).toBe(200);
    return response.body.changes as { type: string; data: Record<string, unknown> }[];
  }

  it('has no key store and no cipher: nothing in it can decrypt personal data', () => {
    expect(() => app.get(PersonalDataCipher, { strict: false })).toThrow();
    expect(() => app.get(KEY_STORE, { strict: false })).toThrow();
  });

  it('takes "has an e-mail" from the clear fact, whatever the sealed envelope holds', async () => {
    // Contradictions the clients relay never publishes: they show which of the two is read.
    const saysYes = await clients.registered({ hasEmail: true });
    const saysNo = await clients.registered({ email: 'anna@example.com', hasEmail: false });
    expect((await opened(saysYes)).switches).toMatchObject({ notifications: true, remindersByEmail: true });
    expect((await opened(saysNo)).switches).toMatchObject({ notifications: true, remindersByEmail: false });
  });

  it('takes SMS capability and the boxes of the form from the message', async () => {
    const landline = await clients.registered({ smsCapable: false, email: 'b@example.com', initialConsent: { notifications: false } });
    expect((await opened(landline)).switches).toMatchObject({ notifications: false, remindersBySms: false, remindersByEmail: true });
  });

  it('opens the record of a registration published before hasEmail existed, as one without e-mail', async () => {
    const old = await clients.registered({ email: 'c@example.com', withoutHasEmail: true });
    const ticked = await clients.registered({ email: 'd@example.com', withoutHasEmail: true, initialConsent: { remindersByEmail: true } });
    expect((await opened(old)).switches).toMatchObject({ notifications: true, remindersBySms: true, remindersByEmail: false });
    expect((await opened(ticked)).switches).toMatchObject({ remindersByEmail: true });
    expect(await history(old)).toEqual([expect.objectContaining({ type: 'RegistrationConsentApplied', data: expect.objectContaining({ hasEmail: false }) })]);
  });

  it('changes nothing when an old registration of an open record is replayed, and applies an old profile edit', async () => {
    const clientId = randomUUID();
    await clients.send([await clients.registration(clientId, { email: 'e@example.com' })]);
    expect((await opened(clientId)).switches).toMatchObject({ remindersByEmail: true });
    await clients.send([await clients.registration(clientId, { email: 'e@example.com', withoutHasEmail: true }), clients.profileEdited(clientId, false, { withoutHasEmail: true })]);
    const consent = await eventually(async () => {
      const response = await http.get(`/clients/${clientId}/consent`).set('Authorization', authorization);
      return response.body.smsCapable === false ? response.body : undefined;
    }, 'the landline to be noted');
    expect(consent.switches).toMatchObject({ remindersByEmail: true, remindersBySms: false });
    expect((await history(clientId)).map((change) => change.type)).toEqual(['RegistrationConsentApplied', 'SmsCapabilityChanged', 'SmsConsentSwitchedOff']);
  });
});
