import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { DomainError, DomainErrorKind } from '@salon/shared/ddd';
import { EventStoreUnavailableError, StreamDeletedError, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { isReadModelUnreachable, READ_MODEL_RETRY_AFTER_SECONDS, ReadModelUnavailableError } from './read-model-unavailable';
import { CORRELATION_ID_HEADER, currentRequestContext } from './request-context';

const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  'not-found': HttpStatus.NOT_FOUND,
  stale: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
};

/**
 * Turns every failure into a JSON body with a status code the caller can act on. Domain and
 * concurrency errors are expected outcomes (4xx); anything else is a 500 whose details stay
 * in the log, correlated by id.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // The request context may not reach errors raised in stream callbacks (body parsing); the
    // header the correlation middleware set always does.
    const correlationId = currentRequestContext()?.correlationId ?? headerValue(response.getHeader(CORRELATION_ID_HEADER));
    const unreachable = isReadModelUnreachable(exception);
    const { status, body } = this.toHttp(unreachable ? new ReadModelUnavailableError() : exception);
    if (unreachable) {
      // MongoDB is down or lost: the server's outage, not a bug (503, not 500); the caller may ask again.
      this.logger.error(`MongoDB cannot be reached: ${(exception as Error).name}`);
      response.setHeader('Retry-After', String(READ_MODEL_RETRY_AFTER_SECONDS));
    } else if (status >= 500 || exception instanceof StreamDeletedError) {
      this.logger.error(exception instanceof Error ? exception : String(exception));
    }
    response.status(status).json({ ...body, correlationId });
  }

  private toHttp(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof DomainError) {
      const status = STATUS_OF[exception.kind];
      const { field, ...details } = exception.details;
      // A rule about one field reads like a validation error: the caller can point at the field.
      const errors = typeof field === 'string' ? { errors: [{ field, reason: exception.reason }] } : {};
      return {
        status,
        body: { statusCode: status, error: exception.code, message: exception.reason, ...errors, ...details },
      };
    }
    if (exception instanceof WrongExpectedRevisionError) {
      return {
        status: HttpStatus.CONFLICT,
        body: {
          statusCode: HttpStatus.CONFLICT,
          error: 'stale-revision',
          message: 'The record was changed by someone else since you loaded it. Reload it and save again.',
          currentRevision: String(exception.actualRevision),
        },
      };
    }
    if (exception instanceof EventStoreUnavailableError) {
      // Nothing was decided: a retry (with the same Idempotency-Key) is safe once the store is back.
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: {
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          error: 'event-store-unavailable',
          message: 'The event store cannot be reached just now. Try again shortly.',
        },
      };
    }
    if (exception instanceof StreamDeletedError) {
      // An operator deleted the stream in the store; the stream name stays in the log, not in the answer.
      return {
        status: HttpStatus.GONE,
        body: { statusCode: HttpStatus.GONE, error: 'stream-deleted', message: 'This record was deleted from the event store.' },
      };
    }
    if (exception instanceof HttpException) {
      const payload = exception.getResponse();
      const body = (typeof payload === 'string' ? { statusCode: exception.getStatus(), message: payload } : payload) as Record<string, unknown>;
      // Every answer names an `error` (the OpenAPI error body requires it): a bare HttpException gets its status's name.
      const error = typeof body.error === 'string' ? body.error : (STATUS_CODES[exception.getStatus()] ?? 'Error');
      return { status: exception.getStatus(), body: withFieldErrors(exception.getStatus(), { ...body, error }) };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side.' },
    };
  }
}

function headerValue(value: number | string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A 400 of Nest's own (a path that does not decode, a built-in pipe) names no field: it is about
 * the request as a whole, and says so in the standard shape.
 */
function withFieldErrors(status: number, body: Record<string, unknown>): Record<string, unknown> {
  if (status !== HttpStatus.BAD_REQUEST || Array.isArray(body.errors)) return body;
  const reason = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? 'is not a valid request');
  return { ...body, errors: [{ field: 'request', reason }] };
}
