import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { controllerFileOf, reachOf, REPO_ROOT, STATUS_OF_KIND } from './error-code-reach';

/**
 * The `error` enums of the committed OpenAPI documents (docs/api/*.openapi.json, which
 * openapi-documents.int-spec.ts keeps equal to what the code generates) against the code:
 * - every error answer names its codes (ErrorCodes on the route plus the machinery's by status,
 *   libs/shared/nest/src/lib/openapi-contract.ts), so a client can branch on all of them;
 * - every DomainError code a route's use case can throw (error-code-reach.ts: the functions the
 *   controller's folder calls, the domain deciders its commands reach) is in the enum of the status
 *   HttpErrorFilter answers it with, on one of the controller's routes, and the reach builds no code
 *   it cannot read (a code is a literal, or a parameter given a literal by each call);
 * - no enum names a code the code never gives.
 * The refusals of HttpExceptions (the raw uploads' empty-body, corrupt-file, corrupt-image) escape
 * the reach: the contract tests (schemathesis, response_schema_conformance) meet them at run time.
 */

interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { allOf?: { properties?: { error?: { enum?: string[] } } }[] }> };
}

const SERVICES = ['clients', 'visits', 'consent', 'media'] as const;


/** Codes the reach finds that the route cannot answer, and why (the reading of the text is wider than the code's paths). */
const IMPORT_ROW_REFUSAL =
  "the runner's rows (ClientImportRunner, launched in the background): a row the client decider or a phone reservation refuses is a line of the job's report, not the answer of the route";

const UNREACHABLE: Record<string, Record<string, string>> = {
  ...Object.fromEntries(
    ['DryRunClientImportController', 'RunClientImportController', 'CancelClientImportController'].map((controller) => [
      controller,
      Object.fromEntries(
        [
          ...['client-not-found', 'client-already-registered', 'phone-taken', 'client-deleted', 'client-erased'],
          // The rules of a row's fields (the same as registration's), refused in the row's report.
          ...['phone-required', 'invalid-phone', 'invalid-client-id', 'invalid-field-type', 'invalid-email', 'name-too-long', 'invalid-birth-date'],
          ...['invalid-gender', 'comment-too-long', 'invalid-consent-choice', 'sms-to-landline', 'invalid-marketing-consent', 'invalid-discount'],
        ].map((code) => [code, IMPORT_ROW_REFUSAL]),
      ),
    ]),
  ),
  RegisterClientController: { 'client-not-found': 'register() sets the discounts on the state its own ClientRegistered makes: always active' },
  ApplyRetentionPolicyController: {
    'client-not-found': "the run catches each client's DomainError and skips the client (logged), the run goes on",
    'client-on-legal-hold': 'caught per client, as above',
    'client-deleted': 'caught per client, as above',
    'client-erased': 'caught per client, as above',
    'invalid-archived-number': 'caught per client, as above (the erasure of a client the run picked)',
    'invalid-client-id': 'caught per client, as above',
  },
};

const documents = SERVICES.map((service) => ({
  service,
  document: JSON.parse(readFileSync(join(REPO_ROOT, `docs/api/${service}-service.openapi.json`), 'utf8')) as Document,
}));

function enumOf(document: Document, operation: Operation, status: string): string[] | undefined {
  const ref = operation.responses?.[status]?.content?.['application/json']?.schema?.$ref;
  if (!ref) return undefined;
  const schema = document.components.schemas[ref.replace('#/components/schemas/', '')];
  return schema?.allOf?.[1]?.properties?.error?.enum;
}

/** An answer with the shared error body (the health report's 503 has a body of its own). */
function isErrorBody(document: Document, operation: Operation, status: string): boolean {
  const ref = operation.responses?.[status]?.content?.['application/json']?.schema?.$ref ?? '';
  const schema = document.components.schemas[ref.replace('#/components/schemas/', '')] as { allOf?: { $ref?: string }[] } | undefined;
  return schema?.allOf?.[0]?.$ref === '#/components/schemas/ErrorResponse';
}

function operationsOf(document: Document): Operation[] {
  return Object.values(document.paths).flatMap((item) => Object.values(item)).filter((operation) => typeof operation.operationId === 'string');
}

const controllerOf = (operation: Operation): string => (operation.operationId ?? '').split('_')[0] ?? '';

