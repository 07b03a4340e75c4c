import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttpApp, loadConfig, WorkerHost } from '@salon/shared/nest';
import { AppModule } from '../app.module';
import { ClientsServiceConfig } from '../config';

/** The clients service in the test's process, configured from `env` as main.ts would be. */
export async function startClientsApp(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(loadConfig(ClientsServiceConfig, env))] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureHttpApp(app, { name: 'clients-service', description: 'test' });
  await app.init();
  // The HTTP side starts without its workers; the tests expect them running.
  await app.get(WorkerHost).whenStarted();
  return app;
}
