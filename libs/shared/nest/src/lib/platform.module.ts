import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Connection } from 'mongoose';
import { parseMasterKey } from '@salon/shared/crypto';
import { AuthModule } from './auth';
import { HealthModule } from './health';
import { BindingDocument, IDEMPOTENCY_KEYS_COLLECTION, IdempotencyKeyInterceptor, IdempotencyKeys, fingerprintSecret } from './idempotency';
import { InfrastructureModule, MONGO_CONNECTION } from './infrastructure';
import { serviceTokenSettings } from './service-token-config';
import { MongoWindowCounter, RATE_LIMIT_WINDOWS_COLLECTION, RateLimiter, RateLimitInterceptor, WindowDocument } from './rate-limit';
import { rateLimitSettings, ServiceConfig, tokenVerifierSettings } from './service-config';

/**
 * What every service of the product stands on: health endpoints, bearer-token auth with roles,
 * rate limits per user and tenant, Idempotency-Key bindings, the page-cursor codec, and the
 * connections (event store, MongoDB, Kafka, key store) its configuration names.
 */
@Module({})
export class PlatformModule {
  /**
   * `personalData: false` for a service that keeps no personal data (the consent service): it gets
   * no key store and no PersonalDataCipher, so nothing in it can read anyone's personal data.
   */
  static forService(serviceName: string, config: ServiceConfig, options: { readonly personalData?: boolean } = {}): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        HealthModule,
        AuthModule.forRoot(tokenVerifierSettings(config), serviceTokenSettings(serviceName, config)),
        InfrastructureModule.forRoot({
          serviceName,
          masterKey: config.MASTER_KEY,
          eventStore: { url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH },
          mongoUrl: config.MONGO_URL,
          kafkaBrokers: config.KAFKA_BROKERS,
          kafkaClient: config.KAFKA_CLIENT,
          personalData: options.personalData ?? true,
        }),
      ],
      providers: [
        {
          provide: RateLimiter,
          inject: [MONGO_CONNECTION],
          useFactory: (mongo: Connection) =>
            new RateLimiter(new MongoWindowCounter(mongo.collection<WindowDocument>(RATE_LIMIT_WINDOWS_COLLECTION), serviceName), rateLimitSettings(config)),
        },
        // Interceptors run in this order: a request over its limit claims no Idempotency-Key.
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
        {
          provide: IdempotencyKeys,
          inject: [MONGO_CONNECTION],
          useFactory: (mongo: Connection) =>
            new IdempotencyKeys(mongo.collection<BindingDocument>(IDEMPOTENCY_KEYS_COLLECTION), fingerprintSecret(parseMasterKey(config.MASTER_KEY))),
        },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyKeyInterceptor },
      ],
    };
  }
}
