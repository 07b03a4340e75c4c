/**
 * Errors a decider or handler raises when a request cannot be honoured. The HTTP layer maps
 * each kind to a status code; the `reason` is written for the person at the front desk.
 */
export type DomainErrorKind =
  | 'invalid' // the input breaks a rule of the domain (400)
  | 'conflict' // the current state forbids it (409)
  | 'not-found' // nothing with that id for this tenant (404)
  | 'stale' // the caller acted on an older revision (409/412)
  | 'forbidden'; // the caller's role does not allow it (403)

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly reason: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(reason);
    this.name = 'DomainError';
  }

  static invalid(code: string, reason: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('invalid', code, reason, details);
  }

  static conflict(code: string, reason: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('conflict', code, reason, details);
  }

  static notFound(code: string, reason: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('not-found', code, reason, details);
  }
}
