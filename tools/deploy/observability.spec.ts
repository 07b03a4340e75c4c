import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';

/**
 * deploy/observability: the alert rules and the Grafana dashboard name only metrics the services
 * export (a renamed metric fails here, not silently in production), and each rule says what it is.
 */
const REPO_ROOT = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

const rules = (parse(read('deploy/observability/prometheus-rules.yaml')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(read('deploy/observability/grafana-dashboard.json')) as {
  uid: string;
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { definition?: string }[] };
};

/** The metrics the services define (`name: '…'` of the prom-client metrics in the code), histograms with their series. */
function exportedMetrics(): Set<string> {
  const sources = [read('libs/shared/nest/src/lib/metrics.ts'), read('libs/shared/event-store/src/lib/metered-event-store.ts')];
  const names = new Set<string>(['up']);
  for (const source of sources) {
    for (const [, constant, name] of source.matchAll(/(?:const (\w+) = '|name: ')([a-z_]+)'/g)) names.add(name ?? constant);
  }
  for (const [, name] of sources.join('\n').matchAll(/const [A-Z_]+ = '([a-z_]+)'/g)) names.add(name);
  for (const name of [...names]) for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
  // prom-client's defaults, from a registry of their own.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const metric of registry.getMetricsAsArray()) {
    const name = (metric as unknown as { name: string }).name;
    for (const suffix of ['', '_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** The metric names a PromQL expression reads (the product's and Node's: salon_, http_, nodejs_, process_, up). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:salon|http|nodejs|process)_[a-z0-9_]+|up)\b(?=\s*[{[)=<>!,]|\s*$|\s+(?:==|>|<|and|or))/g)].map((match) => match[1]);
}

describe('deploy/observability', () => {
  const exported = exportedMetrics();

  it.each(rules.map((rule) => [rule.alert, rule] as const))('the rule %s reads metrics the services export, and says what and how bad', (_alert, rule) => {
    const named = metricsIn(rule.expr);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
    expect(['warning', 'critical']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.for).toMatch(/^\d+m$/);
  });

  it('alerts on what the issue names: lag growing, dead letters, p99 over target, readiness failing', () => {
    const exprs = rules.map((rule) => rule.expr).join('\n');
    for (const metric of ['salon_consumer_lag_messages', 'salon_dead_letters', 'http_request_duration_seconds_bucket', 'salon_readiness_check_up']) expect(exprs).toContain(metric);
  });

  it("the dashboard's panels read metrics the services export", () => {
    expect(dashboard.uid).toBe('salon-client-base');
    const expressions = [...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)), ...dashboard.templating.list.flatMap((variable) => variable.definition ?? [])];
    expect(dashboard.panels.length).toBeGreaterThan(5);
    const unknown = expressions.flatMap(metricsIn).filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
    for (const panel of dashboard.panels) expect(panel.targets.flatMap((target) => metricsIn(target.expr)).length).toBeGreaterThan(0);
  });
});
