import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { VisitsServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(VisitsServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    name: 'visits-service',
    description:
      "Visits of salon clients: booking with a chain-wide number, the lifecycle, services and payments; the client's visit list and visit statistics.",
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
