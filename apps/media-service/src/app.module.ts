import { DynamicModule, Module } from '@nestjs/common';
import { MediaFeatureModule } from '@salon/media/feature';
import { PlatformModule } from '@salon/shared/nest';
import { MediaServiceConfig } from './config';

@Module({})
export class AppModule {
  static forConfig(config: MediaServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The media context keeps images and ids, never the clients context's personal fields: no key store.
        PlatformModule.forService('media-service', config, { personalData: false }),
        MediaFeatureModule.forRoot({
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          clientsServiceUrl: config.CLIENTS_SERVICE_URL,
          serviceTokenSecret: config.SERVICE_TOKEN_SECRET,
          storage: {
            endpoint: config.MINIO_ENDPOINT,
            accessKey: config.MINIO_ACCESS_KEY,
            secretKey: config.MINIO_SECRET_KEY,
            bucket: config.MEDIA_BUCKET,
            versioning: config.MEDIA_BUCKET_VERSIONING === 'true',
            urlLifetimeSeconds: config.MEDIA_URL_LIFETIME_SECONDS,
          },
        }),
      ],
    };
  }
}
