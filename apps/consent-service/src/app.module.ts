import { DynamicModule, Module } from '@nestjs/common';
import { ConsentFeatureModule } from '@salon/consent/feature';
import { AuthModule, HealthModule, InfrastructureModule, tokenVerifierSettings } from '@salon/shared/nest';
import { ConsentServiceConfig } from './config';

@Module({})
export class AppModule {
  static forConfig(config: ConsentServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        HealthModule,
        AuthModule.forRoot(tokenVerifierSettings(config)),
        InfrastructureModule.forRoot({
          serviceName: 'consent-service',
          masterKey: config.MASTER_KEY,
          eventStore: { url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH },
          mongoUrl: config.MONGO_URL,
          kafkaBrokers: config.KAFKA_BROKERS,
        }),
        ConsentFeatureModule.forRoot({ topicPrefix: config.KAFKA_TOPIC_PREFIX }),
      ],
    };
  }
}
