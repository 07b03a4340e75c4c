import { IsString, MinLength } from 'class-validator';
import type { ServiceTokenSettings } from './auth';
import { serviceTokenRefusals } from './production-settings';
import { ServiceConfig } from './service-config';

/**
 * The configuration of a service that calls another one or is called by one (visits → clients):
 * they share SERVICE_TOKEN_SECRET, under which the caller signs a service token per call and the
 * called service verifies it (libs/shared/auth service-token.ts).
 */
export class ServiceTokenConfig extends ServiceConfig {
  /** HS256 secret of the service tokens; known to the services only, never JWT_SECRET. */
  @IsString({ message: 'set SERVICE_TOKEN_SECRET (the secret the services sign their calls to each other with)' })
  @MinLength(32)
  SERVICE_TOKEN_SECRET!: string;

  override configurationProblems(): string[] {
    return [...super.configurationProblems(), ...(this.NODE_ENV === 'production' ? serviceTokenRefusals(this) : [])];
  }
}

/** The service tokens a service accepts: addressed to it, under the shared secret; none without one. */
export function serviceTokenSettings(serviceName: string, config: ServiceConfig): ServiceTokenSettings | undefined {
  return config instanceof ServiceTokenConfig ? { serviceName, secret: config.SERVICE_TOKEN_SECRET } : undefined;
}
