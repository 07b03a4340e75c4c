import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { OpsServer, ReadinessAnswer } from '@salon/shared/nest';
import { kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { cleanUp, startVisitsApp } from './test/visits-test-kit';

describe('visits-service', () => {
  const database = uniqueName('visits-app');
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'visits-app-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  let app: INestApplication;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startVisitsApp(env);
  });
  afterAll(async () => {
    await app?.close();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  it('is ready when the event store, MongoDB, Kafka and its background workers are fine', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(response.body.status).toBe('ok');
    const checks = {
      eventStore: { ok: true },
      mongo: { ok: true },
      kafka: { ok: true },
      [`worker:${prefix}visits-relay`]: { ok: true },
      [`worker:projection.${prefix}client-visits`]: { ok: true },
      [`worker:projection.${prefix}visit-statistics`]: { ok: true },
      [`worker:${prefix}visits.read-model-retirement`]: { ok: true },
    };
    expect(response.body.checks).toMatchObject(checks);
    // Anyone may call it: each check up or down, nothing more.
    for (const check of Object.values(response.body.checks)) expect(check).toEqual({ ok: expect.any(Boolean) });

    // The ops port shows how each worker is doing.
    const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
    const detailed = (await (await fetch(`http://127.0.0.1:${ops.port}/health/ready`)).json()) as ReadinessAnswer;
    expect(detailed.checks).toMatchObject({
      ...checks,
      [`worker:projection.${prefix}client-visits`]: { ok: true, state: 'running', deadLetters: 0 },
      [`worker:projection.${prefix}visit-statistics`]: { ok: true, state: 'running', deadLetters: 0 },
    });
  });

  it('serves its OpenAPI document with every visits route', async () => {
    const response = await request(app.getHttpServer()).get('/docs/json').expect(200);
    expect(response.body.info.title).toBe('visits-service');
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/visits',
        '/visits/{visitId}',
        '/visits/{visitId}/confirm',
        '/visits/{visitId}/arrive',
        '/visits/{visitId}/complete',
        '/visits/{visitId}/no-show',
        '/visits/{visitId}/cancel',
        '/visits/{visitId}/schedule',
        '/visits/{visitId}/services',
        '/visits/{visitId}/payments',
      ]),
    );
  });
});

describe('visits-service start-up', () => {
  it('stops with a message naming a bad clients service address', () => {
    const env = serviceEnvironment('unused', { CLIENTS_SERVICE_URL: 'not a url' });
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'main.ts')], {
      cwd: join(__dirname, '../../..'),
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/CLIENTS_SERVICE_URL/);
  });
});
