/**
 * The environment the Helm chart gives each pod, against what the service reads (a step of
 * deploy/helm/check.sh, on the output of `helm template`): every Deployment of a service sets
 * every variable its configuration requires and none it does not read, and the service accepts
 * the result, with NODE_ENV=production and the chart's secret references filled in as an operator
 * would (tools/deploy/service-environment.ts; docker-compose.spec.ts holds docker-compose.yml to
 * the same rules).
 *
 *   node -r @swc-node/register tools/deploy/chart-environment.ts <rendered.yaml>
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '@salon/shared/nest';
import { APP_CONFIGS, OPERATOR_ENVIRONMENT, variablesReadBy } from './service-environment';

interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: { template: { spec: { containers: Container[] } } };
}
interface Container {
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }[];
}

/** The variables one container gets: its ConfigMaps' entries, then its own (which win, as in Kubernetes). */
function environmentOf(container: Container, configMaps: ReadonlyMap<string, Record<string, string>>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const data = configMaps.get(name);
    if (!data) throw new Error(`envFrom names the ConfigMap ${name}, which the chart does not make`);
    Object.assign(environment, data);
  }
  for (const variable of container.env ?? []) {
    const secretKey = variable.valueFrom?.secretKeyRef?.key;
    const value = secretKey === undefined ? variable.value : OPERATOR_ENVIRONMENT[secretKey];
    if (value === undefined) throw new Error(`${variable.name} refers to the secret key ${secretKey}, which operators are not told to set`);
    environment[variable.name] = value;
  }
  return environment;
}

export function chartEnvironmentProblems(manifests: readonly Manifest[]): string[] {
  const configMaps = new Map(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => [m.metadata.name, m.data ?? {}]));
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  const problems: string[] = [];
  for (const [service, config] of Object.entries(APP_CONFIGS)) {
    const own = deployments.filter((d) => d.metadata.labels?.['salon.service'] === service);
    if (own.length === 0) problems.push(`${service}: no Deployment`);
    const { all, required } = variablesReadBy(config);
    for (const deployment of own) {
      const where = `${deployment.metadata.name}`;
      for (const container of deployment.spec?.template.spec.containers ?? []) {
        try {
          const environment = environmentOf(container, configMaps);
          const names = Object.keys(environment);
          problems.push(
            ...required.filter((name) => !names.includes(name)).map((name) => `${where}: ${name} is required and not set`),
            ...names.filter((name) => !all.includes(name)).map((name) => `${where}: ${name} is set, and ${service} does not read it`),
          );
          loadConfig(config, environment);
        } catch (error) {
          problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  }
  return problems;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: chart-environment.ts <rendered.yaml>');
    process.exit(2);
  }
  const manifests = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
  const problems = chartEnvironmentProblems(manifests);
  for (const problem of problems) console.error(problem);
  const deployments = manifests.filter((m) => m.kind === 'Deployment').length;
  console.log(`environment: ${deployments} Deployments checked against their services' configuration, ${problems.length} problems`);
  process.exit(problems.length === 0 ? 0 : 1);
}
