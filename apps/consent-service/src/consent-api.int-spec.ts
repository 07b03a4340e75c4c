import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS, ConsentStateV1, HEADERS, TOPICS } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { MessageProducer, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { FakeClientsContext, cleanUp, rebuildConsentTable, startConsentApp } from './test/consent-test-kit';

/**
 * The consent API end to end against the real local servers: client events on Kafka → policy →
 * event store → HTTP, and event store → relay → the consent topics. Topics and groups per run.
 */
describe('consent API', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('consent-api');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'consent-api-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const evidence = {
    documentRef: 'FORM-2025-000123',
    consentTextVersion: 'marketing-v3',
    signedAt: '2025-06-15T09:45:00Z',
    collectedBy: 'staff-1',
    salonId: 'salon-3',
  };
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let producer: MessageProducer;
  let clients: FakeClientsContext;

  const as = async (roles: Role[] = ['receptionist'], tenantId = tenant) =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'staff-1', tenantId, roles, salonIds: ['salon-3'] })}`;

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

  async function consentOf(clientId: string, auth?: string) {
    const response = await http.get(`/clients/${clientId}/consent`).set('Authorization', auth ?? (await as()));
    expect(response.status).toBe(200);
    return response.body;
  }

  /** The consent once the registration has been consumed. */
  async function opened(clientId: string) {
    const auth = await as();
    return eventually(async () => {
      const body = await consentOf(clientId, auth);
      return body.status === 'open' ? body : undefined;
    }, `the consent record of ${clientId}`);
  }

  async function mayContact(clientId: string, purpose: string, channel: string) {
    const response = await http
      .get(`/clients/${clientId}/consent/may-contact`)
      .query({ purpose, channel })
      .set('Authorization', await as());
    return response;
  }

  async function historyLength(clientId: string): Promise<number> {
    const response = await http.get(`/clients/${clientId}/consent/history`).set('Authorization', await as());
    return response.body.changes.length;
  }

  async function set(clientId: string, permission: string, body: Record<string, unknown>) {
    return http.put(`/clients/${clientId}/consent/${permission}`).set('Authorization', await as()).send(body);
  }

  describe('registration', () => {
    it('opens the record with notifications ON by default, reminders by the channels the client has', async () => {
      const clientId = await clients.registered({ smsCapable: true, email: 'anna@example.com' });
      const consent = await opened(clientId);
      expect(consent).toMatchObject({
        clientId,
        status: 'open',
        smsCapable: true,
        switches: { notifications: true, remindersBySms: true, remindersByEmail: true, newsletter: false, marketingSms: false },
        summary: { notifications: true, remindersBySms: true, remindersByEmail: true, marketing: false },
      });
      expect((await mayContact(clientId, 'notifications', 'sms')).body).toEqual({ allowed: true, reason: 'allowed' });
      expect((await mayContact(clientId, 'reminders', 'email')).body).toEqual({ allowed: true, reason: 'allowed' });
    });

    it('reads "has an e-mail" from the clear fact of the registration: no e-mail, no e-mail reminders by default', async () => {
      const clientId = await clients.registered({ smsCapable: true });
      const consent = await opened(clientId);
      expect(consent.switches).toMatchObject({ notifications: true, remindersBySms: true, remindersByEmail: false });
      expect((await mayContact(clientId, 'reminders', 'email')).body).toEqual({ allowed: false, reason: 'reminders-by-email-off' });
    });

    it('applies the boxes of the registration form', async () => {
      const clientId = await clients.registered({ email: 'b@example.com', initialConsent: { notifications: false } });
      const consent = await opened(clientId);
      expect(consent.switches.notifications).toBe(false);
      expect((await mayContact(clientId, 'reminders', 'sms')).body).toEqual({ allowed: false, reason: 'notifications-off' });
    });

    it('applies a redelivered registration once', async () => {
      const clientId = randomUUID();
      const registration = await clients.registration(clientId, {});
      await clients.send([registration, registration]);
      await opened(clientId);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await historyLength(clientId)).toBe(1);
    });
  });

  describe('the permission endpoint says no', () => {
    it('for notifications switched off', async () => {
      const clientId = await clients.registered({ email: 'c@example.com' });
      await opened(clientId);
      const response = await set(clientId, 'notifications', { granted: false, source: 'client-request' });
      expect(response.status).toBe(200);
      expect(response.body.switches.notifications).toBe(false);
      for (const [purpose, channel] of [
        ['notifications', 'sms'],
        ['notifications', 'email'],
        ['reminders', 'sms'],
        ['reminders', 'email'],
      ]) {
        expect((await mayContact(clientId, purpose, channel)).body).toEqual({ allowed: false, reason: 'notifications-off' });
      }
    });

    it('for SMS to a landline, and refuses to switch SMS on for it (409, nothing appended)', async () => {
      const clientId = await clients.registered({ smsCapable: false, email: 'd@example.com' });
      const consent = await opened(clientId);
      expect(consent).toMatchObject({ smsCapable: false, switches: { remindersBySms: false } });
      expect((await mayContact(clientId, 'reminders', 'sms')).body).toEqual({ allowed: false, reason: 'sms-to-landline' });
      expect((await mayContact(clientId, 'notifications', 'sms')).body).toEqual({ allowed: false, reason: 'sms-to-landline' });

      const before = await historyLength(clientId);
      const response = await set(clientId, 'remindersBySms', { granted: true, source: 'front-desk' });
      expect(response.status).toBe(409);
      expect(response.body.error).toBe('sms-to-landline');
      const marketing = await set(clientId, 'marketingSms', { granted: true, source: 'front-desk', evidence });
      expect(marketing.status).toBe(409);
      expect(marketing.body.error).toBe('sms-to-landline');
      expect(await historyLength(clientId)).toBe(before);
    });

    it('for marketing without written consent; with it, yes; one withdrawal call switches all marketing off', async () => {
      const clientId = await clients.registered({ email: 'e@example.com' });
      await opened(clientId);
      expect((await mayContact(clientId, 'marketing', 'email')).body).toEqual({ allowed: false, reason: 'no-written-marketing-consent' });

      const before = await historyLength(clientId);
      const refused = await set(clientId, 'newsletter', { granted: true, source: 'front-desk' });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('written-consent-required');
      expect(await historyLength(clientId)).toBe(before);

      expect((await set(clientId, 'newsletter', { granted: true, source: 'front-desk', evidence })).status).toBe(200);
      expect((await set(clientId, 'marketingSms', { granted: true, source: 'front-desk', evidence })).status).toBe(200);
      expect((await mayContact(clientId, 'marketing', 'email')).body).toEqual({ allowed: true, reason: 'allowed' });
      expect((await mayContact(clientId, 'marketing', 'sms')).body).toEqual({ allowed: true, reason: 'allowed' });
      const consent = await consentOf(clientId);
      expect(consent.marketingEvidence.newsletter).toMatchObject({ documentRef: 'FORM-2025-000123', collectedBy: 'staff-1' });

      const withdrawn = await http
        .post(`/clients/${clientId}/consent/marketing/withdrawal`)
        .set('Authorization', await as())
        .send({ source: 'client-request' });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.switches).toMatchObject({ newsletter: false, marketingSms: false });
      expect((await mayContact(clientId, 'marketing', 'email')).body).toEqual({ allowed: false, reason: 'no-written-marketing-consent' });
      expect((await mayContact(clientId, 'marketing', 'sms')).body).toEqual({ allowed: false, reason: 'no-written-marketing-consent' });
    });

    it('for a deleted client, and for an erased one', async () => {
      const deleted = await clients.registered({ email: 'f@example.com' });
      const erased = await clients.registered({ email: 'g@example.com' });
      await opened(deleted);
      await opened(erased);
      await clients.send([clients.deleted(deleted), clients.erased(erased)]);
      for (const clientId of [deleted, erased]) {
        await eventually(async () => ((await consentOf(clientId)).status === 'closed' ? true : undefined), 'the record to close');
        expect((await mayContact(clientId, 'notifications', 'email')).body).toEqual({ allowed: false, reason: 'client-closed' });
      }
      expect((await consentOf(deleted)).closedBecause).toBe('deleted');
      expect((await consentOf(erased)).closedBecause).toBe('erased');
      const change = await set(deleted, 'notifications', { granted: true, source: 'front-desk' });
      expect(change.status).toBe(409);
      expect(change.body.error).toBe('client-closed');
    });

    it('for a client the consent context never heard of', async () => {
      expect((await mayContact(randomUUID(), 'reminders', 'sms')).body).toEqual({ allowed: false, reason: 'no-consent-record' });
    });
  });

  describe('a change of phone', () => {
    it('switches SMS off when the phone becomes a landline', async () => {
      const clientId = await clients.registered({ smsCapable: true, email: 'h@example.com' });
      await opened(clientId);
      await clients.send([clients.profileEdited(clientId, false)]);
      const consent = await eventually(async () => {
        const body = await consentOf(clientId);
        return body.smsCapable === false ? body : undefined;
      }, 'the landline to be noted');
      expect(consent.switches.remindersBySms).toBe(false);
      expect((await mayContact(clientId, 'reminders', 'sms')).body).toEqual({ allowed: false, reason: 'sms-to-landline' });
    });
  });

  describe('bad input: 400 naming the reason, nothing appended', () => {
    let clientId: string;
    beforeAll(async () => {
      clientId = await clients.registered({ email: 'i@example.com' });
      await opened(clientId);
    });

    it.each([
      ['an unknown purpose', { purpose: 'birthday', channel: 'sms' }, 'unknown-purpose'],
      ['an unknown channel', { purpose: 'reminders', channel: 'pigeon' }, 'unknown-channel'],
      ['a missing channel', { purpose: 'reminders' }, 'unknown-channel'],
    ])('refuses a question with %s', async (_case, query, error) => {
      const response = await http.get(`/clients/${clientId}/consent/may-contact`).query(query).set('Authorization', await as());
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(error);
    });

    it.each([
      ['an unknown permission', 'birthdayCards', { granted: true, source: 'front-desk' }, { error: 'unknown-permission' }],
      ['an unknown source', 'notifications', { granted: true, source: 'carrier-pigeon' }, { field: 'source' }],
      ['no "granted"', 'notifications', { source: 'front-desk' }, { field: 'granted' }],
      ['evidence without a signature date', 'newsletter', { granted: true, source: 'front-desk', evidence: { ...evidence, signedAt: '' } }, { field: 'evidence.signedAt' }],
      ['evidence signed in the future', 'newsletter', { granted: true, source: 'front-desk', evidence: { ...evidence, signedAt: '2999-01-01T00:00:00Z' } }, { error: 'invalid-evidence', field: 'evidence.signedAt' }],
      ['evidence naming nothing signed', 'newsletter', { granted: true, source: 'front-desk', evidence: { signedAt: evidence.signedAt, collectedBy: 'staff-1', salonId: 'salon-3' } }, { error: 'written-consent-required', field: 'evidence' }],
    ])('refuses a change with %s', async (_case, permission, body, expected) => {
      const before = await historyLength(clientId);
      const response = await set(clientId, permission, body);
      expect(response.status).toBe(400);
      if ('error' in expected) expect(response.body.error).toBe(expected.error);
      if ('field' in expected) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expected.field })]));
      expect(await historyLength(clientId)).toBe(before);
    });
  });

  describe('authentication and roles', () => {
    it('answers 401 without a token and 403 to an analyst', async () => {
      const clientId = randomUUID();
      await http.get(`/clients/${clientId}/consent`).expect(401);
      const analyst = await as(['analyst']);
      await http.get(`/clients/${clientId}/consent`).set('Authorization', analyst).expect(403);
      await http.get(`/clients/${clientId}/consent/may-contact?purpose=reminders&channel=sms`).set('Authorization', analyst).expect(403);
      await http.put(`/clients/${clientId}/consent/notifications`).set('Authorization', analyst).send({ granted: false, source: 'front-desk' }).expect(403);
    });

    it('keeps chains apart: another chain sees no record', async () => {
      const clientId = await clients.registered({ email: 'j@example.com' });
      await opened(clientId);
      const other = await as(['owner'], uniqueName('other-chain'));
      const response = await http.get(`/clients/${clientId}/consent/may-contact?purpose=notifications&channel=email`).set('Authorization', other);
      expect(response.body).toEqual({ allowed: false, reason: 'no-consent-record' });
      expect((await http.get(`/clients/${clientId}/consent/history`).set('Authorization', other)).body.changes).toEqual([]);
    });
  });

  describe('history', () => {
    it('lists every change, newest last, with who, when, where and through what', async () => {
      const clientId = await clients.registered({ email: 'k@example.com' });
      await opened(clientId);
      await set(clientId, 'remindersByEmail', { granted: false, source: 'client-request' });
      await set(clientId, 'newsletter', { granted: true, source: 'front-desk', evidence });
      const response = await http.get(`/clients/${clientId}/consent/history`).set('Authorization', await as());
      expect(response.status).toBe(200);
      expect(response.body.changes).toEqual([
        expect.objectContaining({ revision: '0', type: 'RegistrationConsentApplied', actorId: null, source: 'front-desk' }),
        expect.objectContaining({
          revision: '1',
          type: 'ConsentWithdrawn',
          actorId: 'staff-1',
          salonId: 'salon-3',
          source: 'client-request',
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          data: expect.objectContaining({ permission: 'remindersByEmail' }),
        }),
        expect.objectContaining({
          revision: '2',
          type: 'MarketingConsentGranted',
          actorId: 'staff-1',
          source: 'front-desk',
          data: expect.objectContaining({ evidence: expect.objectContaining({ documentRef: 'FORM-2025-000123' }) }),
        }),
      ]);
    });
  });

  describe('the consent topics', () => {
    it('publish every change and the state after it; a tombstone once the client is deleted', async () => {
      const kept = await clients.registered({ email: 'l@example.com' });
      const gone = await clients.registered({ smsCapable: false });
      await opened(kept);
      await opened(gone);
      await set(kept, 'newsletter', { granted: true, source: 'front-desk', evidence });
      await clients.send([clients.deleted(gone)]);
      await eventually(async () => ((await consentOf(gone)).status === 'closed' ? true : undefined), 'the record to close');

      const { table, tombstones, headers } = await rebuildConsentTable(
        kafka,
        prefix,
        (state, closed) => state.get(kept)?.version === 2 && closed.has(gone),
      );
      const state = table.get(kept) as ConsentStateV1;
      expect(state).toMatchObject({
        clientId: kept,
        version: 2,
        smsCapable: true,
        switches: { notifications: true, remindersBySms: true, remindersByEmail: true, newsletter: true, marketingSms: false },
        permissions: {
          marketing: { email: { allowed: true, reason: 'allowed' }, sms: { allowed: false, reason: 'no-written-marketing-consent' } },
          reminders: { sms: { allowed: true, reason: 'allowed' } },
        },
        marketingEvidence: { newsletter: { documentRef: 'FORM-2025-000123', signedAt: '2025-06-15T09:45:00.000Z' }, marketingSms: null },
      });
      expect(JSON.stringify(state)).not.toContain('collectedBy');
      expect(tombstones.has(gone)).toBe(true);
      expect(table.has(gone)).toBe(false);
      expect(headers.get(kept)).toMatchObject({
        [HEADERS.eventType]: 'ConsentState',
        [HEADERS.schemaVersion]: '1',
        [HEADERS.tenantId]: tenant,
        [HEADERS.streamRevision]: '1',
      });

      const events: { type: string; data: Record<string, unknown> }[] = [];
      const consumer = kafka.consumer({ groupId: `${prefix}test.events-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topics: [prefix + TOPICS.consentEvents.name], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== kept) return;
          events.push({ type: String(message.headers?.[HEADERS.eventType]), data: JSON.parse(String(message.value)) });
        },
      });
      await eventually(async () => (events.length >= 2 ? true : undefined), 'the consent events of the client');
      await consumer.disconnect();
      expect(events.map((event) => event.type)).toEqual(['RegistrationConsentApplied', 'MarketingConsentGranted']);
      expect(events[1].data).toMatchObject({ clientId: kept, permission: 'newsletter', actorId: 'staff-1', evidence: { collectedBy: 'staff-1' } });
    });
  });
});
