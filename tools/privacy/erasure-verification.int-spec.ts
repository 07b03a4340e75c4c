import { randomInt, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import mongoose from 'mongoose';
import request from 'supertest';
import { CLIENT_PROFILES_COLLECTION } from '@salon/clients/feature';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { ReadModelVersions, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { WorkerHost, configureHttpApp, loadConfig } from '@salon/shared/nest';
import {
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  freePort,
  kafkaBrokers,
  minio,
  salonLocalTime,
  serviceEnvironment,
  uniqueName,
} from '@salon/shared/testing';
import { AppModule as ClientsAppModule } from '../../apps/clients-service/src/app.module';
import { ClientsServiceConfig } from '../../apps/clients-service/src/config';
import { AppModule as ConsentAppModule } from '../../apps/consent-service/src/app.module';
import { ConsentServiceConfig } from '../../apps/consent-service/src/config';
import { AppModule as MediaAppModule } from '../../apps/media-service/src/app.module';
import { MediaServiceConfig } from '../../apps/media-service/src/config';
import { mediaEnvironment, removeBucket } from '../../apps/media-service/src/test/media-test-kit';
import { AppModule as VisitsAppModule } from '../../apps/visits-service/src/app.module';
import { VisitsServiceConfig } from '../../apps/visits-service/src/config';
import { RAW_BODIES } from '../security/route-requests';
import { ErasureVerification, ErasureVerifierSettings, StoreName, defaultSettings, formatVerification, hitCount, verifyErasure } from './erasure-verifier/erasure-verifier';
import { PersonalValues, parsePersonalValues } from './erasure-verifier/personal-values';

/**
 * Issue 15 §2: erasure proven in every store. A client with a photo, two visits, a marketing
 * consent with its evidence, two saves of the card and a data package is looked for in every store by the erasure
 * verifier before the erasure (it must find them where they are in clear, so it can fail), and
 * after it (0 hits everywhere, once each store has caught up: conditions, never sleeps).
 *
 * The four services run in this process against the real local servers, with this test's own
 * chain, topic prefix, database, bucket and event store file; the verifier scans the shared files
 * of the running servers (the H2 file, Kafka's log dirs of this test's topics, MinIO's data dir,
 * .local/logs), where only this test's values are unique.
 */
describe('erasure verifier: a client erased from every store', () => {
  const prefix = `${uniqueName('t')}.`;
  const storage: Record<string, string> & { DATA_EXPORT_BUCKET: string } = { ...mediaEnvironment(), DATA_EXPORT_BUCKET: uniqueName('erasure-packages'), DATA_EXPORT_BUCKET_VERSIONING: 'true' };
  const env = serviceEnvironment(uniqueName('erasure-proof'), { KAFKA_TOPIC_PREFIX: prefix, ...storage });
  const kafka = createMessagingClient({ clientId: 'erasure-proof-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const apps: INestApplication[] = [];
  let clients: ReturnType<typeof request>;
  let visits: ReturnType<typeof request>;
  let consent: ReturnType<typeof request>;
  let media: ReturnType<typeof request>;
  let mongo: mongoose.Connection;
  let owner: string;

  // Values no other test has: letters from a random number, digits at random.
  const unique = lettersOf(randomInt(0, 26 ** 5));
  const phoneDigits = `6${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`;
  const person = {
    phoneE164: `+48${phoneDigits}`,
    phoneAsTyped: `+48 ${phoneDigits.slice(0, 3)} ${phoneDigits.slice(3, 6)} ${phoneDigits.slice(6)}`,
    email: `jadwiga.${unique}@example.com`,
    emailAfterEdit: `j.${unique}.nowa@example.org`,
    firstName: `Jadwiga${unique}`,
    lastName: `Źdźbłowska${unique}`,
    // Cyrillic: UTF-8 of two bytes a letter, and another case than typed in the BSON.
    patronymic: `Ярославовна${cyrillicOf(unique)}`,
    birthDate: `19${String(randomInt(20, 60))}-0${randomInt(1, 10)}-1${randomInt(0, 10)}`,
    comment: `Allergic to lavender oil, prefers ${unique} in the morning`,
    commentAfterEdit: `Moved to Gdańsk, asks for ${unique} shampoo`,
  };
  const values: PersonalValues = parsePersonalValues(
    JSON.stringify({
      values: {
        phone: [person.phoneE164, person.phoneAsTyped],
        email: [person.email, person.emailAfterEdit],
        firstName: person.firstName,
        lastName: person.lastName,
        patronymic: person.patronymic,
        birthDate: person.birthDate,
        comment: [person.comment, person.commentAfterEdit],
      },
    }),
  );
  let clientId = '';

  const settings = (): ErasureVerifierSettings => {
    const defaults = defaultSettings(process.env);
    const server = minio();
    return {
      ...defaults,
      eventStorePath: env.EVENTSTORE_PATH as string,
      kafkaTopicPrefix: prefix,
      objectStore: { ...server, buckets: [storage.MEDIA_BUCKET as string, storage.DATA_EXPORT_BUCKET] },
    };
  };
  const verify = (withClientId = true) =>
    verifyErasure(withClientId ? { ...values, clientId } : values, settings());
  const kindsIn = (verification: ErasureVerification, store: StoreName) => [...(verification.scans.get(store)?.hits.keys() ?? [])].sort();

  async function start(name: string, module: unknown, port: number): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [module as never] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttpApp(app, { name, description: 'erasure verification' });
    await app.listen(port, '127.0.0.1');
    await app.get(WorkerHost).whenStarted();
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    // Each service knows the others' addresses (the clients service builds the data package from theirs).
    const [clientsPort, visitsPort, consentPort, mediaPort] = [await freePort(), await freePort(), await freePort(), await freePort()] as number[];
    const urls = {
      CLIENTS_SERVICE_URL: `http://127.0.0.1:${clientsPort}`,
      VISITS_SERVICE_URL: `http://127.0.0.1:${visitsPort}`,
      CONSENT_SERVICE_URL: `http://127.0.0.1:${consentPort}`,
      MEDIA_SERVICE_URL: `http://127.0.0.1:${mediaPort}`,
    };
    const all = { ...env, ...urls };
    const clientsApp = await start('clients-service', ClientsAppModule.forConfig(loadConfig(ClientsServiceConfig, all)), clientsPort as number);
    const visitsApp = await start('visits-service', VisitsAppModule.forConfig(loadConfig(VisitsServiceConfig, all)), visitsPort as number);
    const consentApp = await start('consent-service', ConsentAppModule.forConfig(loadConfig(ConsentServiceConfig, all)), consentPort as number);
    const mediaApp = await start('media-service', MediaAppModule.forConfig(loadConfig(MediaServiceConfig, all)), mediaPort as number);
    [clients, visits, consent, media] = [clientsApp, visitsApp, consentApp, mediaApp].map((app) => request(app.getHttpServer()));
    // The media service creates its bucket on its first readiness check.
    await eventually(async () => ((await media.get('/health/ready')).status === 200 ? true : undefined), 'the media service to be ready');
    mongo = await mongoose.createConnection(env.MONGO_URL as string).asPromise();
    owner = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'owner-1', tenantId: tenant, roles: ['owner'] })}`;
  }, 120_000);

  afterAll(async () => {
    await mongo?.close();
    await Promise.all(apps.map((app) => app.close()));
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL as string);
    await removeBucket(storage.MEDIA_BUCKET as string);
    await removeBucket(storage.DATA_EXPORT_BUCKET);
  });

  it('finds the client before the erasure where the values are in clear, and nowhere after it', async () => {
    // A client with everything: a card saved twice, two visits, a marketing consent with evidence, a photo.
    const registered = await clients
      .post('/clients')
      .set('Authorization', owner)
      .set('Idempotency-Key', randomUUID())
      .send({
        phone: person.phoneAsTyped,
        email: person.email,
        firstName: person.firstName,
        lastName: person.lastName,
        patronymic: person.patronymic,
        birthDate: person.birthDate,
        comment: person.comment,
      })
      .expect(201);
    clientId = registered.body.clientId;
    const profile = { phone: person.phoneE164, firstName: person.firstName, lastName: person.lastName, patronymic: person.patronymic, birthDate: person.birthDate };
    await clients.put(`/clients/${clientId}`).set('Authorization', owner).set('If-Match', '"0"').send({ ...profile, email: person.email, comment: person.commentAfterEdit }).expect(200);
    await clients.put(`/clients/${clientId}`).set('Authorization', owner).set('If-Match', '"1"').send({ ...profile, email: person.emailAfterEdit, comment: person.commentAfterEdit }).expect(200);

    for (const day of [3, 10]) {
      await visits
        .post('/visits')
        .set('Authorization', owner)
        .send({
          clientId,
          salonId: 'salon-centre',
          startsAt: salonLocalTime(day, '10:00').local,
          endsAt: salonLocalTime(day, '11:00').local,
          services: [{ serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 60, specialistId: 'staff-anna', specialistName: 'Anna Nowak' }],
        })
        .expect(201);
    }

    await eventually(async () => ((await consent.get(`/clients/${clientId}/consent`).set('Authorization', owner)).body.status === 'open' ? true : undefined), 'the consent record to open');
    const documentRef = `FORM-${randomUUID()}`;
    await consent
      .put(`/clients/${clientId}/consent/newsletter`)
      .set('Authorization', owner)
      .send({ granted: true, source: 'front-desk', evidence: { documentRef, signedAt: salonLocalTime(-1, '10:00').local, collectedBy: 'staff-anna', salonId: 'salon-centre' } })
      .expect(200);

    const photo = RAW_BODIES['PUT /clients/{clientId}/photo'] as { contentType: string; bytes: Buffer };
    await media.put(`/clients/${clientId}/photo`).set('Authorization', owner).set('Content-Type', photo.contentType).send(photo.bytes).expect(200);

    // Every projection has the client: the card shows the last save, its visits and its photo.
    await eventually(async () => {
      const card = await clients.get(`/clients/${clientId}`).set('Authorization', owner);
      const list = await visits.get(`/clients/${clientId}/visits`).set('Authorization', owner);
      return JSON.stringify(card.body).includes(person.emailAfterEdit) && card.body.photoRef && list.body.items?.length === 2 ? true : undefined;
    }, 'the card and the visit list to show everything');

    // The client's data package (issue 15 §1): a zip in the package bucket.
    const requested = await clients.post(`/clients/${clientId}/data-export`).set('Authorization', owner).set('Idempotency-Key', randomUUID()).expect(202);
    await eventually(
      async () => ((await clients.get(`/clients/${clientId}/data-export/${requested.body.requestId}`).set('Authorization', owner)).body.status === 'ready' ? true : undefined),
      'the data package to be ready',
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    // What a rebuild leaves: readers on version 2, version 1 kept for the queries under way.
    const v1 = `${CLIENT_PROFILES_COLLECTION}_v1`;
    const versions = new ReadModelVersions(mongo);
    await mongo.collection(`${CLIENT_PROFILES_COLLECTION}_v2`).insertMany(await mongo.collection(v1).find().toArray());
    await versions.switchTo(CLIENT_PROFILES_COLLECTION, 2);

    // Before: what is in clear, where. The event store and Kafka hold personal fields encrypted
    // (crypto-shredding), so none of the values; the read models do, in both versions (through
    // the Mongo API and in the server's data file); the buckets hold the photo and the package.
    // MinIO's data dir holds them too, but only compressed (the zip) or as image bytes.
    const before = await eventually(async () => {
      const verification = await verify();
      const live = kindsIn(verification, 'mongo');
      return live.length > 0 && kindsIn(verification, 'mongo-file').join() === live.join() ? verification : undefined;
    }, 'the read models to reach the Mongo-compatible server\'s data file');
    process.stdout.write(`before the erasure:\n${formatVerification(before)}\n`);
    expect(kindsIn(before, 'event-store')).toEqual([]);
    expect(kindsIn(before, 'kafka')).toEqual([]);
    expect(kindsIn(before, 'mongo')).toEqual(['birthDate', 'comment', 'email', 'firstName', 'lastName', 'patronymic', 'phone']);
    expect(kindsIn(before, 'mongo-file')).toEqual(['birthDate', 'comment', 'email', 'firstName', 'lastName', 'patronymic', 'phone']);
    // The photo's objects, and the data package's entries (deflated in the zip, read uncompressed).
    expect(kindsIn(before, 'minio')).toEqual(['birthDate', 'comment', 'email', 'firstName', 'lastName', 'object-of-client', 'patronymic', 'phone']);
    expect(kindsIn(before, 'logs')).toEqual([]);
    for (const store of ['event-store', 'kafka', 'mongo-file', 'mongo', 'minio', 'minio-dir', 'logs'] as const) {
      expect([store, before.scans.get(store)?.missing]).toEqual([store, undefined]);
    }

    const erased = await clients.post(`/clients/${clientId}/erasure`).set('Authorization', owner).expect(200);

    // Each context has seen the erasure: the card is archived, the consent record closed, the photo gone.
    await eventually(async () => {
      const card = await clients.get(`/clients/${clientId}`).set('Authorization', owner);
      const record = await consent.get(`/clients/${clientId}/consent`).set('Authorization', owner);
      const picture = await media.get(`/clients/${clientId}/photo`).set('Authorization', owner);
      return card.body.archivedNumber === erased.body.archivedNumber && record.body.status === 'closed' && picture.status === 404 ? true : undefined;
    }, 'every context to apply the erasure', { timeoutMs: 60_000, intervalMs: 250 });

    // After: nothing anywhere, once the superseded read-model version is purged and the
    // Mongo-compatible server has scrubbed its stale pages (deploy/local/mongo).
    const after = await eventually(
      async () => {
        const verification = await verify();
        return verification.totalHits === 0 ? verification : undefined;
      },
      'no personal value of the erased client in any store',
      { timeoutMs: 90_000, intervalMs: 1_000 },
    ).catch(async (error: Error) => {
      process.stdout.write(`after the erasure (still found):\n${formatVerification(await verify())}\n`);
      throw error;
    });
    process.stdout.write(`after the erasure:\n${formatVerification(after)}\n`);
    for (const [store, scan] of after.scans) expect([store, hitCount(scan), scan.missing]).toEqual([store, 0, undefined]);
    // The superseded version is still there (retired after READ_MODEL_RETIRE_AFTER_SECONDS): the
    // erasure purged the client from it, its retirement did not.
    expect(await versions.existing(CLIENT_PROFILES_COLLECTION)).toMatchObject({ active: `${CLIENT_PROFILES_COLLECTION}_v2`, superseded: [v1] });

    // The consent ledger keeps its evidence (the proof of what was agreed), by reference only.
    const history = await consent.get(`/clients/${clientId}/consent/history`).set('Authorization', owner);
    expect(JSON.stringify(history.body)).toContain(documentRef);
  }, 240_000);
});


function lettersOf(value: number): string {
  let letters = '';
  for (let rest = value, index = 0; index < 5; index++, rest = Math.floor(rest / 26)) letters += String.fromCharCode(0x61 + (rest % 26));
  return letters;
}

function cyrillicOf(latin: string): string {
  return [...latin].map((letter) => String.fromCharCode(0x430 + ((letter.charCodeAt(0) - 0x61) % 32))).join('');
}
