/**
 * After the faults: is every acknowledged write in the event store and in the read models, and
 * does every phone reservation belong to a client who uses that number?
 */
import type { Connection } from 'mongoose';
import {
  ClientCommand,
  ClientEvent,
  ClientState,
  clientDecider,
  clientEventCatalog,
  clientIdOfStream,
  phoneInUse,
  toClientStreamName,
} from '@salon/clients/domain';
import { CLIENT_STREAM_PREFIXES, PHONE_RESERVATION_STREAM_PREFIXES, PhoneReservations, parsePhoneReservationKeys } from '@salon/clients/feature';
import { toConsentStreamName } from '@salon/consent/domain';
import { CONSENT_STREAM_PREFIXES } from '@salon/consent/feature';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EventStore, comparePositions, parsePosition } from '@salon/shared/event-store';
import { toVisitStreamName } from '@salon/visits/domain';
import { VISIT_STREAM_PREFIXES } from '@salon/visits/feature';
import { AcknowledgedBooking, AcknowledgedRegistration } from './front-desk';
import { pollUntil, waitFor } from './processes';

export interface Tally {
  readonly kind: string;
  readonly acknowledged: number;
  readonly inStore: number;
  readonly inReadModels: number;
  /** Ids acknowledged but missing from the store or from the read models. */
  readonly lost: readonly string[];
}

export interface VerifyContext {
  readonly store: EventStore;
  readonly mongo: Connection;
  readonly cipher: PersonalDataCipher;
  readonly tenantId: string;
  readonly topicPrefix: string;
  readonly clientsUrl: string;
  readonly visitsUrl: string;
  readonly authorization: string;
}

const READ_CONCURRENCY = 8;

/** The stream names holding an event of one of `types`, among the streams of `prefixes`. */
async function streamsWith(store: EventStore, prefixes: readonly string[], types: ReadonlySet<string> | 'any'): Promise<Set<string>> {
  const events = await store.readAll({ streamPrefixes: prefixes });
  return new Set(events.filter((event) => types === 'any' || types.has(event.type)).map((event) => event.streamName));
}

/**
 * Registrations (ClientRegistered; the profile answers GET /clients/{id}), bookings (the visit's
 * stream has VisitBooked; the visit is in GET /clients/{id}/visits) and, as a consequence of each
 * registration, the consent record the consent context opens (its stream; the summary on the
 * profile). The read models are eventually consistent: waited for, up to `timeoutMs`.
 */
export async function tallyWrites(
  context: VerifyContext,
  registrations: readonly AcknowledgedRegistration[],
  bookings: readonly AcknowledgedBooking[],
  timeoutMs: number,
): Promise<Tally[]> {
  const { store } = context;
  const clientIds = registrations.map((r) => r.clientId);
  const profiles = new Map<string, { consent: unknown }>();
  const listed = new Set<string>();
  // Whatever is still missing at the deadline is what the table reports as lost.
  await waitFor(
    async () => {
      await readMissingProfiles(context, clientIds, profiles);
      await readMissingVisits(context, bookings, listed);
      return clientIds.every((id) => profiles.get(id)?.consent) && bookings.every((b) => listed.has(b.visitId));
    },
    timeoutMs,
    1_000,
  );
  // Read after the wait: the consent records are opened asynchronously, by the consent context's policy.
  const registered = await streamsWith(store, CLIENT_STREAM_PREFIXES, new Set(['ClientRegistered']));
  const booked = await streamsWith(store, VISIT_STREAM_PREFIXES, new Set(['VisitBooked']));
  const consentOpened = await streamsWith(store, CONSENT_STREAM_PREFIXES, 'any');

  const tally = (kind: string, ids: readonly string[], inStore: (id: string) => boolean, inReadModels: (id: string) => boolean): Tally => ({
    kind,
    acknowledged: ids.length,
    inStore: ids.filter(inStore).length,
    inReadModels: ids.filter(inReadModels).length,
    lost: ids.filter((id) => !inStore(id) || !inReadModels(id)),
  });
  return [
    tally('registrations (POST /clients)', clientIds, (id) => registered.has(toClientStreamName(id)), (id) => profiles.has(id)),
    tally(
      'bookings (POST /visits)',
      bookings.map((b) => b.visitId),
      (id) => booked.has(toVisitStreamName(id)),
      (id) => listed.has(id),
    ),
    tally(
      'consent records opened by those registrations',
      clientIds,
      (id) => consentOpened.has(toConsentStreamName(id)),
      (id) => Boolean(profiles.get(id)?.consent),
    ),
  ];
}

/** GET /clients/{id} for every client not seen yet, or seen without its consent summary. */
async function readMissingProfiles(context: VerifyContext, clientIds: readonly string[], profiles: Map<string, { consent: unknown }>): Promise<void> {
  const missing = clientIds.filter((id) => !profiles.get(id)?.consent);
  await forEachLimited(missing, READ_CONCURRENCY, untilNextRound(async (clientId) => {
    const response = await get(`${context.clientsUrl}/clients/${clientId}`, context.authorization);
    if (response?.status === 200) profiles.set(clientId, (await response.json()) as { consent: unknown });
    else await response?.body?.cancel();
  }));
}

