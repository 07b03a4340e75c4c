import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, mergeMap, Observable } from 'rxjs';
import { Principal, SERVICE_ROLES } from '@salon/shared/auth';

/**
 * Rate limits per user and per tenant (salon chain), counted in fixed windows shared by every
 * replica of a service through the read-model MongoDB: one atomic upsert per request, on one
 * document per service, tenant, route class and window that holds the tenant's count and each
 * user's. A fixed window lets a user send up to twice the limit across a window's boundary; a
 * sliding window would need a second read per request, and twice a small limit still stops paging
 * through the chain or hammering writes.
 *
 * A route belongs to one class, and each class has its own budget, so a burst of searches does
 * not stop the front desk from saving a form:
 * - `standard`: everything not marked otherwise;
 * - `expensive`: searches and lists (pages of up to 100 full records);
 * - `bulk`: exports and imports (none exist yet; the routes that come declare `@RateLimit('bulk')`).
 * Public routes (health, docs) have no principal and are never limited.
 */
export const RATE_LIMIT_CLASSES = ['standard', 'expensive', 'bulk'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

export const RATE_LIMIT_METADATA = 'salon:rate-limit';
/** The OpenAPI extension naming a route's class (written by describeAccessRules). */
export const RATE_LIMIT_EXTENSION = 'x-rate-limit';

/** The rate-limit class of a route (or of every route of a controller); `standard` when absent. */
export const RateLimit = (rateLimitClass: RateLimitClass) => SetMetadata(RATE_LIMIT_METADATA, rateLimitClass);

export interface ClassLimits {
  /** Requests one user may send in a window. */
  readonly perUser: number;
  /** Requests all users of one tenant together may send in a window. */
  readonly perTenant: number;
}

export interface RateLimitSettings {
  readonly windowSeconds: number;
  readonly limits: Readonly<Record<RateLimitClass, ClassLimits>>;
}

/** The counts after this request's hit, in its window. */
export interface WindowCounts {
  readonly tenant: number;
  readonly user: number;
}

/** Where the windows are counted: MongoDB across replicas; anything with the same contract in tests. */
export interface WindowCounter {
  hit(window: WindowKey): Promise<WindowCounts>;
}

export interface WindowKey {
  readonly rateLimitClass: RateLimitClass;
  readonly tenantId: string;
  readonly userId: string;
  /** Start of the window, in ms since the epoch (a multiple of the window length). */
  readonly windowStart: number;
  /** When the window's document may be dropped (a TTL index does it on MongoDB). */
  readonly expiresAt: Date;
}

export const RATE_LIMIT_WINDOWS_COLLECTION = 'rate_limit_windows';

export interface WindowDocument {
  _id: string;
  service: string;
  tenantId: string;
  rateLimitClass: RateLimitClass;
  windowStart: Date;
  expiresAt: Date;
  total: number;
  /** Per user of the tenant: the user id, base64url-encoded (a field name holds no "." or "$"). */
  users: Record<string, number>;
}

/** The slice of a MongoDB collection the counter uses (mongoose's and the driver's both fit). */
export interface WindowCollection {
  findOneAndUpdate(
    filter: { _id: string },
    update: object,
    options: { upsert: true; returnDocument: 'after'; projection: Record<string, 1> },
  ): Promise<unknown>;
  createIndex(keys: Record<string, 1>, options: { expireAfterSeconds: number; name: string }): Promise<unknown>;
}

export class MongoWindowCounter implements WindowCounter {
  /**
   * @param serviceName each service counts apart (the services may share one database): a busy
   *   day at the front desk in one service does not spend a user's budget in another.
   */
  constructor(
    private readonly windows: WindowCollection,
    private readonly serviceName: string,
  ) {}

  private expiryIndex?: Promise<unknown>;

  /** MongoDB drops windows once they expired; mongo-java-server keeps them (it has no TTL), which is harmless. */
  ensureIndexes(): Promise<unknown> {
    this.expiryIndex ??= this.windows.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expire-windows' }).catch((error: unknown) => {
      this.expiryIndex = undefined; // the next request tries again
      throw error;
    });
    return this.expiryIndex;
  }

  async hit(key: WindowKey): Promise<WindowCounts> {
    // Not awaited: counting works without the index, and a service starts while MongoDB is down.
    this.ensureIndexes().catch(() => undefined);
    // The tenant id sits between fixed names and a number, so no tenant id can collide with another.
    const _id = `${this.serviceName}|${key.rateLimitClass}|${key.tenantId}|${key.windowStart}`;
    const userField = `users.${Buffer.from(key.userId, 'utf8').toString('base64url')}`;
    const update = {
      $inc: { total: 1, [userField]: 1 },
      $setOnInsert: { service: this.serviceName, tenantId: key.tenantId, rateLimitClass: key.rateLimitClass, windowStart: new Date(key.windowStart), expiresAt: key.expiresAt },
    };
    const options = { upsert: true, returnDocument: 'after', projection: { total: 1, [userField]: 1 } } as const;
    let result: unknown;
    try {
      result = await this.windows.findOneAndUpdate({ _id }, update, options);
    } catch (error) {
      // Two first requests of a window racing: one inserted, the other's upsert now updates.
      if (!isDuplicateKey(error)) throw error;
      result = await this.windows.findOneAndUpdate({ _id }, update, options);
    }
    const document = unwrap(result);
    return { tenant: document?.total ?? 1, user: readPath(document, userField) ?? 1 };
  }
}

