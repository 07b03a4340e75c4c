import {
  CanActivate,
  createParamDecorator,
  DynamicModule,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  Module,
  Optional,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  claimsServiceIssuer,
  InvalidTokenError,
  Principal,
  Role,
  ServiceRole,
  ServiceTokenVerifier,
  TokenVerifier,
  TokenVerifierSettings,
} from '@salon/shared/auth';
import { currentRequestContext } from './request-context';

/** Route metadata keys: what @Public and @Roles declare, readable by tools that list routes. */
export const PUBLIC_METADATA = 'salon:public';
export const ROLES_METADATA = 'salon:roles';

/** A route anyone may call without a token (health checks, API docs). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

/**
 * The roles allowed on a route (or every route of a controller). Routes without it are refused.
 * A route that names only service roles (`service:visits`) takes service tokens only: no user
 * token carries such a role, so a user is refused with 403 whatever roles they have.
 */
export const Roles = (...roles: (Role | ServiceRole)[]) => SetMetadata(ROLES_METADATA, roles);

type AuthenticatedRequest = Request & { principal?: Principal };

/** The verified caller. Its tenantId is the only tenant a handler may use. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthorizedException('authentication required');
  return principal;
});

/**
 * Global guard: every route needs a valid bearer token (401 otherwise) and one of the roles
 * its @Roles names (403 otherwise). Deny by default: a route with neither @Public nor @Roles
 * answers 403, so a forgotten decorator cannot open a route. A bearer token is a user's (verified
 * by TokenVerifier) or, where SERVICE_TOKEN_SECRET is configured, one of our services' (verified
 * by ServiceTokenVerifier; see service-token.ts); the route's roles decide which it admits.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Optional() private readonly serviceTokens?: ServiceTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.header('authorization') ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException('a bearer token is required (Authorization: Bearer <token>)');
    }
    try {
      request.principal =
        this.serviceTokens && claimsServiceIssuer(token)
          ? await this.serviceTokens.verify(token, { method: request.method, path: request.path })
          : await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException(error.message);
      throw error;
    }
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.tenantId = request.principal.tenantId;

    const allowed = this.reflector.getAllAndOverride<(Role | ServiceRole)[] | undefined>(ROLES_METADATA, targets);
    if (!allowed) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no @Roles; refusing`);
      throw new ForbiddenException('this route is not open to any role');
    }
    if (!request.principal.roles.some((role) => allowed.includes(role))) {
      throw new ForbiddenException(`this action needs one of the roles: ${allowed.join(', ')}`);
    }
    return true;
  }
}

/** Service tokens this service accepts: those addressed to it (its name) under the shared secret. */
export interface ServiceTokenSettings {
  readonly serviceName: string;
  readonly secret: string;
}

@Module({})
export class AuthModule {
  static forRoot(settings: TokenVerifierSettings, serviceTokens?: ServiceTokenSettings): DynamicModule {
    const serviceTokenVerifier = serviceTokens ? [{ provide: ServiceTokenVerifier, useValue: new ServiceTokenVerifier(serviceTokens.secret, serviceTokens.serviceName) }] : [];
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: TokenVerifier, useValue: new TokenVerifier(settings) }, ...serviceTokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TokenVerifier],
    };
  }
}
