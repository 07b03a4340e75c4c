import type { DataPackageLanguage } from '@salon/clients/domain';
import type { ObjectStoreSettings } from '@salon/shared/object-store';

export const DATA_EXPORT_SETTINGS = Symbol('DATA_EXPORT_SETTINGS');

/** What the client's data package reads from the clients service's configuration. */
export interface DataExportSettings {
  /** KAFKA_TOPIC_PREFIX: names the package's background workers (follow-ups) per environment. */
  readonly topicPrefix: string;
  /** MINIO_* and DATA_EXPORT_BUCKET (created on first use, versioned as DATA_EXPORT_BUCKET_VERSIONING says). */
  readonly store: ObjectStoreSettings;
  /** DATA_EXPORT_RETENTION_DAYS: a package is deleted this many days after it was made. */
  readonly retentionDays: number;
  /** DATA_EXPORT_LINK_LIFETIME_SECONDS: how long a download link works (at most 24 h). */
  readonly linkLifetimeSeconds: number;
  /** README.html's language when the request names none (DATA_EXPORT_LANGUAGE, else from DEFAULT_PHONE_COUNTRY). */
  readonly language: DataPackageLanguage;
  /** SERVICE_TOKEN_SECRET: signs the reads of the other contexts' parts. */
  readonly serviceTokenSecret: string;
  readonly visitsServiceUrl: string;
  readonly consentServiceUrl: string;
  readonly mediaServiceUrl: string;
}
