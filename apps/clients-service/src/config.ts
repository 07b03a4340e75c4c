import { ServiceConfig } from '@salon/shared/nest';

export class ClientsServiceConfig extends ServiceConfig {
  override PORT: number = 3001;
}
