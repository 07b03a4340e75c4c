import { IsUrl } from 'class-validator';
import { ServiceTokenConfig } from '@salon/shared/nest';

/** Calls the clients service (admissions) with service tokens: SERVICE_TOKEN_SECRET. */
export class VisitsServiceConfig extends ServiceTokenConfig {
  override PORT: number = 3002;

  /** The clients service, which admits each booked visit (the client must exist and be active). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CLIENTS_SERVICE_URL: string = 'http://127.0.0.1:3001';
}
