import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export interface RequestContext {
  readonly correlationId: string;
  /** Set by the auth guard once the bearer token is verified. */
  tenantId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const CORRELATION_ID_HEADER = 'x-correlation-id';

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes the caller's correlation id (or makes one) and returns it on the response, so one
 * request can be followed through logs, events and Kafka headers.
 */
export function correlationIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.header(CORRELATION_ID_HEADER);
  // Never echo arbitrary header content into logs and headers.
  const correlationId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(CORRELATION_ID_HEADER, correlationId);
  storage.run({ correlationId }, next);
}
