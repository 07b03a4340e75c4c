import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { ClientsServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(ClientsServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    name: 'clients-service',
    description: 'Client profiles of a salon chain: registration, profile edits, discounts, deletion, search.',
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
