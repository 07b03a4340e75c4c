import { DynamicModule, Module } from '@nestjs/common';
import { ClientDataExportModule, ClientsFeatureModule, parsePhoneReservationKeys } from '@salon/clients/feature';
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
          // The retention job drops photos through the media service (docs/retention.md).
          photoRemoval: { mediaServiceUrl: config.MEDIA_SERVICE_URL, serviceTokenSecret: config.SERVICE_TOKEN_SECRET },
          clientImport: {
            maxFileBytes: config.IMPORT_MAX_FILE_BYTES,
            fileRetentionMs: config.IMPORT_FILE_RETENTION_HOURS * 3600 * 1000,
            // 100,000 rows as the issue asks, with room; an ods padded by LibreOffice is read without its padding.
            readLimits: { maxUncompressedBytes: 20 * config.IMPORT_MAX_FILE_BYTES, maxRows: 200_001, maxColumns: 200 },
            checkpointEveryRows: config.IMPORT_CHECKPOINT_ROWS,
            rowsAtOnce: config.IMPORT_ROWS_AT_ONCE,
            objectStore: {
              endpoint: config.MINIO_ENDPOINT,
              accessKey: config.MINIO_ACCESS_KEY,
              secretKey: config.MINIO_SECRET_KEY,
              bucket: config.IMPORT_BUCKET,
            },
          },
        }),
        ClientDataExportModule.forRoot({
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          store: {
            endpoint: config.MINIO_ENDPOINT,
            accessKey: config.MINIO_ACCESS_KEY,
            secretKey: config.MINIO_SECRET_KEY,
            bucket: config.DATA_EXPORT_BUCKET,
            versioning: config.DATA_EXPORT_BUCKET_VERSIONING === 'true',
          },
          retentionDays: config.DATA_EXPORT_RETENTION_DAYS,
          linkLifetimeSeconds: config.DATA_EXPORT_LINK_LIFETIME_SECONDS,
          language: config.dataPackageLanguage(),
          serviceTokenSecret: config.SERVICE_TOKEN_SECRET,
          visitsServiceUrl: config.VISITS_SERVICE_URL,
          consentServiceUrl: config.CONSENT_SERVICE_URL,
          mediaServiceUrl: config.MEDIA_SERVICE_URL,
        }),
      ],
    };
  }
}
