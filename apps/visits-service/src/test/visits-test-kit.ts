import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttpApp, loadConfig, WorkerHost } from '@salon/shared/nest';
import { RunningService, cleanUpServiceEnvironment, startServiceProcess } from '@salon/shared/testing';
import { AppModule } from '../app.module';
import { VisitsServiceConfig } from '../config';

export async function startVisitsApp(env: Record<string, string>): Promise<INestApplication> {
  const config = loadConfig(VisitsServiceConfig, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureHttpApp(app, { name: 'visits-service', description: 'test' });
  // Listening once (loopback, any free port) lets supertest send many requests at a time; an
  // unbound server is bound and closed per request, which resets connections under concurrency.
  await app.listen(0, '127.0.0.1');
  // The HTTP side starts without its workers; the tests expect them running.
  await app.get(WorkerHost).whenStarted();
  return app;
}

export type { RunningService } from '@salon/shared/testing';

/**
 * The real clients service as its own process, sharing the test's event store file, database,
 * key store and topic prefix: the visits service admits bookings through it over HTTP exactly as
 * in production. (A visits test may not import the clients context's code; it talks to it like
 * any other client of its API.)
 */
export function startClientsService(env: Record<string, string>): Promise<RunningService> {
  return startServiceProcess('clients-service', { ...env, DEFAULT_PHONE_COUNTRY: 'PL' });
}

/** What this suite created: its prefixed topics and its database. */
export const cleanUp = cleanUpServiceEnvironment;
