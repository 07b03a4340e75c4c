import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { VISITS_SERVICE } from './service-description';
import { VisitsServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(VisitsServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    ...VISITS_SERVICE,
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
