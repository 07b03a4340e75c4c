import {
  CanActivate,
  createParamDecorator,
  DynamicModule,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  Module,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { InvalidTokenError, Principal, Role, TokenVerifier, TokenVerifierSettings } from '@salon/shared/auth';
import { currentRequestContext } from './request-context';

const PUBLIC = 'salon:public';
const ROLES_KEY = 'salon:roles';

/** A route anyone may call without a token (health checks, API docs). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The roles allowed on a route (or every route of a controller). Routes without it are refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

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
 * answers 403, so a forgotten decorator cannot open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.header('authorization') ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException('a bearer token is required (Authorization: Bearer <token>)');
    }
    try {
      request.principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException(error.message);
      throw error;
    }
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.tenantId = request.principal.tenantId;

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
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

@Module({})
export class AuthModule {
  static forRoot(settings: TokenVerifierSettings): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: TokenVerifier, useValue: new TokenVerifier(settings) }, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TokenVerifier],
    };
  }
}
