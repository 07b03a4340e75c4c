import { createHash, randomInt } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client as MinioClient } from 'minio';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { ERASURE_STORES, ErasureCertificate, monthsBefore } from '@salon/clients/domain';
import { RETENTION_CLOCK, RETENTION_JOB_SCHEDULE } from '@salon/clients/feature';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { AuditSeal, CanonicalJsonValue, auditSigningKey, canonicalJson, parseMasterKey, verifyAuditSeal } from '@salon/shared/crypto';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { WorkerHost, configureHttpApp, loadConfig } from '@salon/shared/nest';
import { ObjectStore } from '@salon/shared/object-store';
import {
  RunningService,
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  freePort,
  kafkaBrokers,
  minio,
  serviceEnvironment,
  startServiceProcess,
  uniqueName,
} from '@salon/shared/testing';
import { AppModule } from './app.module';
import { ClientsServiceConfig } from './config';

/** A 16 × 16 JPEG: the photo the front desk uploads. */
const SMALL_JPEG = Buffer.from(
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAH/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAwb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCgBQD/2Q==',
  'base64',
);

type SignedCertificate = AuditSeal & { readonly certificate: ErasureCertificate };

/**
 * The erasure certificate (issue 15 §2) on the real stack: this clients service in the test's
 * process, the media and consent services each their own process, sharing one event store file,
 * database, topic prefix and MinIO. A client with a photo and every personal field is erased by a
 * manager; the certificate turns complete once every store confirmed (waited for, never slept),
 * verifies with the audit key, and names nothing of the person. A client erased by the retention
 * policy (another chain, the job's clock years ahead) gets the same certificate, saying so.
 */
