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

/** An opaque id (a UUID fits): nothing that could be personal data ("@", "+", spaces), at most 100 characters. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Takes the caller's correlation id (or makes one) and returns it on the response, so one
 * request can be followed through logs, events and Kafka headers.
 *
 * A correlation id that is not opaque is replaced by a generated one, not refused: it only traces
 * the request, gateways and proxies set it without the caller knowing, and a request is not wrong
 * because of it. The caller sees the id used in the response header. What is stored in every
 * event's metadata and Kafka headers (and never shredded) is thus always an opaque id.
 */
export function correlationIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const incoming = request.header(CORRELATION_ID_HEADER);
  const correlationId = incoming !== undefined && CORRELATION_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(CORRELATION_ID_HEADER, correlationId);
  storage.run({ correlationId }, next);
}
