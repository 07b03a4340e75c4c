import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { Principal } from '@salon/shared/auth';
import { currentRequestContext, idempotencyKeyOf } from '@salon/shared/nest';
import { CommandContext } from '../write/command-context';

/** The CommandContext of an authenticated request: principal, correlation id, idempotency key. */
export const CurrentCommandContext = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<Request & { principal: Principal }>();
  return {
    principal: request.principal,
    correlationId: currentRequestContext()?.correlationId ?? randomUUID(),
    idempotencyKey: idempotencyKeyOf(request.header('idempotency-key')),
  };
});
