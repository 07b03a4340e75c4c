import { randomUUID } from 'node:crypto';
import { Client as MinioClient } from 'minio';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ALL_TOPICS, HEADERS, TOPICS, VisitEventV1, VisitStatusV1 } from '@salon/contracts';
import { monthsBefore } from '@salon/clients/domain';
import { ApplyRetentionPolicy, RETENTION_CLOCK, RETENTION_JOB_ACTOR, RETENTION_JOB_SCHEDULE, RetentionDailyJob } from '@salon/clients/feature';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { WorkerHost, configureHttpApp, loadConfig } from '@salon/shared/nest';
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

const DAY = 86_400_000;

/** A 16 × 16 JPEG: the photo the front desk uploads. */
const SMALL_JPEG = Buffer.from(
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAH/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAwb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCgBQD/2Q==',
  'base64',
);


/** What the test reads of the card. */
interface RetentionCard {
  readonly status: string;
  readonly registeredAt: string | null;
  readonly legalHold: boolean;
  readonly photoRef: string | null;
  readonly comment: string | null;
  readonly visitStatistics: { readonly visitCount: number; readonly countsByStatus: Record<string, number> };
}

/**
 * The retention policy on the real stack (event store, Kafka, the card read model in the
 * Mongo-compatible server): generated clients, visits published on the visit topic as the visits
 * context publishes them, and the job's clock moved years ahead (never a literal date: every
 * date is computed from the real clock or the job's).
 */
