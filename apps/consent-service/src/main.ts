import 'reflect-metadata';
import { createHttpApp, listenService, loadConfig, runService } from '@salon/shared/nest';
import { AppModule } from './app.module';
import { ConsentServiceConfig } from './config';

void runService(async () => {
  const config = loadConfig(ConsentServiceConfig);
  const app = await createHttpApp(AppModule.forConfig(config), {
    name: 'consent-service',
    description:
      'Notification consent of salon clients: the consent ledger with evidence, the "may I send?" query, and the consent-state topic.',
    logLevel: config.LOG_LEVEL,
  });
  await listenService(app, config);
});
