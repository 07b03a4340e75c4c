import { createHmac, randomUUID } from 'node:crypto';
import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Request } from 'express';
import { Observable, catchError, from, mergeMap, throwError } from 'rxjs';
import type { Principal } from '@salon/shared/auth';
import { idempotencyKeyOf } from './http-preconditions';

/**
 * An `Idempotency-Key` is bound to the first request that used it: the same key again with the
 * same route, user and body is a retry (the command handler then answers like the first time and
 * records nothing twice); with anything else it is refused with 422, before the use case runs, so
 * the second request does nothing at all. The check must come first because a use case may act
 * before its command's own events exist (registration reserves the phone first) and because the
 * ids a use case derives from the key (client id, visit id, event ids) would otherwise attach the
 * second request's effects to the first request's records.
 *
 * Bindings live in MongoDB (`idempotency_keys`, `_id` = tenant and key), claimed atomically by
 * insertOne: of two requests racing with one key, one inserts and the other reads its binding.
 */

export const IDEMPOTENCY_KEYS_COLLECTION = 'idempotency_keys';

/** What makes two requests the same request. */
export interface RequestIdentity {
  /** The route's handler (controller and method): the use case, whatever path spelling reached it. */
  readonly useCase: string;
  readonly userId: string;
  /** Path parameters (the client, the visit, the permission). */
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

/**
 * JSON with object keys sorted at every level, so that two bodies that mean the same thing (keys
 * in another order, other spacing) write the same text. `undefined` members are left out, as
 * JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A keyed hash (HMAC-SHA256) of the request: bodies hold personal data, and a plain hash of a
 * short body (a phone number and little else) could be reversed by trying every number; the
 * stored fingerprint reveals nothing without the secret. A missing body counts as `{}`.
 */
export function requestFingerprint(secret: Buffer, identity: RequestIdentity): string {
  const { useCase, userId, params, query, body } = identity;
  return createHmac('sha256', secret)
    .update(canonicalJson([useCase, userId, params ?? {}, query ?? {}, body ?? {}]))
    .digest('base64url');
}

/** The fingerprints' secret, derived from the master key (so no new secret to configure). */
export function fingerprintSecret(masterKey: Buffer): Buffer {
  return createHmac('sha256', masterKey).update('salon:idempotency-key-fingerprint:v1').digest();
}

export class IdempotencyKeyReusedException extends HttpException {
  constructor() {
    super(
      {
        statusCode: HttpStatus.UNPROCESSABLE_ENTITY,
        error: 'idempotency-key-reused',
        message:
          'This Idempotency-Key was already used for a different request (another body, route or user). ' +
          'Nothing was done; send a new key with a new request.',
        errors: [{ field: 'Idempotency-Key', reason: 'was already used for a different request' }],
      },
      HttpStatus.UNPROCESSABLE_ENTITY,
    );
  }
}

export interface BindingDocument {
  _id: string;
  tenantId: string;
  fingerprint: string;
  useCase: string;
  /** Which request inserted it: only that one may release it. */
  claimId: string;
  createdAt: Date;
}

/** The slice of a MongoDB collection the registry uses (mongoose's and the driver's both fit). */
export interface BindingCollection {
  insertOne(document: BindingDocument): Promise<unknown>;
  findOne(filter: { _id: string }): Promise<unknown>;
  deleteOne(filter: { _id: string; claimId: string }): Promise<unknown>;
}

/** A claimed key: `first` when this request bound it, `retry` when an identical request had. */
export interface Claim {
  readonly kind: 'first' | 'retry';
  readonly release: () => Promise<void>;
}

export class IdempotencyKeys {
  private readonly logger = new Logger(IdempotencyKeys.name);

  constructor(
    private readonly bindings: BindingCollection,
    private readonly secret: Buffer,
  ) {}

  /** Binds `key` to the request, or confirms it is a retry of the request it is bound to; 422 otherwise. */
  async claim(tenantId: string, key: string, identity: RequestIdentity): Promise<Claim> {
    const _id = bindingId(this.secret, tenantId, key);
    const fingerprint = requestFingerprint(this.secret, identity);
    // Twice: the binding read after a duplicate may have just been released by a refused request.
    for (let attempt = 1; ; attempt++) {
      const claimId = randomUUID();
      try {
        await this.bindings.insertOne({ _id, tenantId, fingerprint, useCase: identity.useCase, claimId, createdAt: new Date() });
        return { kind: 'first', release: () => this.release(_id, claimId) };
      } catch (error) {
        if (!isDuplicateKey(error)) throw this.unavailable(error);
      }
      const bound = (await this.bindings.findOne({ _id }).catch((error) => Promise.reject(this.unavailable(error)))) as
        | Pick<BindingDocument, 'fingerprint'>
        | null;
      if (bound) {
        if (bound.fingerprint !== fingerprint) throw new IdempotencyKeyReusedException();
        return { kind: 'retry', release: async () => undefined };
      }
      if (attempt >= 2) throw this.unavailable(new Error('the binding of an idempotency key kept vanishing'));
    }
  }

  private async release(_id: string, claimId: string): Promise<void> {
    await this.bindings.deleteOne({ _id, claimId }).catch((error: Error) => {
      // The key then stays bound to a request that did nothing: a retry with the same body still works.
      this.logger.warn(`could not release an idempotency key: ${error.message}`);
    });
  }

  private unavailable(error: unknown): ServiceUnavailableException {
    this.logger.error(`idempotency keys unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return new ServiceUnavailableException({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'idempotency-keys-unavailable',
      message: 'The Idempotency-Key could not be checked right now, so nothing was done. Try again in a moment.',
    });
  }
}

/**
 * The binding's id: the tenant and an HMAC of the key, never the key itself — a caller may have
 * made its keys of something personal ("kowalska-2026-05-01"), which must not outlive an erasure
 * in clear (the keys are opaque to us, so we cannot tell).
 */
function bindingId(secret: Buffer, tenantId: string, key: string): string {
  return `${tenantId}|${createHmac('sha256', secret).update(key).digest('base64url')}`;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * A refusal by the HTTP layer (validation pipe, path-parameter pipes, If-Match, the salon header):
 * the request as sent was not accepted and no use case ran. Use cases refuse with DomainError;
 * their refusals keep the key bound, since they may come after a first step was taken.
 */
function refusedBeforeTheUseCase(error: unknown): boolean {
  return error instanceof HttpException && error.getStatus() < 500 && !(error instanceof IdempotencyKeyReusedException);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global: every authenticated write request that carries an `Idempotency-Key` claims it before its
 * handler runs (see IdempotencyKeys). A request the HTTP layer refused releases the key it bound,
 * so a corrected request may use it.
 */
@Injectable()
export class IdempotencyKeyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyKeys) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = request.principal;
    if (SAFE_METHODS.has(request.method) || !principal) return next.handle();
    const key = idempotencyKeyOf(request.header('idempotency-key'));
    if (key === undefined) return next.handle();

    const claim = await this.keys.claim(principal.tenantId, key, {
      useCase: `${context.getClass().name}.${context.getHandler().name}`,
      userId: principal.userId,
      params: request.params,
      query: request.query,
      body: request.body,
    });
    return next.handle().pipe(
      catchError((error: unknown) =>
        claim.kind === 'first' && refusedBeforeTheUseCase(error)
          ? from(claim.release()).pipe(mergeMap(() => throwError(() => error)))
          : throwError(() => error),
      ),
    );
  }
}
