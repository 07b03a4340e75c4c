export const MEDIA_SETTINGS = Symbol('MEDIA_SETTINGS');

/** What the media context reads from the service's configuration. */
export interface MediaSettings {
  /** KAFKA_TOPIC_PREFIX: namespaces topics and consumer groups of one environment. */
  readonly topicPrefix: string;
  /** CLIENTS_SERVICE_URL: where the client's photo reference is set (decided on the client's stream). */
  readonly clientsServiceUrl: string;
  /** SERVICE_TOKEN_SECRET: signs the service tokens of the calls to the clients service. */
  readonly serviceTokenSecret: string;
  readonly storage: PhotoStorageSettings;
}

export interface PhotoStorageSettings {
  /** MINIO_ENDPOINT, e.g. http://127.0.0.1:9000. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** MEDIA_BUCKET: one bucket per environment, created at start when missing. */
  readonly bucket: string;
  /** MEDIA_BUCKET_VERSIONING: whether the bucket keeps object versions (erasure removes them all). */
  readonly versioning: boolean;
  /** MEDIA_URL_LIFETIME_SECONDS: how long a presigned link to a photo works. */
  readonly urlLifetimeSeconds: number;
}
