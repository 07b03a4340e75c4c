import { getMetadataStorage } from 'class-validator';
import { ClientsServiceConfig } from '../../apps/clients-service/src/config';
import { ConsentServiceConfig } from '../../apps/consent-service/src/config';
import { MediaServiceConfig } from '../../apps/media-service/src/config';
import { VisitsServiceConfig } from '../../apps/visits-service/src/config';

/**
 * What the checks of the deployment files (docker-compose.yml, the Helm chart) know of the
 * services: the configuration class each reads, and secrets such as an operator would generate.
 */
export const APP_CONFIGS: Record<string, new () => object> = {
  'clients-service': ClientsServiceConfig,
  'visits-service': VisitsServiceConfig,
  'consent-service': ConsentServiceConfig,
  'media-service': MediaServiceConfig,
};

/** What an operator puts in the environment (docker compose) or in the Secret (the chart). */
export const OPERATOR_ENVIRONMENT: Record<string, string> = {
  MASTER_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 73 + 11) % 256)).toString('base64'),
  JWT_SECRET: 'an-operator-generated-secret-of-sixty-four-characters-0123456789',
  JWT_ISSUER: 'https://id.example.com/',
  JWT_AUDIENCE: 'salon-client-base',
  SERVICE_TOKEN_SECRET: 'another-operator-generated-secret-of-sixty-four-characters-012345',
  PHONE_RESERVATION_KEYS: `k1:${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 89 + 5) % 256)).toString('base64')}`,
  MINIO_SECRET_KEY: 'an-operator-generated-object-store-secret-0123456789',
  MONGO_URL: 'mongodb://salon:operator-password@mongo-0.mongo:27017/salon?replicaSet=rs0',
  EVENTSTORE_URL: 'esdb://eventstore:2113?tls=true',
};

/** Every variable a configuration class reads, and those without a default that must be set. */
export function variablesReadBy(config: new () => object): { all: string[]; required: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(config, '', true, false);
  const all = [...new Set(metadata.map((m) => m.propertyName))].sort();
  const defaults = new config() as Record<string, unknown>;
  const optional = new Set(metadata.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
  return { all, required: all.filter((name) => defaults[name] === undefined && !optional.has(name)) };
}
