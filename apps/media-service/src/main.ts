import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { MediaServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(MediaServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    name: 'media-service',
    description:
      "Client photos: checked and re-encoded uploads, renditions and downloads through short-lived links to the object store, erased with the client.",
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
