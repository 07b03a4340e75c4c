import { randomUUID } from 'node:crypto';
import { Principal } from '@salon/shared/auth';
import { CommandMetadata } from '@salon/shared/ddd';
import { deterministicUuid } from '@salon/shared/event-sourcing';
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
    commandId: commandIdOf(context),
    now,
  };
}

/**
 * The command id of a request with an `Idempotency-Key`: a one-way hash of the chain and the key,
 * not the key itself, since the id is kept in every event's metadata (and derives the events' ids)
 * and a caller's key may hold something personal. The same key always gives the same id, so a
 * retried request still finds the events it recorded.
 */
export function commandIdOf(context: Pick<CommandContext, 'principal' | 'idempotencyKey'>): string | undefined {
  return context.idempotencyKey === undefined ? undefined : deterministicUuid(context.principal.tenantId, 'idempotency-key', context.idempotencyKey);
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
