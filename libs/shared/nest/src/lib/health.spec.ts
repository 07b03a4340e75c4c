import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { loadConfig } from './config';
import { HealthModule, OpsServer, ReadinessAnswer, ReadinessRegistry } from './health';
import { ServiceConfig } from './service-config';

/**
 * The API port's /health/ready tells anyone whether the service is ready and which check is up
 * or down, nothing more; the ops port (OPS_PORT) tells operators why.
 */
describe('health: the public answer and the ops port', () => {
  const brokerError = 'connect ECONNREFUSED 10.20.30.40:9092 (kafka-2.internal)';
  let app: INestApplication;
  let opsUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [HealthModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const registry = app.get(ReadinessRegistry);
    registry.register('mongo', async () => undefined);
    registry.register('kafka', async () => {
      throw new Error(brokerError);
    });
    registry.register('worker:projection.client-profiles', async () => ({ ok: false, state: 'stalled', lag: 1_234, deadLetters: 3, error: 'E11000 duplicate key' }));
    const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
    opsUrl = `http://127.0.0.1:${ops.port}`;
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers anyone on the API port with the status and each check up or down, without errors, lag or counts', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(response.body).toEqual({
      status: 'unavailable',
      checks: { mongo: { ok: true }, kafka: { ok: false }, 'worker:projection.client-profiles': { ok: false } },
    });
    expect(response.text).not.toMatch(/ECONNREFUSED|10\.20\.30\.40|kafka-2|stalled|1234|duplicate/);
  });

  it('gives operators every detail on the ops port', async () => {
    const response = await fetch(`${opsUrl}/health/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      checks: {
        mongo: { ok: true },
        kafka: { ok: false, error: brokerError },
        'worker:projection.client-profiles': { ok: false, state: 'stalled', lag: 1_234, deadLetters: 3, error: 'E11000 duplicate key' },
      },
    });
    expect(await (await fetch(`${opsUrl}/health/live`)).json()).toEqual({ status: 'ok' });
  });

  it('serves nothing else on the ops port: no route of the API, no other method', async () => {
    expect((await fetch(`${opsUrl}/docs/json`)).status).toBe(404);
    expect((await fetch(`${opsUrl}/clients`)).status).toBe(404);
    expect((await fetch(`${opsUrl}/health/ready`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 200 on both ports once every check is fine', async () => {
    const registry = app.get(ReadinessRegistry);
    registry.register('kafka', async () => undefined);
    registry.register('worker:projection.client-profiles', async () => ({ ok: true, state: 'running', lag: 0, deadLetters: 3 }));
    await request(app.getHttpServer()).get('/health/ready').expect(200, {
      status: 'ok',
      checks: { mongo: { ok: true }, kafka: { ok: true }, 'worker:projection.client-profiles': { ok: true } },
    });
    const detailed = await fetch(`${opsUrl}/health/ready`);
    expect(detailed.status).toBe(200);
    expect(((await detailed.json()) as ReadinessAnswer).checks['worker:projection.client-profiles']).toEqual({ ok: true, state: 'running', lag: 0, deadLetters: 3 });
  });
});

describe('OPS_PORT', () => {
  const env = { PORT: '3001', MONGO_URL: 'mongodb://127.0.0.1:1/x', KAFKA_BROKERS: '127.0.0.1:1', JWT_SECRET: 'x'.repeat(32), MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };

  it('is optional, and refused when it is the API port', () => {
    expect(loadConfig(ServiceConfig, env).OPS_PORT).toBeUndefined();
    expect(loadConfig(ServiceConfig, { ...env, OPS_PORT: '3011' }).OPS_PORT).toBe(3011);
    expect(() => loadConfig(ServiceConfig, { ...env, OPS_PORT: '3001' })).toThrow('OPS_PORT: must differ from PORT');
  });
});
