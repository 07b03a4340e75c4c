import { IsIn, IsInt, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { ServiceTokenConfig } from '@salon/shared/nest';
import { mediaStorageRefusals } from './production-settings';

/**
 * Calls the clients service (the photo reference, on the client's stream) with service tokens
 * (SERVICE_TOKEN_SECRET), and keeps the photos in MinIO or any S3.
 */
export class MediaServiceConfig extends ServiceTokenConfig {
  override PORT: number = 3003;

  /** The clients service, which decides on the client's own stream that the photo is the client's. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CLIENTS_SERVICE_URL: string = 'http://127.0.0.1:3001';

  /** The object store, e.g. http://127.0.0.1:9000 (https in production). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  MINIO_ENDPOINT!: string;

  @IsString()
  @MinLength(3)
  MINIO_ACCESS_KEY!: string;

  @IsString()
  @MinLength(8)
  MINIO_SECRET_KEY!: string;

  /** One bucket per environment (S3 bucket naming rules). Created at start when missing. */
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name: 3–63 of a-z, 0-9, "." and "-"' })
  MEDIA_BUCKET: string = 'salon-media';

  /**
   * Whether the bucket keeps object versions; erasure removes every version either way. Text, not
   * a boolean: implicit conversion would read "false" (and "yes") as true.
   */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  MEDIA_BUCKET_VERSIONING: 'true' | 'false' = 'true';

  /** How long a presigned link to a photo works. */
  @IsInt()
  @Min(10)
  @Max(3600)
  MEDIA_URL_LIFETIME_SECONDS: number = 300;

  override configurationProblems(): string[] {
    return [...super.configurationProblems(), ...(this.NODE_ENV === 'production' ? mediaStorageRefusals(this) : [])];
  }
}
