import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { consentServiceApi, ConsentServiceApi } from '@salon/api-client';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { MessageProducer, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { FakeClientsContext, cleanUp, startConsentApp } from './test/consent-test-kit';

/**
 * The consent service end to end through the typed client of libs/api-client (generated from
 * docs/api/consent-service.openapi.json): every path, parameter, body and answer below is checked
 * by the compiler against the published document, and the answers at run time against the service.
 */
describe('the consent service through its typed client', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('consent-typed');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'consent-typed-client-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let api: ConsentServiceApi;
  let producer: MessageProducer;
  let clients: FakeClientsContext;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startConsentApp(env);
    // The typed client speaks HTTP to an address: the app listens on a free loopback port.
    if (!app.getHttpServer().listening) await app.listen(0, '127.0.0.1');
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'staff-1', tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-3'] });
    api = consentServiceApi({
      baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
      headers: { Authorization: `Bearer ${token}` },
    });
    producer = kafka.producer();
    await producer.connect();
    clients = new FakeClientsContext(producer, prefix, tenant);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  it('reads the record a registration opened, records written marketing consent and answers may-contact', async () => {
    const clientId = await clients.registered({ smsCapable: true, email: 'anna@example.com' });
    const opened = await eventually(async () => {
      const { data } = await api.GET('/clients/{clientId}/consent', { params: { path: { clientId } } });
      return data?.status === 'open' ? data : undefined;
    }, `the consent record of ${clientId}`);
    expect(opened.switches).toEqual({ notifications: true, remindersBySms: true, remindersByEmail: true, newsletter: false, marketingSms: false });

    const signedAt = new Date(Date.now() - 60_000).toISOString();
    const granted = await api.PUT('/clients/{clientId}/consent/{permission}', {
      params: { path: { clientId, permission: 'newsletter' }, header: { 'X-Salon-Id': 'salon-3' } },
      body: { granted: true, source: 'front-desk', evidence: { documentRef: 'FORM-2025-000123', signedAt, collectedBy: 'staff-1', salonId: 'salon-3' } },
    });
    expect(granted.response.status).toBe(200);
    expect(granted.data?.switches.newsletter).toBe(true);
    expect(granted.data?.summary?.marketing).toBe(true);

    const marketing = await api.GET('/clients/{clientId}/consent/may-contact', { params: { path: { clientId }, query: { purpose: 'marketing', channel: 'email' } } });
    expect(marketing.data).toEqual({ allowed: true, reason: 'allowed' });

    const history = await api.GET('/clients/{clientId}/consent/history', { params: { path: { clientId } } });
    expect(history.data?.changes.map((change) => change.type)).toEqual(['RegistrationConsentApplied', 'MarketingConsentGranted']);
  });

  it('answers a refusal with the documented error body', async () => {
    const clientId = await clients.registered({ smsCapable: true });
    await eventually(async () => {
      const { data } = await api.GET('/clients/{clientId}/consent', { params: { path: { clientId } } });
      return data?.status === 'open' ? data : undefined;
    }, `the consent record of ${clientId}`);
    const refused = await api.PUT('/clients/{clientId}/consent/{permission}', {
      params: { path: { clientId, permission: 'marketingSms' } },
      body: { granted: true, source: 'front-desk' },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({ statusCode: 400, error: 'written-consent-required' });
  });
});
