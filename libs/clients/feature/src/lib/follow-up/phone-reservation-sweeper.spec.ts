import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandMetadata } from '@salon/shared/ddd';
import { RecordedEvent, SqliteEventStore } from '@salon/shared/event-store';
import { ClientStream } from '../client-stream/client-stream';
import { PhoneReservationKeyring } from '../phone-reservations/phone-reservation-keys';
import { PhoneReservations } from '../phone-reservations/phone-reservations';
import { PHONE_RESERVATION_STREAM_PREFIXES, phoneReservationSweeper } from './phone-reservation-sweeper';

const tenant = 'chain-1';
const phone = '+48601234567';
const retiredKey = { id: 'k1', secret: Buffer.alloc(32, 1) };
const ring: PhoneReservationKeyring = { current: { id: 'k2', secret: Buffer.alloc(32, 2) }, previous: [] };

describe('phoneReservationSweeper (on the embedded event store)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let cipher: PersonalDataCipher;
  let clients: ClientStream;
  const metadata = (): CommandMetadata => ({ tenantId: tenant, correlationId: randomUUID(), causationId: randomUUID(), now: new Date() });
  const reservedEvents = async (): Promise<RecordedEvent[]> =>
    (await store.readAll({ streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES })).filter((event) => event.type === 'PhoneReserved');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phone-reservation-sweeper-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    cipher = new PersonalDataCipher(new InMemoryKeyStore());
    clients = new ClientStream(store, cipher);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the reservation of a client using the number under the ring’s key, and deletes one under a retired key', async () => {
    const clientId = randomUUID();
    await clients.record(clientId, { type: 'RegisterClient', data: { clientId, phone, defaultCountry: 'PL' }, metadata: metadata() });
    await new PhoneReservations(store, cipher, { current: retiredKey, previous: [] }).reserve(metadata(), phone, clientId, false);
    const phones = new PhoneReservations(store, cipher, ring);
    await phones.reserve(metadata(), phone, clientId, false);
    const sweep = phoneReservationSweeper(phones, clients, 0);

    for (const event of await reservedEvents()) expect(await sweep(event)).toBe('done');

    const remaining = [...new Set((await store.readAll({ streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES })).map((event) => event.streamName))];
    expect(remaining).toEqual(phones.streamNamesOf(tenant, phone));
    expect(await phones.holders(phones.streamNamesOf(tenant, phone)[0], tenant)).toEqual([clientId]);
  });

  it('releases the reservation of a client that never came to be, leaving no stream, once the grace period is over', async () => {
    const phones = new PhoneReservations(store, cipher, ring);
    await phones.reserve(metadata(), phone, randomUUID(), false);
    const [reserved] = await reservedEvents();

    expect(await phoneReservationSweeper(phones, clients, 60_000, () => reserved.createdAt.getTime())(reserved)).toBe('not-yet');
    expect(await phoneReservationSweeper(phones, clients, 60_000, () => reserved.createdAt.getTime() + 60_000)(reserved)).toBe('done');

    expect(await store.readAll({ streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES })).toEqual([]);
  });

  it('reserves the number again when a retried registration appended the client while it was releasing', async () => {
    const phones = new PhoneReservations(store, cipher, ring);
    const clientId = randomUUID();
    // A registration cut off after its reservation; its retry appends the client while the sweeper
    // is between reading the client (not registered yet) and releasing.
    await phones.reserve(metadata(), phone, clientId, false);
    const [reserved] = await reservedEvents();
    let reads = 0;
    const racingClients = {
      state: async (tenantId: string, id: string) => {
        const state = await clients.state(tenantId, id);
        if (reads++ === 0) await clients.record(clientId, { type: 'RegisterClient', data: { clientId, phone, defaultCountry: 'PL' }, metadata: metadata() });
        return state;
      },
    };

    expect(await phoneReservationSweeper(phones, racingClients, 0)(reserved)).toBe('done');

    for (const streamName of phones.streamNamesOf(tenant, phone)) expect(await phones.holders(streamName, tenant)).toEqual([clientId]);
  });
});
