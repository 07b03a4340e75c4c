import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { MEDIA_SERVICE } from './service-description';
import { MediaServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(MediaServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    ...MEDIA_SERVICE,
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
