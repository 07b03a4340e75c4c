import { BadRequestException, createParamDecorator, ExecutionContext, ForbiddenException } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { Principal } from '@salon/shared/auth';
import { idempotencyKeyOf } from './http-preconditions';
import { currentRequestContext } from './request-context';
import { CommandContext } from './command-context';

/** The header naming the salon where a change is made (the "where" of audit trails). */
export const SALON_HEADER = 'x-salon-id';

/**
 * Ids a request names for the audit trail — the salon (`X-Salon-Id`, consent `evidence.salonId`)
 * and the staff member (`evidence.collectedBy`) — are stored in events and never shredded: they
 * must be opaque ids, never free text that could hold a name, a phone or an e-mail.
 */
export const AUDIT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const AUDIT_ID_RULE = 'must be an id of 1–64 letters, digits, ".", "_", ":" or "-"';

/**
 * A salon named by the request, as a salon where the caller may act: an opaque id (400 naming
 * `field` otherwise), and for salon-bound staff (a token with a `salons` claim) one of their
 * salons (403 salon-not-yours otherwise). Neither answer repeats the value sent.
 */
export function requireSalonOfCaller(principal: Principal, salonId: string, field: string): string {
  if (!AUDIT_ID_PATTERN.test(salonId)) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `${field}: ${AUDIT_ID_RULE}`,
      errors: [{ field, reason: AUDIT_ID_RULE }],
    });
  }
  if (principal.salonIds.length > 0 && !principal.salonIds.includes(salonId)) {
    throw new ForbiddenException({
      statusCode: 403,
      error: 'salon-not-yours',
      message: `You do not work at the salon named in ${field}`,
      errors: [{ field, reason: 'is not one of the salons you work at' }],
    });
  }
  return salonId;
}

/**
 * Marks the OpenAPI operation of a route that reads `X-Salon-Id` and `Idempotency-Key` (through
 * CurrentCommandContext): describeCallerIdHeaders documents both headers there.
 */
export const READS_CALLER_ID_HEADERS = 'x-reads-caller-id-headers';

const marksCallerIdHeaders: ParameterDecorator = (target, key) => {
  const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
  if (key !== undefined && descriptor) ApiExtension(READS_CALLER_ID_HEADERS, true)(target, key, descriptor);
};

/**
 * The CommandContext of an authenticated request: principal, correlation id, idempotency key and
 * the salon (the `X-Salon-Id` header, else the user's only salon; see requireSalonOfCaller). The
 * event metadata made from it records the token's subject as the actor beside the salon the
 * request names. A route using it documents both headers in OpenAPI (describeCallerIdHeaders).
 */
export const CurrentCommandContext = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<Request & { principal: Principal }>();
  const principal = request.principal;
  const header = request.header(SALON_HEADER)?.trim() || undefined;
  const salonId =
    header !== undefined ? requireSalonOfCaller(principal, header, 'X-Salon-Id') : principal.salonIds.length === 1 ? principal.salonIds[0] : undefined;
  return {
    principal,
    correlationId: currentRequestContext()?.correlationId ?? randomUUID(),
    idempotencyKey: idempotencyKeyOf(request.header('idempotency-key')),
    salonId,
  };
}, [marksCallerIdHeaders]);