function sourceTexts(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return entry === 'generated' || entry === 'node_modules' ? [] : sourceTexts(path);
    return entry.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry) ? [readFileSync(path, 'utf8')] : [];
  });
}

describe("the OpenAPI documents' error codes", () => {
  it.each(documents.map(({ service, document }) => [service, document] as const))('%s: every error answer names its codes', (_service, document) => {
    const open: string[] = [];
    for (const operation of operationsOf(document)) {
      for (const status of Object.keys(operation.responses ?? {})) {
        if (Number(status) < 400 || !isErrorBody(document, operation, status)) continue;
        const codes = enumOf(document, operation, status);
        if (!codes || codes.length === 0) open.push(`${operation.operationId} ${status}`);
      }
    }
    expect(open).toEqual([]);
  });

  it.each(documents.map(({ service, document }) => [service, document] as const))(
    '%s: every DomainError code a use case can throw is in its enum',
    (service, document) => {
      const missing: string[] = [];
      // The reach is of a controller's file (a file may hold two controllers): its codes are in the enums of one of the file's routes.
      const byFile = new Map<string, { controllers: Set<string>; operations: Operation[] }>();
      for (const operation of operationsOf(document)) {
        const controller = controllerOf(operation);
        const file = controllerFileOf(controller, service);
        expect(file).toBeDefined();
        const entry = byFile.get(file as string) ?? { controllers: new Set<string>(), operations: [] };
        entry.controllers.add(controller);
        entry.operations.push(operation);
        byFile.set(file as string, entry);
      }
      let reached = 0;
      const dynamic: string[] = [];
      for (const [file, { controllers, operations }] of byFile) {
        const reach = reachOf(file);
        dynamic.push(...reach.dynamic);
        for (const thrown of reach.codes) {
          const status = String(STATUS_OF_KIND[thrown.kind]);
          if ([...controllers].some((controller) => UNREACHABLE[controller]?.[thrown.code])) continue;
          reached++;
          const named = operations.some((operation) => enumOf(document, operation, status)?.includes(thrown.code));
          if (!named) missing.push(`${[...controllers].join(', ')}: ${status} ${thrown.code} (thrown at ${thrown.at}); add it to the route's @ErrorCodes`);
        }
      }
      expect(missing).toEqual([]);
      expect(dynamic).toEqual([]);
      expect(reached).toBeGreaterThan(0);
    },
  );

  it('names no code the code never gives', () => {
    const sources = [...sourceTexts(join(REPO_ROOT, 'libs')), ...sourceTexts(join(REPO_ROOT, 'apps'))]
      // The decorators that name them do not count as giving them.
      .map((text) => text.replace(/@ErrorCodes\(\{[\s\S]*?\}\)/g, ''));
    const literals = new Set(sources.flatMap((text) => [...text.matchAll(/'([A-Za-z][\w -]*)'/g)].map((match) => match[1])));
    // A code made of a parameter (`invalid-${field}`) is given by the calls the reach reads it from.
    for (const { service, document } of documents) {
      for (const operation of operationsOf(document)) {
        const file = controllerFileOf(controllerOf(operation), service);
        for (const thrown of file ? reachOf(file).codes : []) literals.add(thrown.code);
      }
    }
    // ServiceClient answers `${service}-unavailable` for the service it names.
    const services = new Set(sources.flatMap((text) => [...text.matchAll(/new ServiceClient\(\s*'([\w-]+)'/g)].map((match) => match[1])));
    const invented: string[] = [];
    for (const { document } of documents) {
      for (const operation of operationsOf(document)) {
        for (const status of Object.keys(operation.responses ?? {})) {
          for (const code of enumOf(document, operation, status) ?? []) {
            const given = literals.has(code) || (code.endsWith('-unavailable') && services.has(code.replace(/-unavailable$/, '')));
            // Nest's own exceptions name their status (error-filter.ts): 'Unauthorized', 'Forbidden', 'Not Found', 'Bad Request'.
            if (!given && !['Unauthorized', 'Forbidden', 'Not Found', 'Bad Request'].includes(code)) invented.push(`${operation.operationId} ${status} ${code}`);
          }
        }
      }
    }
    expect(invented).toEqual([]);
  });
});
