import { ServiceTokenConfig } from '@salon/shared/nest';

/** Read by the clients service (the client's data package) with service tokens: SERVICE_TOKEN_SECRET. */
export class ConsentServiceConfig extends ServiceTokenConfig {
  override PORT: number = 3004;
}
