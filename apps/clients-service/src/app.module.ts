import { DynamicModule, Module } from '@nestjs/common';
import { ClientsFeatureModule, parsePhoneReservationKeys } from '@salon/clients/feature';
import { PlatformModule } from '@salon/shared/nest';
import { ClientsServiceConfig } from './config';

@Module({})
export class AppModule {
  static forConfig(config: ClientsServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService('clients-service', config),
        ClientsFeatureModule.forRoot({
          defaultPhoneCountry: config.DEFAULT_PHONE_COUNTRY,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          phoneReservationGraceMs: config.PHONE_RESERVATION_GRACE_SECONDS * 1000,
          phoneReservationKeys: parsePhoneReservationKeys(config.PHONE_RESERVATION_KEYS),
          readModelRetireAfterMs: config.READ_MODEL_RETIRE_AFTER_SECONDS * 1000,
        }),
      ],
    };
  }
}
