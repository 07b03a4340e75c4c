import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { ClientsServiceConfig } from '../../apps/clients-service/src/config';
import { ConsentServiceConfig } from '../../apps/consent-service/src/config';
import { MediaServiceConfig } from '../../apps/media-service/src/config';
import { VisitsServiceConfig } from '../../apps/visits-service/src/config';

/**
 * docker-compose.yml cannot run on machines without Docker, so this keeps it honest: every
 * service it starts gets exactly the variables its configuration class reads, pointing at
 * services and ports that exist in the file.
 */
interface ComposeService {
  environment?: Record<string, string | number>;
  ports?: string[];
}

/** What an operator puts in the environment; docker compose substitutes `${NAME:?…}` with it. */
const OPERATOR_ENVIRONMENT: Record<string, string> = {
  MASTER_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 73 + 11) % 256)).toString('base64'),
  JWT_SECRET: 'an-operator-generated-secret-of-sixty-four-characters-0123456789',
  JWT_ISSUER: 'https://id.example.com/',
  JWT_AUDIENCE: 'salon-client-base',
  SERVICE_TOKEN_SECRET: 'another-operator-generated-secret-of-sixty-four-characters-012345',
  PHONE_RESERVATION_KEYS: `k1:${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 89 + 5) % 256)).toString('base64')}`,
  MINIO_SECRET_KEY: 'an-operator-generated-object-store-secret-0123456789',
};

function interpolate(text: string): string {
  return text.replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (_, name: string) => {
    const value = OPERATOR_ENVIRONMENT[name];
    if (value === undefined) throw new Error(`docker-compose.yml uses \${${name}}, which operators are not told to set`);
    return value;
  });
}

const compose = parse(interpolate(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8')), { merge: true }) as {
  services: Record<string, ComposeService>;
};

const APP_CONFIGS: Record<string, new () => object> = {
  'clients-service': ClientsServiceConfig,
  'visits-service': VisitsServiceConfig,
  'consent-service': ConsentServiceConfig,
  'media-service': MediaServiceConfig,
};

const INFRASTRUCTURE = ['kafka', 'eventstore', 'mongo', 'minio'];

function variablesReadBy(config: new () => object): { all: string[]; required: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(config, '', true, false);
  const all = [...new Set(metadata.map((m) => m.propertyName))].sort();
  const defaults = new config() as Record<string, unknown>;
  const optional = new Set(metadata.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
  return { all, required: all.filter((name) => defaults[name] === undefined && !optional.has(name)) };
}

function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((mapping) => Number(mapping.split(':').pop()));
}

describe('docker-compose.yml', () => {
  it('runs the production infrastructure and every service', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([...INFRASTRUCTURE, ...Object.keys(APP_CONFIGS)]));
  });

  describe.each(Object.entries(APP_CONFIGS))('%s', (name, config) => {
    const service = compose.services[name];
    const environment = service.environment ?? {};
    const { all, required } = variablesReadBy(config);

    it('sets every required variable and no variable the service does not read', () => {
      expect(required.filter((variable) => !(variable in environment))).toEqual([]);
      expect(Object.keys(environment).filter((variable) => !all.includes(variable))).toEqual([]);
    });

    it('passes a configuration that the service accepts', () => {
      const { loadConfig } = require('@salon/shared/nest') as typeof import('@salon/shared/nest');
      const asStrings = Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)]));
      expect(() => loadConfig(config, asStrings)).not.toThrow();
    });

    it('listens on the port it publishes', () => {
      expect(containerPorts(service)).toContain(Number(environment.PORT));
    });

    it('points at hosts and ports that the file defines', () => {
      const urls = [environment.MONGO_URL, environment.EVENTSTORE_URL, ...(environment.MINIO_ENDPOINT ? [environment.MINIO_ENDPOINT] : [])].map((value) => new URL(String(value)));
      const brokers = String(environment.KAFKA_BROKERS).split(',').map((broker) => new URL(`kafka://${broker}`));
      for (const url of [...urls, ...brokers]) {
        expect(Object.keys(compose.services)).toContain(url.hostname);
        expect(containerPorts(compose.services[url.hostname])).toContain(Number(url.port));
      }
    });
  });
});
