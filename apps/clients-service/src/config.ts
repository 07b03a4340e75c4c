import { IsIn, IsInt, IsISO31661Alpha2, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import type { CountryCode } from '@salon/clients/domain';
import { parsePhoneReservationKeys } from '@salon/clients/feature';
import { ServiceTokenConfig, phoneReservationKeyRefusals } from '@salon/shared/nest';

const PHONE_RESERVATION_KEY = '[a-z0-9]{1,8}:[A-Za-z0-9+/]{43}=';

/** Called by the visits service (admissions) with service tokens: SERVICE_TOKEN_SECRET. */
export class ClientsServiceConfig extends ServiceTokenConfig {
  override PORT: number = 3001;

  /** The chain's country (ISO 3166-1 alpha-2): phone numbers typed without a country code are read as its. */
  @IsISO31661Alpha2({ message: 'must be a two-letter country code, e.g. PL' })
  DEFAULT_PHONE_COUNTRY: CountryCode = 'PL';

  /**
   * How old a phone reservation must be before PhoneReservationSweeper may release it when its
   * client does not use the number (a registration that crashed half-way). Far longer than a
   * registration takes; until then such a number reads as taken.
   */
  @IsInt()
  @Min(1)
  @Max(86_400)
  PHONE_RESERVATION_GRACE_SECONDS: number = 60;

  /**
   * `id:base64,id:base64,…`, current key first: the HMAC keys that name phone-reservation streams
   * (32 random bytes each, `openssl rand -base64 32`). Every key listed names every reservation,
   * so a rotation lists the new key first and the old one after it until the migration has run
   * (README, "Phone reservations").
   */
  @Matches(new RegExp(`^${PHONE_RESERVATION_KEY}(,${PHONE_RESERVATION_KEY})*$`), {
    message: 'must be id:base64 of 32 random bytes, comma-separated, current key first (id: 1-8 of a-z0-9)',
  })
  PHONE_RESERVATION_KEYS!: string;

  /** The largest client spreadsheet an import takes (bytes); a larger upload is a 413 naming it. */
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  IMPORT_MAX_FILE_BYTES: number = 50 * 1024 * 1024;

  /** How long the uploaded file of an import nobody finishes is kept (it holds personal data). */
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  IMPORT_FILE_RETENTION_HOURS: number = 24;

  /**
   * Rows of an import done at the same time (only rows that cannot affect each other: no phone
   * or e-mail in common, no common client). 1 does them one after the other. 64 measured best on
   * 2 cores (bench:import, 3,000 csv rows: 16 → ~120 rows/s, 64 → ~180, 256 → ~135).
   */
  @IsInt()
  @Min(1)
  @Max(256)
  IMPORT_ROWS_AT_ONCE: number = 64;

  /**
   * A checkpoint of a running import every so many rows: what a resumed job repeats at most. Each
   * checkpoint is an event of the job's stream and a write of the buffered report rows; 500 measured
   * ~2.6x faster than 100 at 20,000 csv rows (bench:import; docs/client-import.md).
   */
  @IsInt()
  @Min(16)
  @Max(10_000)
  IMPORT_CHECKPOINT_ROWS: number = 500;

  /** The bucket of uploaded import files (S3 bucket naming rules), unversioned; created when missing. */
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name: 3–63 of a-z, 0-9, "." and "-"' })
  IMPORT_BUCKET: string = 'salon-client-imports';

  /** The object store of the import files (the media service's MinIO). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  MINIO_ENDPOINT: string = 'http://127.0.0.1:19000';

  @IsString()
  @MinLength(3)
  MINIO_ACCESS_KEY: string = 'minioadmin';

  @IsString()
  @MinLength(8)
  MINIO_SECRET_KEY: string = 'minioadmin';

  // The client's data package (docs/data-package.md): the zips' bucket (in MINIO_ENDPOINT's store),
  // their lifetime, and the services whose parts go into them (read with service tokens).

  /** The packages' bucket (apart from the photos'), created on the first package. */
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name: 3–63 of a-z, 0-9, "." and "-"' })
  DATA_EXPORT_BUCKET: string = 'salon-data-exports';

  /** Text, not a boolean: implicit conversion would read "false" as true. Erasure removes every version either way. */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  DATA_EXPORT_BUCKET_VERSIONING: 'true' | 'false' = 'true';

  /** A package is deleted this many days after it was made. */
  @IsInt()
  @Min(1)
  @Max(365)
  DATA_EXPORT_RETENTION_DAYS: number = 7;

  /** How long one download link works: at most 24 hours. */
  @IsInt()
  @Min(60)
  @Max(86_400)
  DATA_EXPORT_LINK_LIFETIME_SECONDS: number = 900;

  /** The language of the package's README.html; by default the chain's country's (PL → pl, RU/BY/KZ → ru, else en). */
  @IsOptional()
  @IsIn(['pl', 'ru', 'en'], { message: 'must be pl, ru or en' })
  DATA_EXPORT_LANGUAGE?: 'pl' | 'ru' | 'en';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  VISITS_SERVICE_URL: string = 'http://127.0.0.1:3002';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CONSENT_SERVICE_URL: string = 'http://127.0.0.1:3004';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  MEDIA_SERVICE_URL: string = 'http://127.0.0.1:3003';

  /** The README's language: the configured one, else the chain's country's. */
  dataPackageLanguage(): 'pl' | 'ru' | 'en' {
    if (this.DATA_EXPORT_LANGUAGE) return this.DATA_EXPORT_LANGUAGE;
    if (this.DEFAULT_PHONE_COUNTRY === 'PL') return 'pl';
    return ['RU', 'BY', 'KZ'].includes(this.DEFAULT_PHONE_COUNTRY) ? 'ru' : 'en';
  }

  override configurationProblems(): string[] {
    const problems = super.configurationProblems();
    try {
      parsePhoneReservationKeys(this.PHONE_RESERVATION_KEYS);
    } catch (error) {
      return [...problems, (error as Error).message];
    }
    if (this.NODE_ENV !== 'production') return problems;
    const keys = this.PHONE_RESERVATION_KEYS.split(',').map((entry) => {
      const [id, base64] = entry.split(':');
      return { id, base64 };
    });
    return [...problems, ...phoneReservationKeyRefusals(keys)];
  }
}
