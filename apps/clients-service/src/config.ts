import { IsISO31661Alpha2, IsInt, Matches, Max, Min } from 'class-validator';
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
