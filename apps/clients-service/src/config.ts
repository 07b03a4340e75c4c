import { IsISO31661Alpha2, IsInt, Max, Min } from 'class-validator';
import type { CountryCode } from '@salon/clients/domain';
import { ServiceConfig } from '@salon/shared/nest';

export class ClientsServiceConfig extends ServiceConfig {
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
}
