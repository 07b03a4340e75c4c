import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { APP_CONFIGS, OPERATOR_ENVIRONMENT, variablesReadBy } from './service-environment';

/**
 * docker-compose.yml cannot run on machines without Docker, so this keeps it honest: every
 * service it starts gets exactly the variables its configuration class reads, pointing at
 * services and ports that exist in the file.
 */
interface ComposeService {
  environment?: Record<string, string | number>;
  ports?: string[];
}

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

const INFRASTRUCTURE = ['kafka', 'eventstore', 'mongo', 'minio'];

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
