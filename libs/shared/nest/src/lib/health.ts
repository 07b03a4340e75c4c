import { Controller, Get, Global, HttpStatus, Injectable, Module, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from './auth';
import type { Response } from 'express';

/**
 * A readiness check throws to say "not ready", or resolves: with nothing (ready), or with a
 * report whose `ok` decides and whose other fields /health/ready shows beside it (e.g. a
 * worker's dead-letter count).
 */
export type ReadinessCheck = () => Promise<void | ReadinessReport>;

export interface ReadinessReport {
  readonly ok: boolean;
  readonly error?: string;
  readonly [detail: string]: unknown;
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
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: ReadinessRegistry) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (no dependency is checked).' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Every server this service uses answers: 200, else 503 naming the failing one.' })
  async ready(@Res() response: Response): Promise<void> {
    const checks = await this.registry.run();
    const ok = Object.values(checks).every((check) => check.ok);
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: ok ? 'ok' : 'unavailable', checks });
  }
}

@Global()
@Module({ controllers: [HealthController], providers: [ReadinessRegistry], exports: [ReadinessRegistry] })
export class HealthModule {}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
