import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { MessageProducer, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  BODY_REFUSAL_CASES,
  TEST_JWT_SECRET,
  eventually,
  expectStandardError,
  kafkaBrokers,
  sendRaw,
  serviceEnvironment,
  uniqueName,
} from '@salon/shared/testing';
import { FakeClientsContext, cleanUp, startConsentApp } from './test/consent-test-kit';

/**
 * What the consent service refuses before anything is done, through the real app against the
 * real servers: an Idempotency-Key reused for another request (422), and input it cannot or
 * must not take (4xx with the standard error body, never a 500).
 */
describe('consent API: refusals before anything is done', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('consent-refusals'), { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'consent-refusals-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let baseUrl: string;
  let producer: MessageProducer;
  let clients: FakeClientsContext;

  const as = async (userId = 'staff-1') =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId, tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-3'] })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startConsentApp(env);
    // Listening: the raw-body cases send bytes with fetch.
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
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

  async function openedClient(): Promise<string> {
    const clientId = await clients.registered({ smsCapable: true, email: 'anna@example.com' });
    const auth = await as();
    await eventually(async () => {
      const response = await http.get(`/clients/${clientId}/consent`).set('Authorization', auth);
      return response.body.status === 'open' ? true : undefined;
    }, `the consent record of ${clientId}`);
    return clientId;
  }

  async function historyLength(clientId: string): Promise<number> {
    const response = await http.get(`/clients/${clientId}/consent/history`).set('Authorization', await as());
    return response.body.changes.length;
  }

  async function set(clientId: string, permission: string, body: unknown, { key, auth }: { key?: string; auth?: string } = {}) {
    const call = http
      .put(`/clients/${clientId}/consent/${permission}`)
      .set('Authorization', auth ?? (await as()))
      .set('Content-Type', 'application/json');
    return (key ? call.set('Idempotency-Key', key) : call).send(body as object | string);
  }

  describe('Idempotency-Key bound to its request', () => {
    it('answers a retry like the first change, and refuses the key for another body, user or route (422), recording nothing', async () => {
      const clientId = await openedClient();
      const key = uniqueName('key');
      const first = await set(clientId, 'remindersByEmail', { granted: false, source: 'front-desk' }, { key });
      expect(first.status).toBe(200);
      const recorded = await historyLength(clientId);

      const retry = await set(clientId, 'remindersByEmail', { source: 'front-desk', granted: false }, { key });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);

      const otherBody = await set(clientId, 'remindersByEmail', { granted: true, source: 'front-desk' }, { key });
      expectStandardError(otherBody, 422, 'idempotency-key-reused', 'Idempotency-Key');
      const otherPermission = await set(clientId, 'remindersBySms', { granted: false, source: 'front-desk' }, { key });
      expectStandardError(otherPermission, 422, 'idempotency-key-reused', 'Idempotency-Key');
      const otherUser = await set(clientId, 'remindersByEmail', { granted: false, source: 'front-desk' }, { key, auth: await as('staff-2') });
      expectStandardError(otherUser, 422, 'idempotency-key-reused', 'Idempotency-Key');
      const otherRoute = await http
        .post(`/clients/${clientId}/consent/marketing/withdrawal`)
        .set('Authorization', await as())
        .set('Idempotency-Key', key)
        .send({ source: 'front-desk' });
      expectStandardError(otherRoute, 422, 'idempotency-key-reused', 'Idempotency-Key');

      expect(await historyLength(clientId)).toBe(recorded);
    });
  });

  describe('bad input is a 4xx with the standard error body, never a 500', () => {
    let clientId: string;
    beforeAll(async () => {
      clientId = await openedClient();
    });

    it.each(BODY_REFUSAL_CASES.map((refusal) => [refusal.name, refusal] as const))('refuses %s', async (_name, refusal) => {
      const headers = { ...refusal.headers, authorization: await as() };
      const response = await sendRaw(baseUrl, { method: 'PUT', path: `/clients/${clientId}/consent/newsletter`, headers, body: refusal.body });
      expectStandardError(response, refusal.status, refusal.error, refusal.field);
      expect(JSON.stringify(response.body)).not.toContain('601 000 011');
    });

    const evidence = { documentRef: 'FORM-1', signedAt: '2025-06-15T09:45:00Z', collectedBy: 'staff-1', salonId: 'salon-3' };
    const bodies: [string, unknown, string][] = [
      ['an array for the body', [{ granted: true, source: 'front-desk' }], 'body'],
      ['a string for granted', { granted: 'true', source: 'front-desk' }, 'granted'],
      ['a number for granted', { granted: 1, source: 'front-desk' }, 'granted'],
      ['null for the source', { granted: false, source: null }, 'source'],
      ['a huge number for the source', '{"granted": false, "source": 123456789012345678901234567890}', 'source'],
      ['an array for the evidence', { granted: true, source: 'front-desk', evidence: [evidence] }, 'evidence'],
      ['a string for the evidence', { granted: true, source: 'front-desk', evidence: 'signed' }, 'evidence'],
      ['a very long document reference', { granted: true, source: 'front-desk', evidence: { ...evidence, documentRef: 'F'.repeat(50_000) } }, 'evidence.documentRef'],
      ['"NaN" for the signing time', { granted: true, source: 'front-desk', evidence: { ...evidence, signedAt: 'NaN' } }, 'evidence.signedAt'],
      ['a very long signing time', { granted: true, source: 'front-desk', evidence: { ...evidence, signedAt: '2'.repeat(50_000) } }, 'evidence.signedAt'],
    ];
    it.each(bodies)('refuses %s (400 naming the field)', async (_name, body, field) => {
      const before = await historyLength(clientId);
      expectStandardError(await set(clientId, 'newsletter', body), 400, undefined, field);
      expect(await historyLength(clientId)).toBe(before);
    });

    it('refuses a very long or unknown permission in the path (400)', async () => {
      expectStandardError(await set(clientId, 'p'.repeat(5_000), { granted: false, source: 'front-desk' }), 400);
      expectStandardError(await set(clientId, '%F0%9F%92%A9', { granted: false, source: 'front-desk' }), 400);
    });

    it('refuses unreadable may-contact queries (400)', async () => {
      const ask = async (query: string) =>
        http.get(`/clients/${clientId}/consent/may-contact?${query}`).set('Authorization', await as());
      expectStandardError(await ask('purpose=reminders'), 400);
      expectStandardError(await ask(`purpose=${'r'.repeat(5_000)}&channel=sms`), 400);
      expectStandardError(await ask('purpose=reminders&channel=sms&channel=email'), 400);
      expectStandardError(await ask('purpose[a]=reminders&channel=sms'), 400);
    });
  });
});
