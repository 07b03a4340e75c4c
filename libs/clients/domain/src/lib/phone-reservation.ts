import { createHash } from 'node:crypto';
import { Command, Decider, DomainError, Event, assertNever } from '@salon/shared/ddd';

/**
 * One phone number cannot belong to two clients of a chain unless the request says so (families
 * share phones). The rule lives in the event store itself: one stream per normalised phone, appended
 * with the revision that was read, so of two concurrent registrations of one number only one wins.
 * A read model would answer from the past and let both through.
 */

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The reservation stream of a phone in a chain. The number is hashed (with the chain) so it never
 * appears in clear in stream names, which end up in logs, listings and metrics and cannot be
 * crypto-shredded. A hash of a phone number can be brute-forced, so this keeps numbers out of
 * sight, it does not anonymise them; the events of the stream hold no phone at all.
 *
 * Takes the E.164 form from `normalisePhone` only: any other spelling would name another stream
 * and quietly defeat the rule.
 */
export function toPhoneReservationStreamName(tenantId: string, e164: string): string {
  if (!E164.test(e164)) throw new Error('A phone reservation takes a number normalised to E.164');
  if (tenantId === '') throw new Error('A phone reservation belongs to a chain');
  const digest = createHash('sha256').update(`${tenantId}\u0000${e164}`).digest('hex').slice(0, 32);
  return `phone-reservation-${tenantId}-${digest}`;
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
