import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttpApp, loadConfig, WorkerHost } from '@salon/shared/nest';
import { RunningService, minio, startServiceProcess, uniqueName } from '@salon/shared/testing';
import { AppModule } from '../app.module';
import { MediaServiceConfig } from '../config';

/** The object store settings of a test: the local MinIO, a bucket of the test's own. */
export function mediaEnvironment(): Record<string, string> {
  const server = minio();
  return {
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    MEDIA_BUCKET: uniqueName('media-test'),
    MEDIA_BUCKET_VERSIONING: 'true',
  };
}

/** The media service in the test's process, configured from `env` as main.ts would be. */
export async function startMediaApp(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(loadConfig(MediaServiceConfig, env))] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureHttpApp(app, { name: 'media-service', description: 'test' });
  // Listening once lets supertest stream large bodies and send requests at a time.
  await app.listen(0, '127.0.0.1');
  // The HTTP side starts without its workers; the tests expect them running.
  await app.get(WorkerHost).whenStarted();
  return app;
}

/**
 * The real clients service as its own process, sharing the test's event store file, database,
 * key store and topic prefix: the media service sets photo references through it over HTTP, as
 * in production (a media test may not import the clients context's code).
 */
export function startClientsService(env: Record<string, string>): Promise<RunningService> {
  return startServiceProcess('clients-service', { ...env, DEFAULT_PHONE_COUNTRY: 'PL' });
}

/** The shared helper, kept under this name for the media tests that import it from here. */
export { removeBucket } from '@salon/shared/testing';
