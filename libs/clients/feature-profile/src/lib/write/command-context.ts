import { randomUUID } from 'node:crypto';
import { Principal } from '@salon/shared/auth';
import { CommandMetadata } from '@salon/shared/ddd';

/** Who asks, and under which request: everything a command's metadata is made from. */
export interface CommandContext {
  readonly principal: Principal;
  readonly correlationId: string;
  /** From the `Idempotency-Key` header: a retried request records nothing twice. */
  readonly idempotencyKey?: string;
  readonly salonId?: string;
}

export function commandMetadata(context: CommandContext, now = new Date()): CommandMetadata {
  return {
    tenantId: context.principal.tenantId,
    actorId: context.principal.userId,
    correlationId: context.correlationId,
    causationId: context.correlationId,
    salonId: context.salonId,
    commandId: context.idempotencyKey,
    now,
  };
}

/** A system actor's context, for commands issued by policies (Kafka consumers), not people. */
export function systemContext(tenantId: string, correlationId: string = randomUUID()): CommandContext {
  return { principal: { userId: 'system', tenantId, roles: [], salonIds: [] }, correlationId };
}
