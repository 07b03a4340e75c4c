import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { OpsServer, ReadinessAnswer } from '@salon/shared/nest';
import { kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { cleanUp, startConsentApp } from './test/consent-test-kit';

describe('consent-service', () => {
  const database = uniqueName('consent-app');
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'consent-app-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  let app: INestApplication;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startConsentApp(env);
  });
  afterAll(async () => {
    await app?.close();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  it('is live', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
  });

  it('answers with the security headers and does not name its framework', async () => {
    const response = await request(app.getHttpServer()).get('/health/live').expect(200);
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    const docs = await request(app.getHttpServer()).get('/docs/json').expect(200);
    expect(docs.headers['content-security-policy']).toBeUndefined();
  });

  it('is ready when the event store, MongoDB, Kafka and its background workers are fine', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(200);
    const checks = {
      eventStore: { ok: true },
      mongo: { ok: true },
      kafka: { ok: true },
      [`worker:${prefix}consent-relay`]: { ok: true },
      [`worker:${prefix}consent.client-events-policy`]: { ok: true },
    };
    expect(response.body).toMatchObject({ status: 'ok', checks });
    // Anyone may call it: each check up or down, nothing more.
    for (const check of Object.values(response.body.checks)) expect(check).toEqual({ ok: expect.any(Boolean) });

    // The ops port shows how each worker is doing.
    const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
    const detailed = (await (await fetch(`http://127.0.0.1:${ops.port}/health/ready`)).json()) as ReadinessAnswer;
    expect(detailed.checks).toMatchObject({ ...checks, [`worker:${prefix}consent.client-events-policy`]: { ok: true, state: 'running', deadLetters: 0 } });
  });

  it('serves its OpenAPI document with the consent routes', async () => {
    const response = await request(app.getHttpServer()).get('/docs/json').expect(200);
    expect(response.body.info.title).toBe('consent-service');
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([
        '/clients/{clientId}/consent',
        '/clients/{clientId}/consent/{permission}',
        '/clients/{clientId}/consent/marketing/withdrawal',
        '/clients/{clientId}/consent/history',
        '/clients/{clientId}/consent/may-contact',
      ]),
    );
  });
});

describe('consent-service start-up', () => {
  it('stops with a message naming each missing or bad variable', () => {
    const env = serviceEnvironment('unused', { PORT: 'eighty' });
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
  });
});
