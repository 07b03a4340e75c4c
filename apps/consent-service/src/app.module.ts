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
        // Consent holds no personal data and reads none of the clients context's: no key store.
        PlatformModule.forService('consent-service', config, { personalData: false }),
        ConsentFeatureModule.forRoot({ topicPrefix: config.KAFKA_TOPIC_PREFIX }),
      ],
    };
  }
}
