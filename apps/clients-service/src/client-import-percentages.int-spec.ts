import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  kafkaBrokers,
  minio,
  removeBucket,
  serviceEnvironment,
  uniqueName,
} from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * A discount formatted as a percentage in a real spreadsheet: LibreOffice's xlsx and ods of
 * clients-rich.csv (libs/shared/spreadsheets/src/test/fixtures/make-fixtures.sh) store 15 % as 0.15;
 * imported into the clients service (real Kafka, MongoDB-wire server, MinIO), the card shows 15.
 */
describe('client import: percentage cells', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const bucket = uniqueName('client-imports-percent');
  const env = serviceEnvironment(uniqueName('clients-import-percent'), {
    KAFKA_TOPIC_PREFIX: prefix,
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    IMPORT_BUCKET: bucket,
  });
  const kafka = createMessagingClient({ clientId: 'clients-import-percent-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const FIXTURES = join(__dirname, '../../../libs/shared/spreadsheets/src/test/fixtures');
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await removeBucket(bucket);
  });

  it.each([
    ['clients-rich.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['clients-rich.ods', 'application/vnd.oasis.opendocument.spreadsheet'],
  ])('imports a percentage cell of %s (15 %% stored as 0.15) into a discount as 15', async (fileName, contentType) => {
    // A chain of its own: both files hold the same clients.
    const chainManager = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'manager-1', tenantId: uniqueName('chain'), roles: ['manager'] })}`;
    const uploaded = await http
      .post('/clients/imports')
      .query({ fileName })
      .set('Authorization', chainManager)
      .set('Content-Type', contentType)
      .send(readFileSync(join(FIXTURES, fileName)))
      .expect(201);
    const jobId = uploaded.body.jobId as string;
    // "Rabat" (column 8: 15%, 0%, 7.5%, 100% as LibreOffice's percentage cells) read as the service discount.
    const mapping = [...uploaded.body.mapping, { column: 8, field: 'serviceDiscount' }];
    await http.put(`/clients/imports/${jobId}/mapping`).set('Authorization', chainManager).send({ mapping }).expect(200);
    const reaches = (status: string) =>
      eventually(
        async () => ((await http.get(`/clients/imports/${jobId}`).set('Authorization', chainManager)).body.status === status ? true : undefined),
        `the import to be ${status}`,
        { timeoutMs: 120_000, intervalMs: 200 },
      );
    await http.post(`/clients/imports/${jobId}/dry-run`).set('Authorization', chainManager).send({}).expect(202);
    await reaches('dry-run-completed');
    await http.post(`/clients/imports/${jobId}/run`).set('Authorization', chainManager).send({ existingClients: 'skip' }).expect(202);
    await reaches('completed');
    const byPhone = async (phone: string) =>
      eventually(async () => {
        const found = await http.get('/clients').query({ phone }).set('Authorization', chainManager).expect(200);
        const [card] = found.body.items as { clientId: string }[];
        if (!card) return undefined;
        const profile = await http.get(`/clients/${card.clientId}`).set('Authorization', chainManager).expect(200);
        return profile.body.discounts === undefined ? undefined : profile.body.discounts;
      }, 'the imported card with its discounts', { timeoutMs: 60_000 });
    expect(await byPhone('+48600100200')).toMatchObject({ services: 15 });
    expect(await byPhone('+48601222333')).toMatchObject({ services: 7.5 });
    // Upload, dry run, import and projection on a machine shared with other suites: a generous bound, never a fixed wait.
  }, 300_000);
});

