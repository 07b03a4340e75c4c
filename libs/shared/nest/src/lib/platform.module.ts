import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth';
import { HealthModule } from './health';
import { InfrastructureModule } from './infrastructure';
import { ServiceConfig, tokenVerifierSettings } from './service-config';

/**
 * What every service of the product stands on: health endpoints, bearer-token auth with roles,
 * and the connections (event store, MongoDB, Kafka, key store) its configuration names.
 */
@Module({})
export class PlatformModule {
  static forService(serviceName: string, config: ServiceConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        HealthModule,
        AuthModule.forRoot(tokenVerifierSettings(config)),
        InfrastructureModule.forRoot({
          serviceName,
          masterKey: config.MASTER_KEY,
          eventStore: { url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH },
          mongoUrl: config.MONGO_URL,
          kafkaBrokers: config.KAFKA_BROKERS,
        }),
      ],
    };
  }
}
