import { DynamicModule, Module } from '@nestjs/common';
import { ConsentFeatureModule } from '@salon/consent/feature';
import { PlatformModule } from '@salon/shared/nest';
import { ConsentServiceConfig } from './config';

@Module({})
export class AppModule {
  static forConfig(config: ConsentServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService('consent-service', config),
        ConsentFeatureModule.forRoot({ topicPrefix: config.KAFKA_TOPIC_PREFIX }),
      ],
    };
  }
}