/** The visit list of every client with a booking not listed yet (every page). */
async function readMissingVisits(context: VerifyContext, bookings: readonly AcknowledgedBooking[], listed: Set<string>): Promise<void> {
  const clients = [...new Set(bookings.filter((b) => !listed.has(b.visitId)).map((b) => b.clientId))];
  await forEachLimited(clients, READ_CONCURRENCY, untilNextRound(async (clientId) => {
    let cursor: string | null = null;
    do {
      const query: string = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await get(`${context.visitsUrl}/clients/${clientId}/visits?${query}`, context.authorization);
      if (response?.status !== 200) return void (await response?.body?.cancel());
      const page = (await response.json()) as { items: { visitId: string }[]; nextCursor: string | null };
      for (const item of page.items) listed.add(item.visitId);
      cursor = page.nextCursor;
    } while (cursor);
  }));
}

export interface ReservationReport {
  readonly streams: number;
  /**
   * Reservations the sweeper released (actor `system`): registrations cut off half-way and given
   * up — of the streams still there, since a stream that nobody holds any more is deleted.
   */
  readonly released: number;
  /** `<stream> held by <client id>`: the holder is not an active client using that number. */
  readonly ghosts: readonly string[];
  /** Acknowledged clients whose number's reservation does not name them (a second client could take it). */
  readonly unreserved: readonly string[];
}

/**
 * Waits until the sweeper (PHONE_RESERVATION_GRACE_SECONDS, then its poll) has looked at every
 * reservation event, then checks every reservation stream against the clients' own streams.
 */
export async function checkReservations(
  context: VerifyContext,
  registrations: readonly AcknowledgedRegistration[],
  timeoutMs: number,
): Promise<ReservationReport> {
  await awaitSweeper(context, timeoutMs);
  const { store, cipher, tenantId } = context;
  // The services of the run were started with this environment, so with these keys.
  const phones = new PhoneReservations(store, cipher, parsePhoneReservationKeys(process.env.PHONE_RESERVATION_KEYS));
  const clients = new CommandHandler<ClientState, ClientCommand, ClientEvent>(
    store,
    clientDecider,
    new EventCodec(clientEventCatalog, cipher, clientIdOfStream),
  );
  const phoneOf = async (clientId: string) => phoneInUse((await clients.load(toClientStreamName(clientId), tenantId)).state);

  const events = await store.readAll({ streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES });
  const streams = [...new Set(events.map((event) => event.streamName))];
  const released = events.filter((event) => event.type === 'PhoneReleased' && event.metadata.actorId === 'system').length;
  const ghosts: string[] = [];
  await forEachLimited(streams, READ_CONCURRENCY, async (stream) => {
    for (const holder of await phones.holders(stream, tenantId)) {
      const phone = await phoneOf(holder);
      if (phone === undefined || !phones.streamNamesOf(tenantId, phone).includes(stream)) ghosts.push(`${stream} held by ${holder}`);
    }
  });
  const unreserved: string[] = [];
  await forEachLimited(registrations, READ_CONCURRENCY, async ({ clientId }) => {
    const phone = await phoneOf(clientId);
    const streams = phone === undefined ? [] : phones.streamNamesOf(tenantId, phone);
    const holding = await Promise.all(streams.map(async (stream) => (await phones.holders(stream, tenantId)).includes(clientId)));
    if (holding.length === 0 || holding.includes(false)) unreserved.push(clientId);
  });
  return { streams: streams.length, released, ghosts, unreserved };
}

/** The sweeper's checkpoint has passed the last event of every reservation stream. */
async function awaitSweeper({ store, mongo, topicPrefix }: VerifyContext, timeoutMs: number): Promise<void> {
  const name = `${topicPrefix}clients.phone-reservation-sweeper`;
  await pollUntil(
    async () => {
      const [last] = await store.readAll({ direction: 'backwards', maxCount: 1, streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES });
      if (!last) return true;
      const checkpoint = await mongo.collection('event_store_checkpoints').findOne({ _id: name as never });
      return checkpoint !== null && comparePositions(parsePosition(String(checkpoint.position)), last.position) >= 0;
    },
    'the phone-reservation sweeper to pass every reservation (grace period, then its poll)',
    timeoutMs,
    500,
  );
}

/** A read; undefined when the service does not answer (the next round asks again). */
function get(url: string, authorization: string): Promise<Response | undefined> {
  return fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
}

/** A read that failed half-way (the service went away) is simply asked again in the next round. */
function untilNextRound<T>(read: (item: T) => Promise<void>): (item: T) => Promise<void> {
  return (item) => read(item).catch(() => undefined);
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
