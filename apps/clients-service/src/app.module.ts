import { DynamicModule, Module } from '@nestjs/common';
import { ClientsFeatureModule } from '@salon/clients/feature-profile';
import { AuthModule, HealthModule, InfrastructureModule, tokenVerifierSettings } from '@salon/shared/nest';
import { ClientsServiceConfig } from './config';

@Module({})
export class AppModule {
  static forConfig(config: ClientsServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        HealthModule,
        AuthModule.forRoot(tokenVerifierSettings(config)),
        InfrastructureModule.forRoot({
          serviceName: 'clients-service',
          masterKey: config.MASTER_KEY,
          eventStore: { url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH },
          mongoUrl: config.MONGO_URL,
          kafkaBrokers: config.KAFKA_BROKERS,
        }),
        ClientsFeatureModule.forRoot({
          defaultPhoneCountry: config.DEFAULT_PHONE_COUNTRY,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
        }),
      ],
    };
  }
}