describe('GET /clients/{id}/erasure: the erasure certificate', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const endpoint = `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`;
  const storage = {
    MINIO_ENDPOINT: endpoint,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    MEDIA_BUCKET: uniqueName('certificate-media'),
    MEDIA_BUCKET_VERSIONING: 'true',
    DATA_EXPORT_BUCKET: uniqueName('certificate-packages'),
    DATA_EXPORT_BUCKET_VERSIONING: 'true',
  };
  const env = serviceEnvironment(uniqueName('erasure-certificate'), { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL', ...storage });
  const kafka = createMessagingClient({ clientId: 'erasure-certificate-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const retentionTenant = uniqueName('retention-chain');
  // The retention job's "now": six years on (registrations happen at the real now).
  const jobNow = monthsBefore(new Date(), -72);
  // What an auditor is given: the audit key derived from the service's MASTER_KEY, never the master key.
  const auditKey = auditSigningKey(parseMasterKey(env.MASTER_KEY));

  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let others: { media: RunningService; consent: RunningService };

  const as = async (roles: Role[] = ['owner'], userId = 'owner-1', tenantId = tenant) =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { tenantId, roles, userId })}`;

  // Values no other test has.
  const unique = String(randomInt(10 ** 6, 10 ** 7));
  const phoneDigits = `6${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`;
  const person = {
    phone: `+48${phoneDigits}`,
    firstName: `Bronisława${unique}`,
    lastName: `Wiśniewska${unique}`,
    patronymic: `Петровна${unique}`,
    email: `bronka.${unique}@example.test`,
    birthDate: '1984-03-21',
    comment: `Sensitive to lavender ${unique}`,
  };
  const personalValues = [person.phone, phoneDigits, person.firstName, person.lastName, person.patronymic, person.email, person.birthDate, person.comment, unique];

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    const [clientsPort, mediaPort, consentPort] = [await freePort(), await freePort(), await freePort()];
    const urls = {
      CLIENTS_SERVICE_URL: `http://127.0.0.1:${clientsPort}`,
      MEDIA_SERVICE_URL: `http://127.0.0.1:${mediaPort}`,
      CONSENT_SERVICE_URL: `http://127.0.0.1:${consentPort}`,
    };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(loadConfig(ClientsServiceConfig, { ...env, ...urls }))] })
      .overrideProvider(RETENTION_CLOCK)
      .useValue({ now: () => jobNow })
      // The test starts the run itself; the job's timer never fires during the test.
      .overrideProvider(RETENTION_JOB_SCHEDULE)
      .useValue({ firstCheckAfterMs: 3_600_000, checkEveryMs: 3_600_000 })
      .compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttpApp(app, { name: 'clients-service', description: 'test' });
    await app.listen(clientsPort, '127.0.0.1');
    await app.get(WorkerHost).whenStarted();
    http = request(app.getHttpServer());
    const [media, consent] = await Promise.all([
      startServiceProcess('media-service', { ...env, ...urls }, { port: mediaPort }),
      startServiceProcess('consent-service', { ...env, ...urls }, { port: consentPort }),
    ]);
    others = { media, consent };
  }, 120_000);

  afterAll(async () => {
    await Promise.all([others?.media.stop(), others?.consent.stop()]);
    await app?.close();
    await Promise.all([removeBucket(storage.MEDIA_BUCKET), removeBucket(storage.DATA_EXPORT_BUCKET)]);
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  const certificateOf = async (clientId: string, token?: string) => http.get(`/clients/${clientId}/erasure`).set('Authorization', token ?? (await as()));
  const completeCertificate = (clientId: string, token?: string) =>
    eventually(
      async () => {
        const response = await certificateOf(clientId, token);
        expect(response.status).toBe(200);
        const body = response.body as SignedCertificate;
        if (body.certificate.status === 'complete') return body;
        // Said on a timeout: which stores are still pending.
        throw new Error(`pending: ${body.certificate.stores.filter((store) => store.status === 'pending').map((store) => `${store.store} ${JSON.stringify(store.evidence)}`).join('; ')}`);
      },
      'the erasure certificate to be complete',
      { timeoutMs: 90_000, intervalMs: 250 },
    );

  it('certifies a manager’s erasure in every store, signed, with nothing of the person in it', async () => {
    const registered = await http.post('/clients').set('Authorization', await as()).send(person);
    expect(registered.status).toBe(201);
    const clientId = registered.body.clientId as string;
    const uploaded = await fetch(`${others.media.url}/clients/${clientId}/photo`, { method: 'PUT', headers: { authorization: await as(), 'content-type': 'image/jpeg' }, body: SMALL_JPEG });
    expect(uploaded.status).toBe(200);
    await eventually(async () => ((await http.get(`/clients/${clientId}`).set('Authorization', await as())).body.photoRef ? true : undefined), 'the photo on the card', { timeoutMs: 60_000 });

    // An active client has no certificate: 409, naming nothing of them.
    const active = await certificateOf(clientId);
    expect(active.status).toBe(409);
    expect(active.body).toMatchObject({ statusCode: 409, error: 'client-not-erased' });
    expectNoPersonalValue(active.body);

    const erased = await http.post(`/clients/${clientId}/erasure`).set('Authorization', await as(['manager'], 'manager-7')).set('X-Salon-Id', 'salon-centre');
    expect(erased.status).toBe(200);
    const archivedNumber = erased.body.archivedNumber as number;

    const signed = await completeCertificate(clientId);
    const { certificate } = signed;
    expect(certificate).toMatchObject({
      kind: 'salon.erasure-certificate',
      schemaVersion: 1,
      tenantId: tenant,
      clientId,
      archivedNumber,
      archivedAs: `Archived client ${archivedNumber}`,
      erasure: { by: { kind: 'staff', userId: 'manager-7', role: 'manager', salonId: 'salon-centre' } },
      kept: { visits: 0 },
      status: 'complete',
    });
    expect(certificate.stores.map((store) => [store.store, store.status])).toEqual(ERASURE_STORES.map((store) => [store, 'confirmed']));
    const byStore = Object.fromEntries(certificate.stores.map((store) => [store.store, store]));
    expect(byStore['event-store'].evidence).toMatchObject({ dataKey: 'destroyed' });
    expect(byStore['client-read-model'].evidence).toMatchObject({ activeCard: 'anonymised', personalFieldsLeft: 0, supersededCardsLeft: 0 });
    expect(byStore['media'].evidence).toMatchObject({ confirmedBy: 'ClientPhotosErased' });
    expect(byStore['consent'].evidence).toMatchObject({ confirmedBy: 'ConsentClosed' });
    // Each confirmation comes at or after the erasure, and the certificate is complete at the last one.
    const confirmedAt = certificate.stores.map((store) => Date.parse(store.confirmedAt as string));
    expect(Math.min(...confirmedAt)).toBeGreaterThanOrEqual(Date.parse(certificate.erasure.erasedAt));
    expect(Date.parse(certificate.completedAt as string)).toBe(Math.max(...confirmedAt));
    // The photo objects are really gone, every version (what media confirmed).
    expect(await new ObjectStore({ endpoint, accessKey: server.accessKey, secretKey: server.secretKey, bucket: storage.MEDIA_BUCKET, versioning: true }).versionsUnder(`tenant/${tenant}/client/${clientId}/`)).toEqual([]);

    // What an auditor does with a copy: recompute the digest and the HMAC from the certificate alone.
    const bytes = Buffer.from(canonicalJson(certificate as unknown as CanonicalJsonValue), 'utf8');
    expect(signed.digest).toEqual({ algorithm: 'SHA-256', value: createHash('sha256').update(bytes).digest('hex') });
    expect(verifyAuditSeal(certificate as unknown as CanonicalJsonValue, signed, auditKey)).toBe(true);
    const forged = { ...certificate, archivedNumber: archivedNumber + 1 };
    expect(verifyAuditSeal(forged as unknown as CanonicalJsonValue, signed, auditKey)).toBe(false);
    // Complete, it reads the same every time: the same bytes, the same digest.
    expect((await certificateOf(clientId)).body).toEqual(signed);
    expectNoPersonalValue(signed);

    // Another chain's token, an unknown id: 404 alike; not an id: 400 naming the field; a receptionist: 403.
    const elsewhere = await certificateOf(clientId, await as(['owner'], 'owner-9', uniqueName('other-chain')));
    expect([elsewhere.status, elsewhere.body.error]).toEqual([404, 'client-not-found']);
    const unknown = await certificateOf('0b7e3c1e-7a54-4f7e-9a0e-5d8f2b0c9d11');
    expect([unknown.status, unknown.body.error]).toEqual([404, 'client-not-found']);
    const notAnId = await certificateOf('not-a-client-id');
    expect(notAnId.status).toBe(400);
    expect(notAnId.body.errors).toEqual([{ field: 'clientId', reason: 'must be a UUID' }]);
    expect((await certificateOf(clientId, await as(['receptionist'], 'desk-1'))).status).toBe(403);
  }, 180_000);

  it('gives an erasure by the retention policy the same certificate, saying it was the retention policy and which run', async () => {
    const owner = await as(['owner'], 'owner-r', retentionTenant);
    const registered = await http.post('/clients').set('Authorization', owner).send({ phone: `+48 5${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`, firstName: `Zdzisław${unique}` });
    expect([registered.status, registered.body.errors]).toEqual([201, undefined]);
    const clientId = registered.body.clientId as string;
    // The job chooses from the card: wait for it.
    await eventually(async () => ((await http.get(`/clients/${clientId}`).set('Authorization', owner)).body.registeredAt ? true : undefined), 'the card', { timeoutMs: 60_000 });

    expect((await http.put('/retention-policy').set('Authorization', owner).send({ eraseClientsAfterYearsWithoutVisit: 5, dropPhotosAfterMonthsWithoutVisit: null, dropCommentsAfterYearsWithoutVisit: null })).status).toBe(200);
    const run = await http.post('/retention-policy/runs').set('Authorization', owner);
    expect(run.status).toBeLessThan(300);
    const runId = run.body.runId as string;
    await eventually(
      async () => ((await http.get(`/retention-policy/runs/${runId}`).set('Authorization', owner)).body.status === 'finished' ? true : undefined),
      'the retention run to finish',
      { timeoutMs: 60_000 },
    );

    const { certificate } = await completeCertificate(clientId, owner);
    expect(certificate.erasure.by).toEqual({ kind: 'retention-policy', actorId: 'retention-job', runId });
    expect(certificate).toMatchObject({ tenantId: retentionTenant, clientId, status: 'complete', archivedAs: `Archived client ${certificate.archivedNumber}` });
    expect(certificate.stores.every((store) => store.status === 'confirmed')).toBe(true);
    expect(JSON.stringify(certificate)).not.toContain(unique);
  }, 180_000);

  function expectNoPersonalValue(body: unknown): void {
    const text = JSON.stringify(body);
    for (const value of personalValues) expect(text).not.toContain(value);
  }

  async function removeBucket(bucket: string): Promise<void> {
    const client = new MinioClient(server);
    if (!(await client.bucketExists(bucket))) return;
    await new ObjectStore({ endpoint, accessKey: server.accessKey, secretKey: server.secretKey, bucket, versioning: true }).removeEverythingUnder('');
    await client.removeBucket(bucket);
  }
});

