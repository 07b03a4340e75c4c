import { randomUUID } from 'node:crypto';
import { clientIdOfStream, phoneInUse, phoneReservationNaming } from '@salon/clients/domain';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { CommandMetadata } from '@salon/shared/ddd';
import { EventStore, GlobalPosition, RecordedEvent, START, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { ClientStream } from '../client-stream/client-stream';
import { PHONE_RESERVATION_STREAM_PREFIXES } from '../follow-up/phone-reservation-sweeper';
import { CLIENT_STREAM_PREFIXES } from '../relay/client-integration-events';
import { PhoneReservationKeyring, keysOf } from './phone-reservation-keys';
import { PhoneReservations } from './phone-reservations';

/** Counts only: progress never names a client, a stream or a number. */
export interface PhoneReservationMigrationProgress {
  readonly phase: 'reserving' | 'removing';
  /** Clients looked at (reserving) or reservation streams looked at (removing). */
  readonly done: number;
  readonly total: number;
}

export interface PhoneReservationMigrationResult {
  /** Clients that use a number: each now holds it on a stream of every key of the ring. */
  readonly clientsWithPhone: number;
  /** Clients without a number in use (deleted, erased). */
  readonly clientsWithoutPhone: number;
  /** Unkeyed (SHA-256) streams, streams of keys no longer in the ring, and free streams, deleted. */
  readonly streamsRemoved: number;
}

const PAGE = 1_000;

/**
 * Brings the reservation streams in line with the ring (PHONE_RESERVATION_KEYS), from the clients'
 * own streams: every client that uses a number holds it under every key of the ring, then every
 * reservation stream that no key of the ring names — the unkeyed SHA-256 streams of before, those
 * of a retired key — and every free one is deleted. Erased and deleted clients have no number left,
 * so nothing of theirs is re-created and their old streams go.
 *
 * Idempotent, so resumable by running it again: a reservation already held is a no-op, a stream
 * already deleted is no longer listed. Reservations are taken as shared (the numbers were unique
 * already, or shared on purpose), so the migration never refuses one; the first client to have
 * registered is taken first and stays the first holder.
 */
export async function migratePhoneReservations(
  store: EventStore,
  cipher: PersonalDataCipher,
  keyring: PhoneReservationKeyring,
  onProgress: (progress: PhoneReservationMigrationProgress) => void = () => undefined,
): Promise<PhoneReservationMigrationResult> {
  const clients = new ClientStream(store, cipher);
  const phones = new PhoneReservations(store, cipher, keyring);
  const correlationId = randomUUID();
  const metadata = (tenantId: string): CommandMetadata => ({
    tenantId,
    correlationId,
    causationId: correlationId,
    actorId: 'system:phone-reservation-migration',
    now: new Date(),
  });

  const clientTenants = await firstEventTenants(store, CLIENT_STREAM_PREFIXES);
  let clientsWithPhone = 0;
  let done = 0;
  for (const [streamName, tenantId] of clientTenants) {
    const clientId = clientIdOfStream(streamName);
    const phone = phoneInUse(await clients.state(tenantId, clientId));
    if (phone !== undefined) {
      await phones.reserve(metadata(tenantId), phone, clientId, true);
      clientsWithPhone += 1;
    }
    onProgress({ phase: 'reserving', done: ++done, total: clientTenants.size });
  }

  const ringKeyIds = new Set(keysOf(keyring).map((key) => key.id));
  const reservationTenants = await firstEventTenants(store, PHONE_RESERVATION_STREAM_PREFIXES);
  let streamsRemoved = 0;
  done = 0;
  for (const [streamName, tenantId] of reservationTenants) {
    const naming = phoneReservationNaming(tenantId, streamName);
    if (naming === 'legacy' || (naming !== undefined && !ringKeyIds.has(naming.keyId))) {
      if (await deleteWhateverItHolds(store, streamName)) streamsRemoved += 1;
    } else if (naming !== undefined && (await phones.deleteIfFree(streamName, tenantId))) {
      streamsRemoved += 1;
    }
    onProgress({ phase: 'removing', done: ++done, total: reservationTenants.size });
  }
  return { clientsWithPhone, clientsWithoutPhone: clientTenants.size - clientsWithPhone, streamsRemoved };
}

/**
 * The streams under the prefixes, each with the chain of its first event, in the order they were
 * started. Read page by page; EventStoreDB still lists soft-deleted streams until a scavenge, so a
 * stream may be listed here that reads empty.
 */
async function firstEventTenants(store: EventStore, streamPrefixes: readonly string[]): Promise<Map<string, string>> {
  const tenants = new Map<string, string>();
  let after: GlobalPosition = START;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({ after, maxCount: PAGE, streamPrefixes });
    for (const event of page) if (!tenants.has(event.streamName)) tenants.set(event.streamName, event.metadata.tenantId);
    if (page.length < PAGE) return tenants;
    after = page[page.length - 1].position;
  }
}

/**
 * Deletes a stream no service writes any more (unkeyed, or of a retired key), at the revision just
 * read; a service still on the old scheme may append meanwhile, so it reads again and retries.
 */
async function deleteWhateverItHolds(store: EventStore, streamName: string): Promise<boolean> {
  for (;;) {
    const [last] = await store.readStream(streamName, { direction: 'backwards', maxCount: 1 });
    if (last === undefined) return false;
    try {
      await store.deleteStream(streamName, { expectedRevision: last.revision });
      return true;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
}
