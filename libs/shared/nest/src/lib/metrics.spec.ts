import { Controller, Get, INestApplication, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Public } from './auth';
import { configureHttpApp } from './bootstrap';
import { HealthModule, OpsServer, ReadinessRegistry } from './health';
import { ParseIdPipe } from './validation';

@Public()
@Controller('things')
class ThingsController {
  @Get(':thingId')
  get(@Param('thingId', new ParseIdPipe()) thingId: string): { thingId: string } {
    return { thingId };
  }
}

/** The ops port's /metrics: Prometheus text from the process's one registry, no id in any label. */
describe('metrics on the ops port', () => {
  let app: INestApplication;
  let apiUrl: string;
  let opsUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [HealthModule], controllers: [ThingsController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureHttpApp(app, { name: 'things', description: 'test' });
    await app.listen(0, '127.0.0.1');
    apiUrl = await app.getUrl();
    const registry = app.get(ReadinessRegistry);
    registry.register('mongo', async () => undefined);
    registry.register('kafka', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
    });
    registry.register('worker:projection.client-profiles', async () => ({ ok: true, state: 'running', lag: 1_234, deadLetters: 3 }));
    registry.register('worker:relay.clients', async () => ({ ok: true, state: 'publishing', failedAttempts: 0, published: 42 }));
    const ops = await app.get(OpsServer).listen(0, '127.0.0.1');
    opsUrl = `http://127.0.0.1:${ops.port}`;
  });
  afterAll(() => app.close());

  async function scrape(): Promise<string> {
    const response = await fetch(`${opsUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  }

  it('times each request by method, route template and status; a path no route takes is "unmatched"', async () => {
    const thingId = randomUUID();
    expect((await fetch(`${apiUrl}/things/${thingId}`)).status).toBe(200);
    expect((await fetch(`${apiUrl}/things/not-a-uuid`)).status).toBe(400);
    expect((await fetch(`${apiUrl}/no/such/${thingId}`)).status).toBe(404);
    const text = await scrape();
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/things\/:thingId",status="200"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/things\/:thingId",status="400"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).not.toContain(thingId);
    expect(text).not.toContain('not-a-uuid');
  });

  it("shows each readiness check up or down, the consumers' lag, the dead letters and the relays' count", async () => {
    const text = await scrape();
    expect(text).toMatch(/^salon_readiness_check_up\{check="mongo"\} 1$/m);
    expect(text).toMatch(/^salon_readiness_check_up\{check="kafka"\} 0$/m);
    expect(text).toMatch(/^salon_consumer_lag_messages\{worker="projection.client-profiles"\} 1234$/m);
    expect(text).toMatch(/^salon_dead_letters\{worker="projection.client-profiles"\} 3$/m);
    expect(text).toMatch(/^salon_relay_published_events\{worker="relay.clients"\} 42$/m);
    // The check's error stays on /health/ready of the ops port.
    expect(text).not.toContain('ECONNREFUSED');
  });

  it("carries Node's own: event-loop lag, heap", async () => {
    const text = await scrape();
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('is on the ops port only, not beside the API', async () => {
    expect((await fetch(`${apiUrl}/metrics`)).status).toBe(404);
  });
});
