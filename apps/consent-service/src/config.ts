import { ServiceConfig } from '@salon/shared/nest';

export class ConsentServiceConfig extends ServiceConfig {
  override PORT: number = 3004;
}
