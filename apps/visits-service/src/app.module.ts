import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@salon/shared/nest';
import { VisitsFeatureModule } from '@salon/visits/feature';
import { VisitsServiceConfig } from './config';

@Module({})
export class AppModule {
  static forConfig(config: VisitsServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService('visits-service', config),
        VisitsFeatureModule.forRoot({
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          clientsServiceUrl: config.CLIENTS_SERVICE_URL,
          serviceTokenSecret: config.SERVICE_TOKEN_SECRET,
          readModelRetireAfterMs: config.READ_MODEL_RETIRE_AFTER_SECONDS * 1000,
        }),
      ],
    };
  }
}
