import { randomUUID } from 'node:crypto';
import { Principal } from '@salon/shared/auth';
import { CommandMetadata } from '@salon/shared/ddd';
import type { IncomingMessage } from '@salon/shared/messaging';

/** Who asks, where, and under which request: everything a command's metadata is made from. */
export interface CommandContext {
  readonly principal: Principal;
  readonly correlationId: string;
  /** From the `Idempotency-Key` header: a retried request records nothing twice. */
  readonly idempotencyKey?: string;
  /** The salon where the change is made (the `X-Salon-Id` header, or the user's only salon). */
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

/**
 * The context of a command issued by a policy from a message of another context: no actor (the
 * message does not say who), the message's event id as the command id, so a redelivered message
 * records nothing twice.
 */
export interface MessageContext {
  readonly tenantId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly messageId: string;
}

/** The context of the commands a policy issues for one incoming message. */
export function messageContextOf(message: Pick<IncomingMessage, 'tenantId' | 'correlationId' | 'eventId'>): MessageContext {
  return { tenantId: message.tenantId, correlationId: message.correlationId, causationId: message.eventId, messageId: message.eventId };
}

export function messageMetadata(context: MessageContext, now = new Date()): CommandMetadata {
  return {
    tenantId: context.tenantId,
    correlationId: context.correlationId,
    causationId: context.causationId,
    commandId: context.messageId,
    now,
  };
}

/** A system actor's context, for commands issued by policies (Kafka consumers), not people. */
export function systemContext(tenantId: string, correlationId: string = randomUUID()): CommandContext {
  return { principal: { userId: 'system', tenantId, roles: [], salonIds: [] }, correlationId };
}
