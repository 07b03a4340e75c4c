import { IsUrl } from 'class-validator';
import { ServiceConfig } from '@salon/shared/nest';

export class VisitsServiceConfig extends ServiceConfig {
  override PORT: number = 3002;

  /** The clients service, which admits each booked visit (the client must exist and be active). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CLIENTS_SERVICE_URL: string = 'http://127.0.0.1:3001';
}
