import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { CLIENTS_SERVICE } from './service-description';
import { ClientsServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(ClientsServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    ...CLIENTS_SERVICE,
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
