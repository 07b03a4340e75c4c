import { createParamDecorator, ExecutionContext, ForbiddenException } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { Principal } from '@salon/shared/auth';
import { idempotencyKeyOf } from './http-preconditions';
import { currentRequestContext } from './request-context';
import { CommandContext } from './command-context';

/** The header naming the salon where a change is made (the "where" of audit trails). */
export const SALON_HEADER = 'x-salon-id';

/**
 * The CommandContext of an authenticated request: principal, correlation id, idempotency key and
 * the salon (the `X-Salon-Id` header, else the user's only salon; a salon the user does not work
 * at is refused).
 */
export const CurrentCommandContext = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<Request & { principal: Principal }>();
  const principal = request.principal;
  const header = request.header(SALON_HEADER)?.trim() || undefined;
  if (header !== undefined && principal.salonIds.length > 0 && !principal.salonIds.includes(header)) {
    throw new ForbiddenException({ statusCode: 403, error: 'salon-not-yours', message: `You do not work at salon "${header}"` });
  }
  const salonId = header ?? (principal.salonIds.length === 1 ? principal.salonIds[0] : undefined);
  return {
    principal,
    correlationId: currentRequestContext()?.correlationId ?? randomUUID(),
    idempotencyKey: idempotencyKeyOf(request.header('idempotency-key')),
    salonId,
  };
});
