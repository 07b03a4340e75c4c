import { CountryCode } from '@salon/clients/domain';

export const CLIENTS_SETTINGS = Symbol('CLIENTS_SETTINGS');

export interface ClientsSettings {
  /** The chain's country, for phone numbers typed without a country code. */
  readonly defaultPhoneCountry: CountryCode;
}
