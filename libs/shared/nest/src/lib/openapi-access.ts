import { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { PUBLIC_METADATA, ROLES_METADATA } from './auth';
import { RATE_LIMIT_EXTENSION, RATE_LIMIT_METADATA } from './rate-limit';
import { SALON_SCOPE_EXTENSION, SALON_SCOPE_METADATA } from './salon-scope';

/** The roles a route names (@Roles), in its OpenAPI operation. */
export const ROLES_EXTENSION = 'x-roles';
/** `true` on a route anyone may call (@Public). */
export const PUBLIC_EXTENSION = 'x-public';

/**
 * Writes the access rule the AuthGuard enforces on each route into its OpenAPI operation, read
 * from the same metadata the guard reads: `x-public: true`, or `x-roles: [...]`, `x-rate-limit`
 * (its class, `standard` unless declared) and `x-salon-scope` (@SalonScope, when declared). A
 * route with neither @Public nor @Roles gets no extension: the guard refuses it, and the security
 * suite (tools/security/) fails it. Clients see who may call what; the suite reads one source for
 * every route of every service.
 */
export function describeAccessRules(app: INestApplication): void {
  const reflector = app.get(Reflector);
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, name);
        const handler: unknown = descriptor?.value;
        if (!descriptor || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const targets = [handler, controller];
        const describe = (key: string, value: unknown) => ApiExtension(key, value)(controller.prototype, name, descriptor);
        if (reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) {
          describe(PUBLIC_EXTENSION, true);
          continue;
        }
        const roles = reflector.getAllAndOverride<readonly string[] | undefined>(ROLES_METADATA, targets);
        if (roles) describe(ROLES_EXTENSION, [...roles]);
        describe(RATE_LIMIT_EXTENSION, reflector.getAllAndOverride<string | undefined>(RATE_LIMIT_METADATA, targets) ?? 'standard');
        const salonScope = reflector.getAllAndOverride<readonly string[] | undefined>(SALON_SCOPE_METADATA, targets);
        if (salonScope) describe(SALON_SCOPE_EXTENSION, [...salonScope]);
      }
    }
  }
}
