import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Global, HttpStatus, INestApplication, Injectable, Module, OnApplicationShutdown, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Public } from './auth';
import { collectProcessMetrics, metricsExposition, recordReadiness } from './metrics';
import type { Response } from 'express';

/**
 * A readiness check throws to say "not ready", or resolves: with nothing (ready), or with a
 * report whose `ok` decides and whose other fields the ops port's /health/ready shows beside it
 * (e.g. a worker's dead-letter count).
 */
export type ReadinessCheck = () => Promise<void | ReadinessReport>;

export interface ReadinessReport {
  readonly ok: boolean;
  readonly error?: string;
  readonly [detail: string]: unknown;
}

export interface ReadinessAnswer {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Record<string, ReadinessReport>;
}

/** Modules that own a connection register a check here; /health/ready runs them all. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 3_000): Promise<Record<string, ReadinessReport>> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<readonly [string, ReadinessReport]> => {
        try {
          const report = await withTimeout(check(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
          return [name, report ?? { ok: true }] as const;
        } catch (error) {
          return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  }

  /** Every check with everything it reports: errors, lag, stalls. For the ops port only. */
  async detailed(): Promise<ReadinessAnswer> {
    const checks = await this.run();
    return { status: Object.values(checks).every((check) => check.ok) ? 'ok' : 'unavailable', checks };
  }

  /**
   * What anyone may see: ready or not, and each check up or down. Error messages name hosts,
   * ports and internals, and lag and dead-letter counts say how the system is doing: those are
   * for operators, on the ops port.
   */
  async summary(): Promise<ReadinessAnswer> {
    const { status, checks } = await this.detailed();
    return { status, checks: Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, { ok: check.ok }])) };
  }
}

/** The public readiness answer: each check only as up or down. */
const READINESS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: { type: 'object', additionalProperties: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } } },
  },
};

const statusCodeOf = (answer: ReadinessAnswer) => (answer.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: ReadinessRegistry) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (no dependency is checked).' })
  @ApiOkResponse({ schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Every server and worker this service uses is fine: 200, else 503. Each check only as up or down ({ ok }); ' +
      'the errors, lag and dead-letter counts are on the ops port (OPS_PORT).',
  })
  @ApiOkResponse({ schema: READINESS_SCHEMA, description: 'Every check is up.' })
  @ApiServiceUnavailableResponse({ schema: READINESS_SCHEMA, description: 'A check is down: `status` is `unavailable`.' })
  async ready(@Res() response: Response): Promise<void> {
    const answer = await this.registry.summary();
    response.status(statusCodeOf(answer)).json(answer);
  }
}

/**
 * The ops port (OPS_PORT): `/health/live` and `/health/ready` with every detail, and `/metrics`
 * (Prometheus text; metrics.ts), for operators, probes and scrapers inside the deployment, never
 * published beside the API. A plain HTTP server apart from the API's: no token, no route of the
 * API, nothing else; it closes with the application.
 */
@Injectable()
export class OpsServer implements OnApplicationShutdown {
  private server?: Server;

  constructor(private readonly registry: ReadinessRegistry) {}

  /** Starts listening (port 0: any free port); resolves with the address. */
  async listen(port: number, host: string): Promise<AddressInfo> {
    if (this.server) throw new Error('the ops server is already listening');
    collectProcessMetrics();
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://ops').pathname;
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(HttpStatus.METHOD_NOT_ALLOWED, { statusCode: 405, error: 'method-not-allowed' });
    if (path === '/health/live') return send(HttpStatus.OK, { status: 'ok' });
    if (path === '/health/ready') {
      const answer = await this.registry.detailed();
      return send(statusCodeOf(answer), answer);
    }
    if (path === '/metrics') {
      recordReadiness(await this.registry.run());
      const { contentType, body } = await metricsExposition();
      response.writeHead(HttpStatus.OK, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      return void response.end(body);
    }
    send(HttpStatus.NOT_FOUND, { statusCode: 404, error: 'not-found' });
  }
}

/**
 * Listens on PORT (the API) and, when OPS_PORT is set, on the ops port. What every main.ts does.
 * A `workers` process (SERVICE_ROLE) starts the application without its API port.
 */
export async function listenService(
  app: INestApplication,
  config: { readonly PORT: number; readonly HOST: string; readonly OPS_PORT?: number; readonly SERVICE_ROLE?: string },
): Promise<void> {
  if (config.SERVICE_ROLE === 'workers') await app.init();
  else await app.listen(config.PORT, config.HOST);
  if (config.OPS_PORT !== undefined) await app.get(OpsServer).listen(config.OPS_PORT, config.HOST);
}

@Global()
@Module({ controllers: [HealthController], providers: [ReadinessRegistry, OpsServer], exports: [ReadinessRegistry, OpsServer] })
export class HealthModule {}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