/** The driver answers the document, or `{ value }` with includeResultMetadata (mongoose's default differs by version). */
function unwrap(result: unknown): Partial<WindowDocument> | null {
  if (result && typeof result === 'object' && 'value' in result && 'ok' in result) return (result as { value: Partial<WindowDocument> | null }).value;
  return result as Partial<WindowDocument> | null;
}

function readPath(document: Partial<WindowDocument> | null, dotted: string): number | undefined {
  const [, user] = dotted.split('.');
  return document?.users?.[user];
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number })?.code === 11000;
}

export class RateLimitExceededException extends HttpException {
  constructor(
    readonly scope: 'user' | 'tenant',
    rateLimitClass: RateLimitClass,
    limit: number,
    windowSeconds: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'rate-limited',
        message: `Too many requests: ${scope === 'user' ? 'you' : 'your salon chain'} may send ${limit} ${rateLimitClass} requests per ${windowSeconds} s. Try again in ${retryAfterSeconds} s.`,
        errors: [{ field: 'request', reason: `over the ${scope} limit of ${limit} ${rateLimitClass} requests per ${windowSeconds} s` }],
        scope,
        rateLimitClass,
        limit,
        retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Decides whether a request is over its limits: counts it in the current window and, when the
 * user or the tenant went over the class's limit, says how long until the window ends.
 */
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  /** The window in which the counter's failure was last logged. */
  private warnedWindow?: number;

  constructor(
    private readonly counter: WindowCounter,
    readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the request may go on; rejects with RateLimitExceededException when it may not. */
  async admit(principal: Pick<Principal, 'tenantId' | 'userId'>, rateLimitClass: RateLimitClass): Promise<void> {
    const { windowSeconds, limits } = this.settings;
    const windowMs = windowSeconds * 1000;
    const now = this.now();
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const windowEnd = windowStart + windowMs;
    let counts: WindowCounts;
    try {
      counts = await this.counter.hit({
        rateLimitClass,
        tenantId: principal.tenantId,
        userId: principal.userId,
        windowStart,
        // Kept a window longer than needed: the clocks of replicas differ a little.
        expiresAt: new Date(windowEnd + windowMs),
      });
    } catch (error) {
      // The limits protect the service; they must not take it down along with MongoDB. Said once a
      // window, not once a request.
      if (this.warnedWindow !== windowStart) {
        this.warnedWindow = windowStart;
        this.logger.warn(`rate limits not counted, requests pass: ${(error as Error).message}`);
      }
      return;
    }
    const { perUser, perTenant } = limits[rateLimitClass];
    const scope = counts.user > perUser ? 'user' : counts.tenant > perTenant ? 'tenant' : undefined;
    if (!scope) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((windowEnd - now) / 1000));
    throw new RateLimitExceededException(scope, rateLimitClass, scope === 'user' ? perUser : perTenant, windowSeconds, retryAfterSeconds);
  }
}

const isServiceRole = (role: string) => (SERVICE_ROLES as readonly string[]).includes(role);

/**
 * Counts every authenticated request before its handler (and before its Idempotency-Key is
 * claimed) and refuses it with 429 and `Retry-After` when the user or the tenant is over the route
 * class's limit. It runs after the guards, so the principal is known and a refused token costs no
 * count; public routes have no principal and pass, and so do service tokens.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const principal = context.switchToHttp().getRequest<Request & { principal?: Principal }>().principal;
    // A service token is one of our services calling on behalf of a user it already counted (the
    // visits service admitting a booking): counting the call again would spend the user's budget twice.
    if (!principal || principal.roles.some(isServiceRole)) return next.handle();
    const rateLimitClass =
      this.reflector.getAllAndOverride<RateLimitClass | undefined>(RATE_LIMIT_METADATA, [context.getHandler(), context.getClass()]) ?? 'standard';
    const admitted = this.limiter.admit(principal, rateLimitClass).catch((error: unknown) => {
      if (error instanceof RateLimitExceededException) {
        context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    });
    return from(admitted).pipe(mergeMap(() => next.handle()));
  }
}
