import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'minio';
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

/** Removes the test's bucket with every object version in it. */
export async function removeBucket(bucket: string): Promise<void> {
  const server = minio();
  const client = new Client(server);
  if (!(await client.bucketExists(bucket))) return;
  const entries: { name: string; versionId?: string }[] = [];
  for await (const item of client.listObjects(bucket, '', true, { IncludeVersion: true }) as AsyncIterable<{ name?: string; versionId?: string }>) {
    if (item.name) entries.push({ name: item.name, ...(item.versionId ? { versionId: item.versionId } : {}) });
  }
  for (let start = 0; start < entries.length; start += 1000) await client.removeObjects(bucket, entries.slice(start, start + 1000));
  await client.removeBucket(bucket);
}
