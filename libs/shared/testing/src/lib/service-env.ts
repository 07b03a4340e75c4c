import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { kafkaBrokers, minio, mongoUrl } from './server-addresses';

/** A development secret for tests' HS256 tokens. */
export const TEST_JWT_SECRET = 'test-secret-for-bearer-tokens-0123456789abcdef';
/** A development secret for the services' tokens to each other (SERVICE_TOKEN_SECRET). */
export const TEST_SERVICE_TOKEN_SECRET = 'test-secret-for-service-tokens-0123456789abcdef';
/** 32 bytes, base64. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 42).toString('base64');
/** The clients service's phone-reservation key (PHONE_RESERVATION_KEYS: id:base64 of 32 bytes). */
export const TEST_PHONE_RESERVATION_KEYS = `t1:${Buffer.alloc(32, 43).toString('base64')}`;

/**
 * Rate limits no test reaches: tests that send bursts (the fuzz run, the fault test, e2e suites)
 * are not about limits; the rate-limit tests set small ones of their own.
 */
export const GENEROUS_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_PER_USER: '1000000',
  RATE_LIMIT_PER_TENANT: '1000000',
  RATE_LIMIT_EXPENSIVE_PER_USER: '1000000',
  RATE_LIMIT_EXPENSIVE_PER_TENANT: '1000000',
  RATE_LIMIT_BULK_PER_USER: '1000000',
  RATE_LIMIT_BULK_PER_TENANT: '1000000',
};

/**
 * The environment a service needs, pointing at the local servers, with its own database and
 * event store file so test files do not see each other's data.
 */
export function serviceEnvironment(database: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    // Tests drive the app in-process (supertest); the port is never bound.
    PORT: '3999',
    MONGO_URL: mongoUrl(database),
    KAFKA_BROKERS: kafkaBrokers().join(','),
    // The client under test (KAFKA_CLIENT of the test run), or the default.
    ...(process.env['KAFKA_CLIENT'] ? { KAFKA_CLIENT: process.env['KAFKA_CLIENT'] } : {}),
    EVENTSTORE_PATH: join(tmpdir(), `salon-test-${randomUUID()}`, 'events.db'),
    JWT_SECRET: TEST_JWT_SECRET,
    SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
    MASTER_KEY: TEST_MASTER_KEY,
    PHONE_RESERVATION_KEYS: TEST_PHONE_RESERVATION_KEYS,
    LOG_LEVEL: 'warn',
    ...GENEROUS_RATE_LIMITS,
    ...overrides,
  };
}

/** The MinIO variables of a service (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY), pointing at the local server. */
export function minioEnvironment(): Record<'MINIO_ENDPOINT' | 'MINIO_ACCESS_KEY' | 'MINIO_SECRET_KEY', string> {
  const server = minio();
  return {
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
  };
}
