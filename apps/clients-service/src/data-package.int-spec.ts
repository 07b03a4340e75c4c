import { createHash, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import sharp from 'sharp';
import request from 'supertest';
import yauzl from 'yauzl';
import { ALL_TOPICS } from '@salon/contracts';
import { dataExportPrefix, toClientStreamName, toDataExportStreamName } from '@salon/clients/domain';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
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
  salonLocalTime,
  serviceEnvironment,
  startServiceProcess,
  uniqueName,
} from '@salon/shared/testing';
import { AppModule } from './app.module';
import { ClientsServiceConfig } from './config';

/**
 * The client's data package end to end, against the real stack: this clients service (in the
 * test's process) and the visits, consent and media services (each its own process) sharing one
 * event store file, database, topic prefix and MinIO. A client with a photo, three visits, a
 * consent ledger with evidence and two profile edits, beside another client of the same chain:
 * the package is requested, downloaded through its presigned link, unzipped and checked file by
 * file against its manifest, the API and the stored objects; then the client is erased.
 */
describe('the client data package (GDPR Art. 15/20)', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const endpoint = `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`;
  const storage = {
    MINIO_ENDPOINT: endpoint,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    MEDIA_BUCKET: uniqueName('package-media'),
    MEDIA_BUCKET_VERSIONING: 'true',
    DATA_EXPORT_BUCKET: uniqueName('package-test'),
    DATA_EXPORT_BUCKET_VERSIONING: 'true',
  };
  const env = serviceEnvironment(uniqueName('data-package'), { KAFKA_TOPIC_PREFIX: prefix, DEFAULT_PHONE_COUNTRY: 'PL', ...storage });
  const kafka = createMessagingClient({ clientId: 'data-package-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const packages = new ObjectStore({ endpoint, accessKey: server.accessKey, secretKey: server.secretKey, bucket: storage.DATA_EXPORT_BUCKET, versioning: true });
  const photoBucket = new ObjectStore({ endpoint, accessKey: server.accessKey, secretKey: server.secretKey, bucket: storage.MEDIA_BUCKET, versioning: true });

  let clientsApp: INestApplication;
  let clients: ReturnType<typeof request>;
  let others: { visits: RunningService; consent: RunningService; media: RunningService };

  const as = (roles: Role[] = ['owner'], userId = 'owner-1') =>
    signDevelopmentToken(TEST_JWT_SECRET, { tenantId: tenant, roles, userId }).then((token) => `Bearer ${token}`);

  async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: await as(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const ada = {
    phone: '+48 605 771 201',
    firstName: 'Adelajda',
    lastName: 'Wierzbicka',
    email: 'adelajda.wierzbicka@example.test',
    comment: 'Prefers <b>quiet</b> & "early" slots',
  };
  const bolek = { phone: '+48 605 771 299', firstName: 'Bolesław', lastName: 'Zawadzki-Obcy', email: 'bolek.obcy@example.test', comment: 'Other client only' };

  let adaId: string;
  let bolekId: string;
  let bolekVisitId: string;
  const adaVisitIds: string[] = [];

  const haircut = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };
  const booking = (clientId: string, days: number) => ({
    clientId,
    salonId: 'salon-centre',
    startsAt: salonLocalTime(days, '10:00').local,
    endsAt: salonLocalTime(days, '11:00').local,
    services: [haircut],
  });

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    const [clientsPort, visitsPort, consentPort, mediaPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const urls = {
      CLIENTS_SERVICE_URL: `http://127.0.0.1:${clientsPort}`,
      VISITS_SERVICE_URL: `http://127.0.0.1:${visitsPort}`,
      CONSENT_SERVICE_URL: `http://127.0.0.1:${consentPort}`,
      MEDIA_SERVICE_URL: `http://127.0.0.1:${mediaPort}`,
    };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(loadConfig(ClientsServiceConfig, { ...env, ...urls }))] }).compile();
    clientsApp = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttpApp(clientsApp, { name: 'clients-service', description: 'test' });
    await clientsApp.listen(clientsPort, '127.0.0.1');
    await clientsApp.get(WorkerHost).whenStarted();
    clients = request(clientsApp.getHttpServer());
    const [visits, consent, media] = await Promise.all([
      startServiceProcess('visits-service', { ...env, ...urls }, { port: visitsPort }),
      startServiceProcess('consent-service', { ...env, ...urls }, { port: consentPort }),
      startServiceProcess('media-service', { ...env, ...urls }, { port: mediaPort }),
    ]);
    others = { visits, consent, media };

    // Ada: registered, edited twice, three visits (one completed), a consent ledger with evidence, a photo.
    const registered = await clients.post('/clients').set('Authorization', await as()).send(ada).expect(201);
    adaId = registered.body.clientId;
    await clients.put(`/clients/${adaId}`).set('Authorization', await as()).set('If-Match', '"0"').send({ ...ada, patronymic: 'Janowna' }).expect(200);
    await clients.put(`/clients/${adaId}`).set('Authorization', await as()).set('If-Match', '"1"').send({ ...ada, patronymic: 'Janowna', birthDate: '1990-04-02' }).expect(200);
    for (const days of [3, 5, 7]) {
      const booked = await call(visits.url, 'POST', '/visits', booking(adaId, days));
      expect(booked.status).toBe(201);
      adaVisitIds.push(booked.body.visitId as string);
    }
    expect((await call(visits.url, 'POST', `/visits/${adaVisitIds[0]}/arrive`, {})).status).toBe(200);
    expect((await call(visits.url, 'POST', `/visits/${adaVisitIds[0]}/complete`, {})).status).toBe(200);
    await eventually(async () => ((await call(consent.url, 'GET', `/clients/${adaId}/consent`)).body.status === 'open' ? true : undefined), "Ada's consent record");
    const signedAt = new Date(Date.now() - 3_600_000).toISOString();
    const evidence = { documentRef: 'form-2026-0042', signedAt, collectedBy: 'desk-1', salonId: 'salon-centre' };
    expect((await call(consent.url, 'PUT', `/clients/${adaId}/consent/newsletter`, { granted: true, source: 'front-desk', evidence }, { 'x-salon-id': 'salon-centre' })).status).toBe(200);
    expect((await call(consent.url, 'PUT', `/clients/${adaId}/consent/remindersBySms`, { granted: false, source: 'client-request' }, { 'x-salon-id': 'salon-centre' })).status).toBe(200);
    const image = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
    const uploaded = await fetch(`${media.url}/clients/${adaId}/photo`, { method: 'PUT', headers: { authorization: await as(), 'content-type': 'image/png' }, body: image });
    expect(uploaded.status).toBe(200);

    // Bolek: the other client of the chain, with a visit and a consent record of his own.
    const other = await clients.post('/clients').set('Authorization', await as()).send(bolek).expect(201);
    bolekId = other.body.clientId;
    const bolekVisit = await call(visits.url, 'POST', '/visits', booking(bolekId, 4));
    expect(bolekVisit.status).toBe(201);
    bolekVisitId = bolekVisit.body.visitId as string;

    // The card shows all of it once the projections have caught up.
    await eventually(async () => {
      const card = (await clients.get(`/clients/${adaId}`).set('Authorization', await as())).body;
      const statistics = card.visitStatistics as { countsByStatus?: Record<string, number> } | undefined;
      return card.photoRef && statistics?.countsByStatus?.completed === 1 && statistics.countsByStatus.booked === 2 ? true : undefined;
    }, "Ada's card with her visits and photo", { timeoutMs: 60_000 });
    await eventually(async () => (((await call(visits.url, 'GET', `/clients/${adaId}/visits`)).body.items as unknown[]).length === 3 ? true : undefined), "Ada's visit list");
  }, 240_000);

  afterAll(async () => {
    // The clients service first: its workers call the others.
    await clientsApp?.close();
    await Promise.all([others?.visits.stop(), others?.consent.stop(), others?.media.stop()]);
    for (const store of [packages, photoBucket]) {
      await store.removeEverythingUnder('').catch(() => undefined);
    }
    await removeBuckets([storage.DATA_EXPORT_BUCKET, storage.MEDIA_BUCKET]);
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  async function readyPackage(requestId: string) {
    return eventually(
      async () => {
        const response = await clients.get(`/clients/${adaId}/data-export/${requestId}`).set('Authorization', await as());
        expect(response.status).toBe(200);
        return response.body.status === 'ready' ? response.body : undefined;
      },
      'the data package to be ready',
      { timeoutMs: 90_000, intervalMs: 500 },
    );
  }

  let requestId: string;
  let secondRequestId: string;
  let files: Map<string, Buffer>;
  let zipBytes: Buffer;

  it('starts the package (202, the request on the stream), once per Idempotency-Key; a receptionist is refused', async () => {
    const started = await clients.post(`/clients/${adaId}/data-export`).set('Authorization', await as()).set('Idempotency-Key', 'package-ada-1').expect(202);
    expect(started.body).toEqual({ requestId: expect.any(String), status: 'pending' });
    requestId = started.body.requestId;
    const retried = await clients.post(`/clients/${adaId}/data-export`).set('Authorization', await as()).set('Idempotency-Key', 'package-ada-1').expect(202);
    expect(retried.body.requestId).toBe(requestId);

    const desk = await as(['receptionist'], 'desk-1');
    expect((await clients.post(`/clients/${adaId}/data-export`).set('Authorization', desk)).status).toBe(403);
    expect((await clients.get(`/clients/${adaId}/data-export/${requestId}`).set('Authorization', desk)).status).toBe(403);
  });

  it('makes one zip, downloaded through a short-lived presigned link that is recorded with who and when', async () => {
    const ready = await readyPackage(requestId);
    expect(ready.download.fileName).toBe(`data-package-${requestId}.zip`);
    expect(Date.parse(ready.download.expiresAt) - Date.now()).toBeLessThanOrEqual(900_000);
    expect(Date.parse(ready.expiresAt) - Date.parse(ready.completedAt)).toBe(7 * 86_400_000);
    expect(new URL(ready.download.url).pathname).toBe(`/${storage.DATA_EXPORT_BUCKET}/tenant/${tenant}/client/${adaId}/data-export/${requestId}.zip`);

    const response = await fetch(ready.download.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="data-package-${requestId}.zip"`);
    zipBytes = Buffer.from(await response.arrayBuffer());
    expect(zipBytes.length).toBe(ready.byteLength);
    expect(sha256(zipBytes)).toBe(ready.sha256);
    files = await unzip(zipBytes);

    const stream = await readStream(toDataExportStreamName(adaId));
    expect(stream.map((event) => [event.type, event.metadata.actorId])).toEqual([
      ['ClientDataExportRequested', 'owner-1'],
      ['ClientDataExportCompleted', 'system'],
      ['ClientDataExportDownloaded', 'owner-1'],
    ]);
  });

  it('also serves the zip itself, recording each download (who, when) before its first byte; a receptionist is refused', async () => {
    const served = await clients
      .get(`/clients/${adaId}/data-export/${requestId}/package`)
      .set('Authorization', await as(['manager'], 'manager-7'))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(served.headers['content-type']).toBe('application/zip');
    expect(served.headers['content-disposition']).toBe(`attachment; filename="data-package-${requestId}.zip"`);
    expect(served.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha256(zipBytes), 'hex').toString('base64')}:`);
    expect(Buffer.compare(served.body as Buffer, zipBytes)).toBe(0);

    const desk = await as(['receptionist'], 'desk-1');
    expect((await clients.get(`/clients/${adaId}/data-export/${requestId}/package`).set('Authorization', desk)).status).toBe(403);
    const unknown = await clients.get(`/clients/${adaId}/data-export/${randomUUID()}/package`).set('Authorization', await as());
    expect([unknown.status, unknown.body.error]).toEqual([404, 'data-export-not-found']);

    const stream = await readStream(toDataExportStreamName(adaId));
    expect(stream.slice(-1).map((event) => [event.type, event.metadata.actorId, (event.data as { requestId: string }).requestId])).toEqual([
      ['ClientDataExportDelivered', 'manager-7', requestId],
    ]);
  });

  it('holds every file the manifest lists, each with its SHA-256 and size, and nothing else', () => {
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(manifest).toMatchObject({ schemaVersion: 1, tenantId: tenant, clientId: adaId, requestId, generatedAt: expect.any(String) });
    const listed = manifest.files as { path: string; sha256: string; byteLength: number }[];
    expect(new Set(listed.map((file) => file.path))).toEqual(new Set([...files.keys()].filter((path) => path !== 'manifest.json')));
    for (const file of listed) {
      expect({ path: file.path, sha256: sha256(files.get(file.path)!), byteLength: files.get(file.path)!.length }).toEqual(file);
    }
    expect([...files.keys()].sort()).toEqual(
      expect.arrayContaining(['README.html', 'consents.json', 'history.json', 'manifest.json', 'profile.json', 'statistics.json', 'visits.csv', 'visits.json']),
    );
  });

  it('has the profile, statistics, visits and consents the API shows', async () => {
    const { visitStatistics, ...card } = (await clients.get(`/clients/${adaId}`).set('Authorization', await as())).body;
    expect(json('profile.json')).toEqual(card);
    expect(json('profile.json')).toMatchObject({ names: { firstName: ada.firstName, lastName: ada.lastName, patronymic: 'Janowna' }, birthDate: '1990-04-02' });
    expect(json('statistics.json')).toEqual({ clientId: adaId, visitStatistics });

    const visits = json('visits.json') as { visitId: string }[];
    expect(visits.map((visit) => visit.visitId).sort()).toEqual([...adaVisitIds].sort());
    for (const visit of visits) expect(visit).toEqual((await call(others.visits.url, 'GET', `/visits/${visit.visitId}`)).body);
    const csv = files.get('visits.csv')!.toString('utf8').trim().split('\n');
    expect(csv[0]).toBe('number,visitId,status,startsAt,endsAt,salonDate,salonId,services,specialists,price,discount,total,paid');
    expect(csv.slice(1).map((line) => line.split(',')[1]).sort()).toEqual([...adaVisitIds].sort());

    const consents = json('consents.json') as { consent: unknown; ledger: { type: string; data: { evidence?: unknown } }[] };
    expect(consents.consent).toEqual((await call(others.consent.url, 'GET', `/clients/${adaId}/consent`)).body);
    expect(consents.ledger).toEqual((await call(others.consent.url, 'GET', `/clients/${adaId}/consent/history`)).body.changes);
    expect(consents.ledger.find((change) => change.type === 'MarketingConsentGranted')?.data.evidence).toMatchObject({ documentRef: 'form-2026-0042', collectedBy: 'desk-1' });
  });

  it('has the stored images, byte for byte', async () => {
    const photos = [...files.keys()].filter((path) => path.startsWith('photos/'));
    expect(photos).toHaveLength(3);
    const stored = (await photoBucket.versionsUnder(`tenant/${tenant}/client/${adaId}/photo/`)).filter((version) => !version.isDeleteMarker);
    expect(stored).toHaveLength(3);
    for (const object of stored) {
      const [photoId, name] = object.key.split('/').slice(-2);
      const bytes = Buffer.concat(await chunksOf(await photoBucket.get(object.key)));
      expect(sha256(files.get(`photos/${photoId}/${name}`)!)).toBe(sha256(bytes));
    }
  });

  it("has every event of the client's streams in every context, decrypted, with who and when", async () => {
    const history = json('history.json') as { stream: string; revision: string; type: string; actorId: string | null; recordedAt: string; data: Record<string, unknown> }[];
    const streams = [toClientStreamName(adaId), toDataExportStreamName(adaId), `consent-${adaId}`, `photos-${adaId}`, ...adaVisitIds.map((id) => `visit-${id}`)];
    for (const stream of streams) {
      const events = await readStream(stream);
      // The data-export stream got its completion and download after the package was made.
      const expected = stream === toDataExportStreamName(adaId) ? events.filter((event) => event.type === 'ClientDataExportRequested') : events;
      expect(expected.length).toBeGreaterThan(0);
      for (const event of expected) {
        expect(history).toContainEqual(expect.objectContaining({ stream, revision: String(event.revision), type: event.type, recordedAt: event.createdAt.toISOString() }));
      }
    }
    const edits = history.filter((entry) => entry.type === 'ClientProfileEdited');
    expect(edits.map((entry) => entry.data.patronymic)).toEqual(['Janowna', 'Janowna']);
    expect(edits.every((entry) => entry.actorId === 'owner-1')).toBe(true);
    expect(history.find((entry) => entry.type === 'ClientRegistered')?.data).toMatchObject({ email: ada.email, comment: ada.comment });
  });

  it("holds nothing of the other client, and the README escapes what it shows", () => {
    const everything = Buffer.concat([...files.values()]).toString('utf8');
    for (const value of [bolekId, bolekVisitId, bolek.phone, '605771299', bolek.lastName, bolek.email, bolek.comment]) expect(everything).not.toContain(value);
    const readme = files.get('README.html')!.toString('utf8');
    expect(readme).toContain('<html lang="pl">');
    expect(readme).toContain('Twoje dane osobowe');
    expect(readme).toContain(adaId);
    expect(readme).not.toContain(ada.comment);
  });

  it("writes README.html in the language the request names, and refuses one it does not speak (400, the field and the reason)", async () => {
    const refused = await clients.post(`/clients/${adaId}/data-export`).set('Authorization', await as()).send({ language: 'de' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'language', reason: expect.stringContaining('pl, ru, en') })]);

    const second = await clients.post(`/clients/${adaId}/data-export`).set('Authorization', await as()).send({ language: 'ru' }).expect(202);
    secondRequestId = second.body.requestId;
    const ready = await readyPackage(secondRequestId);
    const inRussian = await unzip(Buffer.from(await (await fetch(ready.download.url)).arrayBuffer()));
    expect(inRussian.get('README.html')!.toString('utf8')).toContain('<html lang="ru">');
    expect(JSON.parse(inRussian.get('manifest.json')!.toString('utf8'))).toMatchObject({ language: 'ru', requestId: secondRequestId });
  });

  it('deletes every version of the package on erasure and refuses a new one with 409, naming nothing personal', async () => {
    // The second package is there too: two objects (and their versions) to remove.
    expect((await packages.versionsUnder(dataExportPrefix(tenant, adaId))).length).toBe(2);

    await clients.post(`/clients/${adaId}/erasure`).set('Authorization', await as()).expect(200);
    await eventually(async () => ((await packages.versionsUnder(dataExportPrefix(tenant, adaId))).length === 0 ? true : undefined), 'every package version to be gone', { timeoutMs: 30_000 });
    const status = await clients.get(`/clients/${adaId}/data-export/${requestId}`).set('Authorization', await as()).expect(200);
    expect(status.body).toMatchObject({ status: 'discarded', download: null });
    const gone = await clients.get(`/clients/${adaId}/data-export/${requestId}/package`).set('Authorization', await as());
    expect([gone.status, gone.body.error]).toEqual([409, 'data-export-not-ready']);

    const refused = await clients.post(`/clients/${adaId}/data-export`).set('Authorization', await as());
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ statusCode: 409, error: 'client-erased' });
    const said = JSON.stringify(refused.body);
    for (const value of [ada.firstName, ada.lastName, ada.email, ada.phone, ada.comment]) expect(said).not.toContain(value);
  });

  function json(path: string): unknown {
    return JSON.parse(files.get(path)!.toString('utf8'));
  }

  async function readStream(stream: string) {
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      return await store.readStream(stream);
    } finally {
      await store.close();
    }
  }
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function chunksOf(stream: NodeJS.ReadableStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}

/** Every file of the zip, by path (yauzl). */
function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          chunksOf(stream).then((chunks) => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          }, reject);
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}


async function removeBuckets(buckets: readonly string[]): Promise<void> {
  const { Client } = await import('minio');
  const client = new Client(minio());
  for (const bucket of buckets) if (await client.bucketExists(bucket)) await client.removeBucket(bucket);
}
