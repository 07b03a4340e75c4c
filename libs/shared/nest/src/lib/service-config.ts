import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import type { LogLevel } from '@nestjs/common';
import type { TokenVerifierSettings } from '@salon/shared/auth';
import { DEFAULT_KAFKA_CLIENT, DEFAULT_READ_MODEL_RETIRE_AFTER_SECONDS, KAFKA_CLIENT_KINDS, KafkaClientKind } from '@salon/shared/messaging';
import { productionRefusals } from './production-settings';
import { DEFAULT_WORKER_LEASE_SECONDS, SERVICE_ROLES, ServiceRole } from './workers';
import type { RateLimitSettings } from './rate-limit';

const splitList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;

/**
 * The environment every service reads. Property names are the variable names; a service's
 * own config class extends this one. README lists them and docker-compose.yml sets them
 * (tools/deploy/docker-compose.spec.ts keeps the three in step).
 */
export class ServiceConfig {
  /** `production` refuses development secrets and requires issuer and audience (productionRefusals). */
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsInt()
  @Min(1)
  @Max(65535)
  PORT!: number;

  /**
   * The ops port: `/health/ready` with every check's error, lag and dead letters (OpsServer), on
   * HOST. For operators and probes inside the deployment: never publish it. Unset: no ops port,
   * and the API port's `/health/ready` says only which checks are up or down.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  OPS_PORT?: number;

  /**
   * What this process runs: `all` (the API and the workers), `api` (the HTTP API only), or
   * `workers` (the relay, projections and policies, with the ops port only): the API scales with
   * traffic, the workers with partitions. A relay runs in one process at a time whatever the role.
   */
  @IsIn(SERVICE_ROLES)
  SERVICE_ROLE: ServiceRole = 'all';

  /** How long a relay's lease lasts unrenewed: a standby takes over this long after its holder died. */
  @IsInt()
  @Min(2)
  @Max(300)
  WORKER_LEASE_SECONDS: number = DEFAULT_WORKER_LEASE_SECONDS;

  /** Loopback by default: nothing is exposed unless a deployment says so. */
  @IsString()
  @IsNotEmpty()
  HOST: string = '127.0.0.1';

  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\/.+/, { message: 'must be a mongodb:// connection string' })
  MONGO_URL!: string;

  @Transform(splitList)
  @IsString({ each: true })
  @Matches(/^[^:\s]+:\d+$/, { each: true, message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string[];

  /** The Kafka client behind the messaging port: both keep idempotence, acks=all, per-key order and at-least-once. */
  @IsIn(KAFKA_CLIENT_KINDS)
  KAFKA_CLIENT: KafkaClientKind = DEFAULT_KAFKA_CLIENT;

  /**
   * Prepended to every topic and consumer group name: several environments (e.g. test runs) can
   * share one cluster without reading each other's events. Empty in production.
   */
  @IsOptional()
  @Matches(/^[a-z0-9._-]*$/, { message: 'may contain only a-z, 0-9, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX: string = '';

  /** EventStoreDB connection string (esdb://...). Unset: the embedded store at EVENTSTORE_PATH. */
  @IsOptional()
  @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/.+/, { message: 'must be an esdb:// connection string' })
  EVENTSTORE_URL?: string;

  @IsString()
  @IsNotEmpty()
  EVENTSTORE_PATH: string = '.local/data/eventstore/events.db';

  /** HS256 secret for bearer tokens. Exactly one of JWT_SECRET and JWT_JWKS_URL is set. */
  @ValidateIf((config: ServiceConfig) => !config.JWT_JWKS_URL)
  @IsString({ message: 'set JWT_SECRET (HS256) or JWT_JWKS_URL (identity provider)' })
  @MinLength(32)
  JWT_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http'] })
  JWT_JWKS_URL?: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  /** The oldest bearer token accepted, counted from its `iat`. */
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 60 * 60)
  JWT_MAX_AGE_SECONDS: number = 12 * 60 * 60;

  /** Clock difference tolerated between the identity provider and the service. */
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_SKEW_SECONDS: number = 30;

  /** 32 bytes, base64: wraps the per-client data keys (crypto-shredding). */
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 random bytes, base64-encoded (44 characters)' })
  MASTER_KEY!: string;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: LogLevel = 'log';

  /**
   * How long after a rebuild switched readers to a new read-model version the versions it replaced
   * are dropped (ReadModelRetirement): time for readers that resolved the old one to finish.
   * Services without read models ignore it.
   */
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60 * 60)
  READ_MODEL_RETIRE_AFTER_SECONDS: number = DEFAULT_READ_MODEL_RETIRE_AFTER_SECONDS;

  /** Rate limits (rate-limit.ts): the window, and per class the requests a user / a tenant may send in it. */
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS: number = 60;

  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_USER: number = 300;

  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_TENANT: number = 6000;

  /** Searches and lists: each answers up to 100 full records. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_EXPENSIVE_PER_USER: number = 30;

  @IsInt()
  @Min(1)
  RATE_LIMIT_EXPENSIVE_PER_TENANT: number = 600;

  /** Exports and imports (routes to come). */
  @IsInt()
  @Min(1)
  RATE_LIMIT_BULK_PER_USER: number = 2;

  @IsInt()
  @Min(1)
  RATE_LIMIT_BULK_PER_TENANT: number = 10;

  /** Rules across variables, checked by loadConfig after each variable's own. */
  configurationProblems(): string[] {
    const problems = [
      ...(this.OPS_PORT !== undefined && this.OPS_PORT === this.PORT ? ['OPS_PORT: must differ from PORT'] : []),
      // A workers process listens on no API port: its probes and metrics are on the ops port.
      ...(this.SERVICE_ROLE === 'workers' && this.OPS_PORT === undefined ? ['OPS_PORT: required with SERVICE_ROLE=workers (its only port)'] : []),
    ];
    return [...problems, ...(this.NODE_ENV === 'production' ? productionRefusals(this) : [])];
  }
}

export function rateLimitSettings(config: ServiceConfig): RateLimitSettings {
  return {
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    limits: {
      standard: { perUser: config.RATE_LIMIT_PER_USER, perTenant: config.RATE_LIMIT_PER_TENANT },
      expensive: { perUser: config.RATE_LIMIT_EXPENSIVE_PER_USER, perTenant: config.RATE_LIMIT_EXPENSIVE_PER_TENANT },
      bulk: { perUser: config.RATE_LIMIT_BULK_PER_USER, perTenant: config.RATE_LIMIT_BULK_PER_TENANT },
    },
  };
}

export function tokenVerifierSettings(config: ServiceConfig): TokenVerifierSettings {
  const common = {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    maxTokenAgeSeconds: config.JWT_MAX_AGE_SECONDS,
    clockToleranceSeconds: config.JWT_CLOCK_SKEW_SECONDS,
  };
  if (config.JWT_JWKS_URL) return { kind: 'jwks', jwksUrl: config.JWT_JWKS_URL, ...common };
  // loadConfig already refused a configuration with neither; this guards direct callers.
  if (!config.JWT_SECRET) throw new Error('Set JWT_SECRET or JWT_JWKS_URL');
  return { kind: 'secret', secret: config.JWT_SECRET, ...common };
}
