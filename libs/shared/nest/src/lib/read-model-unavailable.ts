import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/** How long a caller is told to wait before it asks again (Retry-After, seconds). */
export const READ_MODEL_RETRY_AFTER_SECONDS = 10;

/** The MongoDB driver's errors for a server it cannot reach or lost (by name: no import of the driver's classes). */
const UNREACHABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
]);

/**
 * Whether an error says the read models' MongoDB cannot be reached (down, a closed port, a
 * connection lost), as opposed to a query it refused: the driver's network and server-selection
 * errors, and mongoose's "buffering timed out" (a command held while the connection is down).
 */
export function isReadModelUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNREACHABLE_ERRORS.has(error.name)) return true;
  return error.name === 'MongooseError' && /buffering timed out/i.test(error.message);
}

/**
 * A 503 for a read of the read models while MongoDB cannot be reached: nothing was read or
 * recorded, the same request may be sent again later (the caller sets Retry-After: the error
 * filter writes the body, not headers).
 */
export class ReadModelUnavailableError extends ServiceUnavailableException {
  constructor(what = "The service's records") {
    super({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'read-model-unavailable',
      message: `${what} cannot be read just now (its database does not answer). Try again in a few seconds.`,
    });
  }
}
