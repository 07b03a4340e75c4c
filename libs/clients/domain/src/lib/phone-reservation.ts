import { createHmac } from 'node:crypto';
import { Command, Decider, DomainError, Event, assertNever } from '@salon/shared/ddd';

/**
 * One phone number cannot belong to two clients of a chain unless the request says so (families
 * share phones). The rule lives in the event store itself: one stream per normalised phone, appended
 * with the revision that was read, so of two concurrent registrations of one number only one wins.
 * A read model would answer from the past and let both through.
 */

const E164 = /^\+[1-9]\d{6,14}$/;
const KEY_ID = /^[a-z0-9]{1,8}$/;
const DIGEST_HEX = 32;

/**
 * A secret that names reservation streams. Its id is part of every name it makes, so that during
 * a rotation the streams of each key are told apart without knowing any number.
 */
export interface PhoneReservationKey {
  /** 1–8 characters of a-z0-9. */
  readonly id: string;
  /** 32 random bytes. */
  readonly secret: Uint8Array;
}

/**
 * The reservation stream of a phone in a chain under one key:
 * `phone-reservation-<tenant>-<key id>-<HMAC-SHA-256(key, tenant NUL e164), 32 hex>`.
 *
 * Stream names end up in logs, listings and metrics and cannot be crypto-shredded, and a plain
 * hash of a phone number is reversed by trying every number (seconds on one core). The HMAC can be
 * recomputed only with the key, which lives in configuration and never in the store, so a name
 * tells nothing about the number to whoever reads the store. The events of the stream hold no
 * phone at all.
 *
 * Takes the E.164 form from `normalisePhone` only: any other spelling would name another stream
 * and quietly defeat the rule.
 */
export function toPhoneReservationStreamName(tenantId: string, e164: string, key: PhoneReservationKey): string {
  if (!E164.test(e164)) throw new Error('A phone reservation takes a number normalised to E.164');
  if (tenantId === '') throw new Error('A phone reservation belongs to a chain');
  if (!KEY_ID.test(key.id)) throw new Error('A phone reservation key id is 1-8 characters of a-z0-9');
  const digest = createHmac('sha256', key.secret).update(`${tenantId}\u0000${e164}`).digest('hex').slice(0, DIGEST_HEX);
  return `${phoneReservationStreamPrefix(tenantId)}${key.id}-${digest}`;
}

/** Every reservation stream of a chain, whatever its key or scheme, starts with this. */
export function phoneReservationStreamPrefix(tenantId: string): string {
  return `phone-reservation-${tenantId}-`;
}

/**
 * How a reservation stream of the chain was named: under the key with this id, or `legacy` for the
 * unkeyed SHA-256 names written before keys (`phone-reservation-<tenant>-<32 hex>`), which only
 * the migration still looks for. Undefined for a stream that is not a reservation of this chain.
 */
export function phoneReservationNaming(tenantId: string, streamName: string): { keyId: string } | 'legacy' | undefined {
  const prefix = phoneReservationStreamPrefix(tenantId);
  if (!streamName.startsWith(prefix)) return undefined;
  const rest = streamName.slice(prefix.length);
  if (new RegExp(`^[0-9a-f]{${DIGEST_HEX}}$`).test(rest)) return 'legacy';
  const keyed = new RegExp(`^([a-z0-9]{1,8})-[0-9a-f]{${DIGEST_HEX}}$`).exec(rest);
  return keyed ? { keyId: keyed[1] } : undefined;
}

export type ReservePhone = Command<
  'ReservePhone',
  {
    clientId: string;
    /** The request says explicitly that the number is shared with the clients who already have it. */
    allowShared: boolean;
  }
>;
export type ReleasePhone = Command<'ReleasePhone', { clientId: string }>;
export type PhoneReservationCommand = ReservePhone | ReleasePhone;

export type PhoneReserved = Event<'PhoneReserved', { clientId: string; shared: boolean; reservedAt: string }>;
export type PhoneReleased = Event<'PhoneReleased', { clientId: string; releasedAt: string }>;
export type PhoneReservationEvent = PhoneReserved | PhoneReleased;

export type PhoneReservationState =
  | { readonly status: 'free' }
  /** In the order they reserved it: the first is the client the number was first given to. */
  | { readonly status: 'held'; readonly clientIds: readonly [string, ...string[]] };

function reserve({ data, metadata }: ReservePhone, state: PhoneReservationState): PhoneReservationEvent[] {
  requireClientId(data.clientId);
  if (state.status === 'held') {
    if (state.clientIds.includes(data.clientId)) return [];
    if (data.allowShared !== true) {
      const [existingClientId] = state.clientIds;
      throw DomainError.conflict(
        'phone-taken',
        'This phone number already belongs to another client of the chain. If the number is shared ' +
          '(for example by a family), say so explicitly to give it to this client as well.',
        { existingClientId, existingClientIds: state.clientIds },
      );
    }
  }
  const shared = data.allowShared === true;
  return [{ type: 'PhoneReserved', data: { clientId: data.clientId, shared, reservedAt: metadata.now.toISOString() } }];
}

function release({ data, metadata }: ReleasePhone, state: PhoneReservationState): PhoneReservationEvent[] {
  requireClientId(data.clientId);
  // Releasing what is not held is a no-op: a retried release after a failure half-way must succeed.
  if (state.status === 'free' || !state.clientIds.includes(data.clientId)) return [];
  return [{ type: 'PhoneReleased', data: { clientId: data.clientId, releasedAt: metadata.now.toISOString() } }];
}

function requireClientId(clientId: unknown): void {
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw DomainError.invalid('invalid-client-id', '"clientId" is required', { field: 'clientId' });
  }
}

function evolve(state: PhoneReservationState, event: PhoneReservationEvent): PhoneReservationState {
  switch (event.type) {
    case 'PhoneReserved':
      return state.status === 'free'
        ? { status: 'held', clientIds: [event.data.clientId] }
        : { status: 'held', clientIds: [...state.clientIds, event.data.clientId] };
    case 'PhoneReleased': {
      if (state.status === 'free') return state;
      const [first, ...rest] = state.clientIds.filter((clientId) => clientId !== event.data.clientId);
      return first === undefined ? { status: 'free' } : { status: 'held', clientIds: [first, ...rest] };
    }
    default:
      return assertNever(event);
  }
}

function decide(command: PhoneReservationCommand, state: PhoneReservationState): PhoneReservationEvent[] {
  switch (command.type) {
    case 'ReservePhone':
      return reserve(command, state);
    case 'ReleasePhone':
      return release(command, state);
    default:
      return assertNever(command);
  }
}

export const phoneReservationDecider: Decider<PhoneReservationState, PhoneReservationCommand, PhoneReservationEvent> = {
  initialState: () => ({ status: 'free' }),
  evolve,
  decide,
};
