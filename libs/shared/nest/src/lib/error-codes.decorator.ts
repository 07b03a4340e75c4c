import { SetMetadata } from '@nestjs/common';

/** Metadata key of ErrorCodes (read by routeFactsOf for the OpenAPI document). */
export const ERROR_CODES_METADATA = 'salon:error-codes';

/** The `error` codes a route's own use case answers, by HTTP status. */
export type RouteErrorCodes = Readonly<Partial<Record<number, readonly string[]>>>;

/**
 * The single source of truth for the `error` codes a route's use case can answer: the codes of
 * the DomainErrors (and refusals of its own) it throws, by status, e.g.
 * `@ErrorCodes({ 404: ['client-not-found'], 409: ['client-has-visits'] })`. The OpenAPI
 * post-processor (describeErrorAnswers) adds the codes the shared machinery answers by status
 * (401 Unauthorized, 409 stale-revision with If-Match, 422 idempotency-key-reused, ...) and
 * writes the union as an enum on the answer's `error`; tools/openapi/error-codes.spec.ts fails
 * when the use case throws a DomainError code not listed here. On a controller class, the codes
 * hold for each of its routes (and add to a route's own).
 */
export function ErrorCodes(codes: RouteErrorCodes): ClassDecorator & MethodDecorator {
  return SetMetadata(ERROR_CODES_METADATA, codes);
}

/** The codes of a handler and its controller, merged by status. */
export function mergeErrorCodes(...sources: (RouteErrorCodes | undefined)[]): Record<number, string[]> {
  const merged: Record<number, string[]> = {};
  for (const source of sources) {
    for (const [status, codes] of Object.entries(source ?? {})) {
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...(codes ?? [])])];
    }
  }
  return merged;
}
