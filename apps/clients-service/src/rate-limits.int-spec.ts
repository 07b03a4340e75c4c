import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { ServiceTokenIssuer, signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  TEST_JWT_SECRET,
  TEST_SERVICE_TOKEN_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  expectStandardError,
  kafkaBrokers,
  serviceEnvironment,
  uniqueName,
} from '@salon/shared/testing';
import { IDEMPOTENCY_KEYS_COLLECTION } from '@salon/shared/nest';
import { startClientsApp } from './test/clients-test-kit';

const WINDOW_SECONDS = 4;
const PER_USER = 5;
const PER_TENANT = 8;
const EXPENSIVE_PER_USER = 2;

/**
 * Rate limits through the real app against the real MongoDB-wire server, with two replicas of
 * the clients service sharing one database: the counters are the database's, so a user's burst
 * spread over both replicas is limited like one sent to one.
 */
describe('clients service: rate limits per user and per tenant, shared by replicas', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('clients-rate-limits'), {
    KAFKA_TOPIC_PREFIX: prefix,
    RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
    RATE_LIMIT_PER_USER: String(PER_USER),
    RATE_LIMIT_PER_TENANT: String(PER_TENANT),
    RATE_LIMIT_EXPENSIVE_PER_USER: String(EXPENSIVE_PER_USER),
  });
  const kafka = createMessagingClient({ clientId: 'clients-rate-limits-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const replicas: INestApplication[] = [];
  let https: ReturnType<typeof request>[];

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    replicas.push(await startClientsApp(env), await startClientsApp(env));
    https = replicas.map((app) => request(app.getHttpServer()));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((app) => app.close()));
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  const bearer = (tenantId: string, userId: string) =>
    signDevelopmentToken(TEST_JWT_SECRET, { userId, tenantId, roles: ['receptionist'] }).then((token) => `Bearer ${token}`);

  /** A cheap standard read (a client nobody registered: 404), sent to replica `replica`. */
  const readProfile = async (authorization: string, replica = 0) =>
    https[replica].get(`/clients/${randomUUID()}`).set('Authorization', authorization);

  /**
   * Waits until a window has just begun, so that the requests of a test (a few milliseconds) fall
   * into one window whatever the time the test starts at.
   */
  const atStartOfWindow = () =>
    eventually(async () => (Date.now() % (WINDOW_SECONDS * 1000) < 300 ? true : undefined), 'the start of a rate-limit window', {
      timeoutMs: WINDOW_SECONDS * 1000 + 1000,
      intervalMs: 10,
    });

  it('answers a burst beyond the user limit with 429 and Retry-After, counted across both replicas', async () => {
    const tenant = uniqueName('chain');
    const desk = await bearer(tenant, 'desk-1');
    await atStartOfWindow();
    const statuses: number[] = [];
    for (let i = 0; i < PER_USER; i++) statuses.push((await readProfile(desk, i % 2)).status);
    expect(statuses).toEqual(Array(PER_USER).fill(404));

    const refused = await readProfile(desk, PER_USER % 2);
    expectStandardError(refused, 429, 'rate-limited', 'request');
    expect(refused.body).toMatchObject({ scope: 'user', rateLimitClass: 'standard', limit: PER_USER });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(refused.body.retryAfterSeconds).toBe(retryAfter);
    // The other replica refuses too: it reads the same counter.
    expect((await readProfile(desk, (PER_USER + 1) % 2)).status).toBe(429);
  });

  it('leaves another user of the chain and the same user id in another chain unaffected', async () => {
    const tenant = uniqueName('chain');
    const desk = await bearer(tenant, 'desk-1');
    await atStartOfWindow();
    for (let i = 0; i <= PER_USER; i++) await readProfile(desk);
    expect((await readProfile(desk)).status).toBe(429);

    expect((await readProfile(await bearer(tenant, 'desk-2'))).status).toBe(404);
    expect((await readProfile(await bearer(uniqueName('chain'), 'desk-1'))).status).toBe(404);
  });

  it('refuses every user of a chain over the tenant limit, and no other chain', async () => {
    const tenant = uniqueName('chain');
    await atStartOfWindow();
    // PER_TENANT requests from users each under their own limit.
    const users = await Promise.all(Array.from({ length: PER_TENANT }, (_, i) => bearer(tenant, `desk-${i}`)));
    for (const user of users) expect((await readProfile(user)).status).toBe(404);

    const refused = await readProfile(await bearer(tenant, 'desk-new'));
    expectStandardError(refused, 429, 'rate-limited', 'request');
    expect(refused.body).toMatchObject({ scope: 'tenant', limit: PER_TENANT });
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await readProfile(await bearer(uniqueName('chain'), 'desk-new'))).status).toBe(404);
  });

  it('limits searches lower than other routes, on a budget of their own', async () => {
    const tenant = uniqueName('chain');
    const desk = await bearer(tenant, 'desk-1');
    await atStartOfWindow();
    const search = () => https[0].get('/clients').query({ name: 'Anna' }).set('Authorization', desk);
    for (let i = 0; i < EXPENSIVE_PER_USER; i++) expect((await search()).status).toBe(200);
    const refused = await search();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ scope: 'user', rateLimitClass: 'expensive', limit: EXPENSIVE_PER_USER });
    // The standard budget is untouched by the searches.
    expect((await readProfile(desk)).status).toBe(404);
  });

  it('lets the user through again once the window is over', async () => {
    const desk = await bearer(uniqueName('chain'), 'desk-1');
    let refused: request.Response | undefined;
    for (let i = 0; i <= 2 * PER_USER && !refused; i++) {
      const response = await readProfile(desk);
      if (response.status === 429) refused = response;
    }
    expect(refused?.status).toBe(429);
    await eventually(async () => ((await readProfile(desk)).status === 404 ? true : undefined), 'a request after the window', {
      timeoutMs: (WINDOW_SECONDS + 2) * 1000,
      intervalMs: 200,
    });
  });

  it('leaves the Idempotency-Key of a write it refused free (no binding stored)', async () => {
    const tenant = uniqueName('chain');
    const desk = await bearer(tenant, 'desk-1');
    await atStartOfWindow();
    for (let i = 0; i < PER_USER; i++) await readProfile(desk);
    const key = uniqueName('key');
    const refused = await https[0].post('/clients').set('Authorization', desk).set('Idempotency-Key', key).send({ phone: '+48601000071' });
    expect(refused.status).toBe(429);
    const mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();
    try {
      expect(await mongo.collection(IDEMPOTENCY_KEYS_COLLECTION).countDocuments({ tenantId: tenant })).toBe(0);
    } finally {
      await mongo.close();
    }
  });

  it("does not count a service's calls made for a user it already counted (the visits service's admissions)", async () => {
    const tenant = uniqueName('chain');
    const admissions = new ServiceTokenIssuer(TEST_SERVICE_TOKEN_SECRET, 'visits-service');
    const statuses = new Set<number>();
    for (let i = 0; i <= 2 * PER_TENANT; i++) {
      const token = await admissions.issue('clients-service', { tenantId: tenant, userId: 'desk-1' });
      const response = await https[i % 2].put(`/clients/${randomUUID()}/visits/${randomUUID()}`).set('Authorization', `Bearer ${token}`);
      statuses.add(response.status);
    }
    // Never 429: a client nobody registered, every time.
    expect([...statuses]).toEqual([404]);
  });

  it('never limits the health routes and the API documents', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 3 * PER_TENANT; i++) statuses.add((await https[0].get('/health/live')).status);
    for (let i = 0; i < 2 * PER_USER; i++) statuses.add((await https[0].get('/docs/json')).status);
    expect([...statuses]).toEqual([200]);
  });
});
