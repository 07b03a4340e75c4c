import { ClientState, PhoneReserved, phoneInUse } from '@salon/clients/domain';
import { RecordedEvent } from '@salon/shared/event-store';
import { FollowUpOutcome } from '@salon/shared/messaging';
import { PhoneReservations } from '../phone-reservations/phone-reservations';

export const PHONE_RESERVATION_STREAM_PREFIXES = ['phone-reservation-'] as const;

export interface ClientStates {
  /** The client's current state in the chain, from its own stream. */
  state(tenantId: string, clientId: string): Promise<ClientState>;
}

/**
 * A registration reserves the number before it appends the client; a crash in between leaves a
 * reservation for a client that never came to be, and the number reads "taken" by a client id
 * that answers 404. Every reservation is therefore checked once it is `graceMs` old — far longer
 * than any registration takes — and released unless its client exists and uses that number
 * (a changed number whose release was lost, a deleted client, a client that never got registered).
 * A reservation under a key no longer in the ring (or an unkeyed one from before keys) is not
 * among the number's streams, so it is released too: `npm run migrate:phone-reservations`
 * re-creates reservations under the ring's keys.
 */
export function phoneReservationSweeper(phones: PhoneReservations, clients: ClientStates, graceMs: number, now = () => Date.now()) {
  return async (event: RecordedEvent): Promise<FollowUpOutcome> => {
    if (event.type !== 'PhoneReserved') return 'done';
    if (now() - event.createdAt.getTime() < graceMs) return 'not-yet';
    const { tenantId } = event.metadata;
    const { clientId } = event.data as PhoneReserved['data'];
    if (!(await phones.holders(event.streamName, tenantId)).includes(clientId)) return 'done';
    const usesThisNumber = async () => {
      const phone = phoneInUse(await clients.state(tenantId, clientId));
      return phone !== undefined && phones.streamNamesOf(tenantId, phone).includes(event.streamName);
    };
    if (await usesThisNumber()) return 'done';
    const metadata = { tenantId, correlationId: event.metadata.correlationId, causationId: event.id, actorId: 'system', now: new Date(now()) };
    await phones.releaseStream(metadata, event.streamName, clientId);
    // A retried registration may have appended the client since it was read above: it keeps its number.
    if (await usesThisNumber()) await phones.reserveStream(metadata, event.streamName, clientId, (event.data as PhoneReserved['data']).shared);
    return 'done';
  };
}

