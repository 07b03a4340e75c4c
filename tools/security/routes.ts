/**
 * The routes of a service as its OpenAPI document (`/docs/json`) lists them, with the access rule
 * each declares (libs/shared/nest openapi-access.ts writes them from the code's metadata).
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: { readonly enum?: readonly unknown[] };
}

interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, unknown>> };
  readonly 'x-public'?: boolean;
  readonly 'x-roles'?: readonly string[];
  readonly 'x-salon-scope'?: readonly string[];
  readonly 'x-rate-limit'?: string;
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Partial<Record<Method, Operation>>>>;
}

export interface Route {
  readonly service: string;
  readonly method: Method;
  /** As the document writes it: `/clients/{clientId}`. */
  readonly path: string;
  /** `PUT /clients/{clientId}`: how the suite names the route in failures and fixtures. */
  readonly label: string;
  readonly isPublic: boolean;
  /** Undefined when the route declares no rule (the suite fails it). */
  readonly roles?: readonly string[];
  /** Its rate-limit class; undefined on public routes (never limited). */
  readonly rateLimit?: string;
  /** What a salon-bound user is refused on: `x-salon-id`, `visit`, `body.salonId`. Empty: chain-wide. */
  readonly salonScope: readonly string[];
  readonly pathParameters: readonly string[];
  readonly queryParameters: readonly Parameter[];
  readonly hasBody: boolean;
  /** Whether the body is JSON (a photo upload's body is the image itself). */
  readonly hasJsonBody: boolean;
}

export function enumerateRoutes(service: string, document: OpenApiDocument): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    METHODS.flatMap((method) => {
      const operation = operations[method];
      if (!operation) return [];
      const parameters = operation.parameters ?? [];
      return [
        {
          service,
          method,
          path,
          label: `${method.toUpperCase()} ${path}`,
          isPublic: operation['x-public'] === true,
          roles: operation['x-roles'],
          rateLimit: operation['x-rate-limit'],
          salonScope: operation['x-salon-scope'] ?? [],
          pathParameters: parameters.filter((p) => p.in === 'path').map((p) => p.name),
          queryParameters: parameters.filter((p) => p.in === 'query'),
          hasBody: operation.requestBody !== undefined,
          hasJsonBody: operation.requestBody?.content?.['application/json'] !== undefined,
        },
      ];
    }),
  );
}
