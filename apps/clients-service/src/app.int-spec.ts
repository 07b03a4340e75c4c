import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { configureHttpApp, loadConfig, OpsServer, ReadinessAnswer, WorkerHost } from '@salon/shared/nest';
import { cleanUpServiceEnvironment, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { AppModule } from './app.module';
import { ClientsServiceConfig } from './config';

async function startApp(env: Record<string, string>): Promise<INestApplication> {
  const config = loadConfig(ClientsServiceConfig, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttpApp(app, { name: 'clients-service', description: 'test' });
  await app.init();
  // The HTTP side starts without its workers; the tests expect them running.
  await app.get(WorkerHost).whenStarted();
  return app;
}

describe('clients-service', () => {
  const database = uniqueName('clients-app');
  const prefix = `${uniqueName('t')}.`;
  const kafka = createMessagingClient({ clientId: 'clients-app-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  let app: INestApplication;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startApp(serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix }));
  });
  afterAll(async () => {
    await app.close();
    await cleanUpServiceEnvironment(kafka, prefix, serviceEnvironment(database).MONGO_URL);
  });

  it('is live', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
  });

  it('is ready when the event store, MongoDB, Kafka and its background workers are fine', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready');
    const up = { ok: true };
    const checks = {
      eventStore: up,
      mongo: up,
      kafka: up,
      [`worker:${prefix}clients-relay`]: up,
      // One projection writes the client card from the client, consent and visit topics.
      [`worker:projection.${prefix}client-profiles`]: up,
      [`worker:projection.${prefix}client-visit-ledger`]: up,
      [`worker:${prefix}clients.visits-policy`]: up,
      [`worker:${prefix}clients.superseded-profiles-purge`]: up,
      [`worker:${prefix}clients.read-model-retirement`]: up,
    };
    expect(response.body).toMatchObject({ status: 'ok', checks });
    // Anyone may call it: each check says up or down, nothing more.
    for (const check of Object.values(response.body.checks)) expect(check).toEqual({ ok: expect.any(Boolean) });
    expect(response.status).toBe(200);

    // The ops port shows how each worker is doing.
    const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
    const detailed = (await (await fetch(`http://127.0.0.1:${ops.port}/health/ready`)).json()) as ReadinessAnswer;
    const consuming = { ok: true, state: 'running', deadLetters: 0 };
    expect(detailed).toMatchObject({
      status: 'ok',
      checks: {
        ...checks,
        [`worker:projection.${prefix}client-profiles`]: consuming,
        [`worker:projection.${prefix}client-visit-ledger`]: consuming,
        [`worker:${prefix}clients.visits-policy`]: consuming,
      },
    });
  });

  it('serves its OpenAPI document', async () => {
    const response = await request(app.getHttpServer()).get('/docs/json').expect(200);
    expect(response.body.info.title).toBe('clients-service');
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });

  it('returns a correlation id, echoing a well-formed one', async () => {
    const response = await request(app.getHttpServer()).get('/health/live').set('x-correlation-id', 'abc-123');
    expect(response.headers['x-correlation-id']).toBe('abc-123');
  });
});

describe('clients-service when a server is down', () => {
  it('answers 503 on /health/ready naming the server that does not answer', async () => {
    const app = await startApp(
      serviceEnvironment(uniqueName('clients-down'), {
        MONGO_URL: 'mongodb://127.0.0.1:1/none?directConnection=true',
        KAFKA_TOPIC_PREFIX: `${uniqueName('down')}.`,
      }),
    );
    try {
      const response = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(response.body.status).toBe('unavailable');
      // Down, without the error (it names the host and port): that is for the ops port.
      expect(response.body.checks.mongo).toEqual({ ok: false });
      expect(response.body.checks.kafka).toEqual({ ok: true });
      const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
      const detailed = await fetch(`http://127.0.0.1:${ops.port}/health/ready`);
      expect(detailed.status).toBe(503);
      expect(((await detailed.json()) as ReadinessAnswer).checks.mongo).toEqual({ ok: false, error: expect.stringMatching(/\S/) });
    } finally {
      await app.close();
    }
  });
});

describe('clients-service start-up', () => {
  it('stops with a message naming each missing or bad variable', () => {
    const env = serviceEnvironment('unused', { PORT: 'eighty', MASTER_KEY: 'short' });
    delete (env as Record<string, string | undefined>).MONGO_URL;
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'main.ts')], {
      cwd: join(__dirname, '../../..'),
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/MONGO_URL: .*it is not set/);
    expect(result.stderr).toMatch(/PORT: .*got "eighty"/);
    expect(result.stderr).toMatch(/MASTER_KEY: must be 32 random bytes/);
  });
});
