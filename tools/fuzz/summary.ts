/**
 * The fuzz run's table: per service the operations of its OpenAPI document, the requests
 * schemathesis sent (from its HAR report) and how they were answered; then every operation
 * that answered 5xx. Exits 1 on any 5xx or a missing report.
 *
 *   node -r @swc-node/register tools/fuzz/summary.ts <run dir> <excluded paths (regex)> <service>...
 *
 * Reads <run dir>/<service>.openapi.json and <run dir>/<service>/har-*.json.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface HarEntry {
  readonly request: { readonly method: string; readonly url: string };
  readonly response: { readonly status: number };
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
}

export interface ServiceCounts {
  readonly service: string;
  readonly operations: number;
  readonly operationsRequested: number;
  readonly requests: number;
  readonly byClass: Readonly<Record<'2xx' | '3xx' | '4xx' | '5xx' | 'none', number>>;
  /** `METHOD /path/{template}` → number of 5xx answers. */
  readonly serverErrors: ReadonlyMap<string, number>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function operationsOf(openApi: { paths?: Record<string, Record<string, unknown>> }): Operation[] {
  return Object.entries(openApi.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => ({ method: method.toUpperCase(), path, pattern: templatePattern(path) })),
  );
}

/** `/visits/{visitId}/payments` → a regular expression matching its concrete paths. */
function templatePattern(path: string): RegExp {
  const escaped = path
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${escaped}/?$`);
}

function statusClass(status: number): keyof ServiceCounts['byClass'] {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500) return '5xx';
  return 'none'; // no answer (HAR status 0): a timeout or a reset connection
}

export function countService(service: string, operations: readonly Operation[], entries: readonly HarEntry[]): ServiceCounts {
  const byClass = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, none: 0 };
  const serverErrors = new Map<string, number>();
  const requested = new Set<string>();
  for (const { request, response } of entries) {
    const path = new URL(request.url).pathname;
    const operation = operations.find((candidate) => candidate.method === request.method && candidate.pattern.test(path));
    // schemathesis also probes methods the document does not name (TRACE, PATCH, ...) on known paths.
    const onPath = operation ?? operations.find((candidate) => candidate.pattern.test(path));
    const name = operation
      ? `${operation.method} ${operation.path}`
      : `${request.method} ${onPath?.path ?? '(a path not in the document)'} (method not in the document)`;
    if (operation) requested.add(name);
    const kind = statusClass(response.status);
    byClass[kind]++;
    if (kind === '5xx' || kind === 'none') serverErrors.set(name, (serverErrors.get(name) ?? 0) + 1);
  }
  return { service, operations: operations.length, operationsRequested: requested.size, requests: entries.length, byClass, serverErrors };
}

export function formatTable(rows: readonly ServiceCounts[]): string {
  const header = ['service', 'operations', 'requested', 'requests', '2xx', '4xx', '5xx', 'no answer'];
  const lines = rows.map((row) => [
    row.service,
    String(row.operations),
    String(row.operationsRequested),
    String(row.requests),
    String(row.byClass['2xx'] + row.byClass['3xx']),
    String(row.byClass['4xx']),
    String(row.byClass['5xx']),
    String(row.byClass.none),
  ]);
  const widths = header.map((cell, index) => Math.max(cell.length, ...lines.map((line) => line[index].length)));
  const format = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`;
  return [format(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

function harEntries(dir: string): HarEntry[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => /^har-.*\.json$/.test(file)) : [];
  return files.flatMap((file) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { log: { entries: HarEntry[] } }).log.entries);
}

function main(): void {
  const [runDir, excluded, ...services] = process.argv.slice(2);
  const fuzzed = (operation: Operation) => !new RegExp(excluded).test(operation.path);
  const rows = services.map((service) => {
    const openApi = JSON.parse(readFileSync(join(runDir, `${service}.openapi.json`), 'utf8'));
    return countService(service, operationsOf(openApi).filter(fuzzed), harEntries(join(runDir, service)));
  });
  console.log(formatTable(rows));
  let failed = false;
  for (const row of rows) {
    if (row.requests === 0) {
      console.log(`${row.service}: no request recorded (schemathesis did not run)`);
      failed = true;
    }
    for (const [operation, count] of row.serverErrors) {
      console.log(`${row.service}: ${operation} answered ${count} time(s) with a server error or not at all`);
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
