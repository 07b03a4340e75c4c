import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { CONSENT_SERVICE } from './service-description';
import { ConsentServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(ConsentServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    ...CONSENT_SERVICE,
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