describe('retention policy, dry run and runs', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const bucket = uniqueName('retention-media');
  const storage = {
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    MEDIA_BUCKET: bucket,
    MEDIA_BUCKET_VERSIONING: 'true',
  };
  const objectStore = new MinioClient(server);
  let env: Record<string, string>;
  // The real media service, its own process, sharing the event store file, database, keys and topics.
  let mediaService: RunningService;
  const kafka = createMessagingClient({ clientId: 'clients-retention-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const realNow = new Date();
  // The job's "now": six years on. Registrations happen at the real now, so six years before it.
  let jobNow = new Date(monthsBefore(realNow, -72).getTime());
  const yearsBeforeJob = (years: number) => monthsBefore(jobNow, Math.round(years * 12));
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const producer = kafka.producer();

  const as = async (roles: Role[] = ['owner'], tenantId = tenant) =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'owner-1', tenantId, roles })}`;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    // The two services call each other (media sets and removes the card's photo reference; the
    // retention job removes photos through media): both ports are chosen before either starts.
    const [clientsPort, mediaPort] = [await freePort(), await freePort()];
    env = serviceEnvironment(uniqueName('clients-retention'), {
      KAFKA_TOPIC_PREFIX: prefix,
      DEFAULT_PHONE_COUNTRY: 'PL',
      MEDIA_SERVICE_URL: `http://127.0.0.1:${mediaPort}`,
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(loadConfig(ClientsServiceConfig, env))] })
      .overrideProvider(RETENTION_CLOCK)
      .useValue({ now: () => jobNow })
      // The test calls the job's check itself; its timer never fires during the test.
      .overrideProvider(RETENTION_JOB_SCHEDULE)
      .useValue({ firstCheckAfterMs: 3_600_000, checkEveryMs: 3_600_000 })
      .compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttpApp(app, { name: 'clients-service', description: 'test' });
    await app.listen(clientsPort, '127.0.0.1');
    await app.get(WorkerHost).whenStarted();
    http = request(app.getHttpServer());
    await producer.connect();
    mediaService = await startServiceProcess('media-service', { ...env, ...storage, CLIENTS_SERVICE_URL: `http://127.0.0.1:${clientsPort}` }, { port: mediaPort });
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await mediaService?.stop();
    await app?.close();
    if (await objectStore.bucketExists(bucket)) {
      const versions: { name: string; versionId?: string }[] = [];
      for await (const item of objectStore.listObjects(bucket, '', true, { IncludeVersion: true }) as AsyncIterable<{ name?: string; versionId?: string }>) {
        if (item.name) versions.push({ name: item.name, ...(item.versionId ? { versionId: item.versionId } : {}) });
      }
      if (versions.length > 0) await objectStore.removeObjects(bucket, versions);
      await objectStore.removeBucket(bucket);
    }
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  let phoneSeed = Math.floor(Math.random() * 1e7);
  async function register(form: Record<string, unknown> = {}): Promise<string> {
    phoneSeed += 1;
    const response = await http
      .post('/clients')
      .set('Authorization', await as(['receptionist']))
      .send({ phone: `+48 6${String(phoneSeed).padStart(8, '0')}`, firstName: 'Generated', lastName: `Client${phoneSeed}`, allowSharedPhone: true, ...form });
    expect(response.status).toBe(201);
    return response.body.clientId as string;
  }

  let visitNumber = 0;
  /** A visit of the client as the visits context publishes it: booked, then moved to `status`. */
  async function visit(clientId: string, startsAt: Date, status: VisitStatusV1): Promise<void> {
    visitNumber += 1;
    const visitId = randomUUID();
    const statuses: VisitStatusV1[] = status === 'completed' ? ['booked', 'arrived', 'completed'] : ['booked'];
    const types: Record<string, VisitEventV1['type']> = { booked: 'VisitBooked', arrived: 'VisitArrived', completed: 'VisitCompleted' };
    const messages = statuses.map((current, revision) => {
      const at = new Date().toISOString();
      const event: VisitEventV1 = {
        type: types[current],
        visitId,
        clientId,
        occurredAt: at,
        visit: {
          visitId, clientId, number: visitNumber, salonId: 'salon-1',
          startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(), salonDate: startsAt.toISOString().slice(0, 10),
          status: current,
          services: [{ serviceId: 's1', name: 'Haircut', price: 40, durationMinutes: 60, specialistId: 'p1', specialistName: 'Anna' }],
          specialists: [{ specialistId: 'p1', specialistName: 'Anna' }],
          amounts: { price: 40, discount: 0, total: 40, paid: 0 },
          bookedAt: at,
          updatedAt: at,
        },
      };
      return {
        key: clientId,
        value: JSON.stringify(event),
        headers: {
          [HEADERS.eventId]: randomUUID(), [HEADERS.eventType]: event.type, [HEADERS.schemaVersion]: '1', [HEADERS.tenantId]: tenant,
          [HEADERS.correlationId]: randomUUID(), [HEADERS.causationId]: randomUUID(), [HEADERS.streamRevision]: String(revision),
        },
      };
    });
    await producer.send({ topic: prefix + TOPICS.visitEvents.name, messages });
  }

  const card = async (clientId: string) => (await http.get(`/clients/${clientId}`).set('Authorization', await as())).body;
  const cardWhen = (clientId: string, description: string, ready: (body: RetentionCard) => boolean) =>
    eventually(async () => {
      const body = await card(clientId);
      return ready(body) ? body : undefined;
    }, description, { timeoutMs: 120_000 });

  /** Uploaded at the media service as the front desk does: stored in MinIO, the reference set on the card. */
  async function setPhoto(clientId: string): Promise<void> {
    const response = await fetch(`${mediaService.url}/clients/${clientId}/photo`, {
      method: 'PUT',
      headers: { authorization: await as(['receptionist']), 'content-type': 'image/jpeg' },
      body: SMALL_JPEG,
    });
    expect(response.status).toBe(200);
  }

  /** Every object version the media service keeps for the client (its key layout: tenant/<t>/client/<c>/). */
  async function storedObjects(clientId: string): Promise<string[]> {
    const names: string[] = [];
    const listing = objectStore.listObjects(bucket, `tenant/${tenant}/client/${clientId}/`, true, { IncludeVersion: true }) as AsyncIterable<{ name?: string }>;
    for await (const item of listing) if (item.name) names.push(item.name);
    return names;
  }

  async function clientEvents(clientId: string) {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return await store.readStream(`client-${clientId}`);
    } finally {
      await store.close();
    }
  }

  it('applies exactly what the policy says, spares the held client, and does nothing twice', async () => {
    // Policy: erase after 5 years without a visit, photos after 12 months, comments after 2 years.
    const clients = {
      neverVisited: await register(),
      oldVisit: await register({ comment: 'Allergic to ammonia dyes' }),
      recentVisit: await register({ comment: 'Prefers the window seat' }),
      commentStale: await register({ comment: 'Likes short cuts' }),
      photoStale: await register(),
      photoRecent: await register(),
      bookedVisit: await register(),
      held: await register({ comment: 'Disputed invoice' }),
    };
    await visit(clients.oldVisit, new Date(realNow.getTime() - 30 * DAY), 'completed');
    await visit(clients.recentVisit, yearsBeforeJob(0.5), 'completed');
    await visit(clients.commentStale, yearsBeforeJob(3), 'completed');
    await visit(clients.photoStale, yearsBeforeJob(1.5), 'completed');
    await visit(clients.photoRecent, yearsBeforeJob(0.5), 'completed');
    await visit(clients.bookedVisit, new Date(jobNow.getTime() + 7 * DAY), 'booked');
    await setPhoto(clients.photoStale);
    await setPhoto(clients.photoRecent);

    const held = await http.put(`/clients/${clients.held}/legal-hold`).set('Authorization', await as(['manager'])).send({ reason: 'litigation', reference: 'CASE-0173' });
    expect(held.status).toBe(200);
    for (const [name, id] of Object.entries(clients)) {
      await cardWhen(id, `the card of ${name}`, (body) =>
        body.registeredAt !== null &&
        (id !== clients.held || body.legalHold === true) &&
        (![clients.photoStale, clients.photoRecent].includes(id) || body.photoRef !== null) &&
        (![clients.oldVisit, clients.recentVisit, clients.commentStale, clients.photoStale, clients.photoRecent].includes(id) || body.visitStatistics.visitCount === 1) &&
        (id !== clients.bookedVisit || body.visitStatistics.countsByStatus.booked === 1),
      );
    }
    expect((await card(clients.held)).legalHold).toBe(true);
    expect((await card(clients.neverVisited)).legalHold).toBe(false);

    // Off by default: nothing to do.
    const off = await http.get('/retention-policy').set('Authorization', await as());
    expect(off.body).toEqual({ eraseClientsAfterYearsWithoutVisit: null, dropPhotosAfterMonthsWithoutVisit: null, dropCommentsAfterYearsWithoutVisit: null, revision: '-1' });
    expect((await http.post('/retention-policy/dry-run').set('Authorization', await as())).body.counts).toEqual({ erase: 0, photo: 0, comment: 0 });

    const policy = { eraseClientsAfterYearsWithoutVisit: 5, dropPhotosAfterMonthsWithoutVisit: 12, dropCommentsAfterYearsWithoutVisit: 2 };
    const saved = await http.put('/retention-policy').set('Authorization', await as()).send(policy);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ ...policy, revision: '0' });

    const sorted = (ids: string[]) => [...ids].sort();
    const expected = {
      erase: sorted([clients.neverVisited, clients.oldVisit]),
      photo: [clients.photoStale],
      comment: [clients.commentStale],
    };
    const dryRun = await http.post('/retention-policy/dry-run').set('Authorization', await as());
    expect(dryRun.status).toBe(200);
    expect({ ...dryRun.body.clientIds, erase: sorted(dryRun.body.clientIds.erase) }).toEqual(expected);
    expect(dryRun.body).toMatchObject({ asOf: jobNow.toISOString(), policy, counts: { erase: 2, photo: 1, comment: 1 } });
    // A dry run changes nothing.
    expect((await card(clients.oldVisit)).status).toBe('active');

    const run = await http.post('/retention-policy/runs').set('Authorization', await as());
    expect(run.status).toBe(201);
    const report = await http.get(`/retention-policy/runs/${run.body.runId}`).set('Authorization', await as());
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ runId: run.body.runId, trigger: 'on-demand', status: 'finished', asOf: jobNow.toISOString(), counts: { erase: 2, photo: 1, comment: 1 } });
    expect({ ...report.body.clientIds, erase: sorted(report.body.clientIds.erase) }).toEqual(expected);
    expect(report.body.skipped).toEqual({ erase: [], photo: [], comment: [] });
    expect(Date.parse(report.body.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.body.startedAt));

    // Erased as a person's request erases: "Archived client N", the job as the actor.
    for (const id of expected.erase) {
      const erased = await cardWhen(id, 'the erased card', (body) => body.status === 'erased');
      expect(erased.displayName).toMatch(/^Archived client \d+$/);
      expect(erased.names).toEqual({ firstName: null, lastName: null, patronymic: null });
      expect(erased.comment).toBeNull();
      const erasure = (await clientEvents(id)).find((event) => event.type === 'ClientErased');
      expect(erasure?.metadata.actorId).toBe(RETENTION_JOB_ACTOR);
    }
    const dropped = await cardWhen(clients.commentStale, 'the comment gone', (body) => body.comment === null);
    expect(dropped).toMatchObject({ status: 'active', names: { firstName: 'Generated' } });
    const lastEdit = (await clientEvents(clients.commentStale)).at(-1);
    expect(lastEdit).toMatchObject({ type: 'ClientProfileEdited', metadata: { actorId: RETENTION_JOB_ACTOR } });

    // The stale photo is gone from MinIO (every version) and from the card; the recent one stays.
    expect(await storedObjects(clients.photoStale)).toEqual([]);
    await cardWhen(clients.photoStale, 'the photo gone from the card', (body) => body.photoRef === null);
    expect((await storedObjects(clients.photoRecent)).length).toBeGreaterThan(0);
    expect((await card(clients.photoRecent)).photoRef).not.toBeNull();

    // Nothing else changed.
    for (const id of [clients.recentVisit, clients.held]) expect((await card(id)).comment).not.toBeNull();
    for (const id of [clients.recentVisit, clients.photoStale, clients.photoRecent, clients.bookedVisit, clients.held]) {
      expect((await card(id)).status).toBe('active');
    }
    expect((await card(clients.held)).names.firstName).toBe('Generated');

    // The held client cannot be erased by a request either (Art. 17(3)(e)); lifted, it can.
    const refused = await http.post(`/clients/${clients.held}/erasure`).set('Authorization', await as(['manager']));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'client-on-legal-hold', legalHoldReason: 'litigation' });
    expect(JSON.stringify(refused.body)).not.toContain('CASE-0173');
    const refusedDeletion = await http.delete(`/clients/${clients.held}`).set('Authorization', await as(['manager']));
    expect(refusedDeletion.status).toBe(409);
    expect(refusedDeletion.body).toMatchObject({ error: 'client-on-legal-hold' });

    // A second run the same day finds nothing left; the day's run is started once, however often the job looks.
    const again = await http.post('/retention-policy/runs').set('Authorization', await as());
    const second = await http.get(`/retention-policy/runs/${again.body.runId}`).set('Authorization', await as());
    expect(second.body.counts).toEqual({ erase: 0, photo: 0, comment: 0 });
    const job = app.get(RetentionDailyJob);
    const apply = app.get(ApplyRetentionPolicy);
    await job.check();
    const daily = await apply.runOfTheDay(tenant);
    expect(daily.started).toBe(false);
    const dailyReport = await http.get(`/retention-policy/runs/${daily.runId}`).set('Authorization', await as());
    expect(dailyReport.body).toMatchObject({ trigger: 'daily', status: 'finished', day: jobNow.toISOString().slice(0, 10), counts: { erase: 0, comment: 0 } });
    // The next day is another run, started once even by two instances at the same moment.
    jobNow = new Date(jobNow.getTime() + DAY);
    const [one, other] = await Promise.all([apply.runOfTheDay(tenant), apply.runOfTheDay(tenant)]);
    expect([one.started, other.started].sort()).toEqual([false, true]);
    expect(one.runId).toBe(other.runId);
    expect(one.runId).not.toBe(daily.runId);
    const nextDay = await http.get(`/retention-policy/runs/${one.runId}`).set('Authorization', await as());
    expect(nextDay.body).toMatchObject({ trigger: 'daily', status: 'finished', day: jobNow.toISOString().slice(0, 10) });
    for (const id of [clients.held, clients.recentVisit]) expect((await card(id)).status).toBe('active');

    const lifted = await http.delete(`/clients/${clients.held}/legal-hold`).set('Authorization', await as(['manager']));
    expect(lifted.status).toBe(200);
    await cardWhen(clients.held, 'the hold lifted on the card', (body) => body.legalHold === false);
  }, 420_000);

  it('refuses a bad policy with the field and the reason, and lets only the owner in', async () => {
    const bad = await http.put('/retention-policy').set('Authorization', await as()).send({ eraseClientsAfterYearsWithoutVisit: 0, dropPhotosAfterMonthsWithoutVisit: 2.5 });
    expect(bad.status).toBe(400);
    const fields = (bad.body.errors as { field: string; reason: string }[]).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['eraseClientsAfterYearsWithoutVisit', 'dropPhotosAfterMonthsWithoutVisit']));
    for (const error of bad.body.errors) expect(error.reason).toEqual(expect.any(String));
    expect((await http.get('/retention-policy').set('Authorization', await as(['manager']))).status).toBe(403);
    expect((await http.post('/retention-policy/dry-run').set('Authorization', await as(['manager']))).status).toBe(403);
    const unknownRun = await http.get(`/retention-policy/runs/${randomUUID()}`).set('Authorization', await as());
    expect(unknownRun.status).toBe(404);
    const badHold = await http.put(`/clients/${randomUUID()}/legal-hold`).set('Authorization', await as(['manager'])).send({ reason: 'because' });
    expect(badHold.status).toBe(400);
    expect(badHold.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
  });
});
