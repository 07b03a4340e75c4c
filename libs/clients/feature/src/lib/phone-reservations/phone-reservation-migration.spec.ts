import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PhoneReservationCommand,
  PhoneReservationEvent,
  PhoneReservationState,
  phoneReservationDecider,
  phoneReservationEventCatalog,
  phoneReservationNaming,
} from '@salon/clients/domain';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandMetadata } from '@salon/shared/ddd';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { CommandContext } from '@salon/shared/nest';
import { ClientStream } from '../client-stream/client-stream';
import { EraseClient } from '../erase-client/erase-client.service';
import { PHONE_RESERVATION_STREAM_PREFIXES } from '../follow-up/phone-reservation-sweeper';
import { RegisterClient } from '../register-client/register-client.service';
import { SettleClient } from '../settle-client/settle-client';
import { PhoneReservationMigrationProgress, migratePhoneReservations } from './phone-reservation-migration';
import { PhoneReservationKeyring } from './phone-reservation-keys';
import { PhoneReservations } from './phone-reservations';

const tenant = 'chain-1';
const keyring: PhoneReservationKeyring = { current: { id: 'k1', secret: Buffer.alloc(32, 9) }, previous: [] };

/** The names of before: `phone-reservation-<tenant>-` and the first 32 hex of SHA-256(tenant NUL phone). */
function legacyStreamName(e164: string): string {
  return `phone-reservation-${tenant}-${createHash('sha256').update(`${tenant}\u0000${e164}`).digest('hex').slice(0, 32)}`;
}

describe('migratePhoneReservations (on the embedded event store)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let keys: InMemoryKeyStore;
  let cipher: PersonalDataCipher;
  let clients: ClientStream;
  let legacy: CommandHandler<PhoneReservationState, PhoneReservationCommand, PhoneReservationEvent>;

  const metadata = (): CommandMetadata => ({ tenantId: tenant, correlationId: randomUUID(), causationId: randomUUID(), now: new Date() });
  const context = (): CommandContext => ({
    principal: { userId: 'staff-1', tenantId: tenant, roles: ['manager'], salonIds: [] },
    correlationId: randomUUID(),
  });
  const reservationStreams = async () =>
    [...new Set((await store.readAll({ streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES })).map((event) => event.streamName))].sort();

  /** A client as the services wrote it before keys: its own stream, and its number under the SHA-256 name. */
  async function registeredBeforeKeys(phone: string): Promise<string> {
    const clientId = randomUUID();
    await legacy.handle(legacyStreamName(phone), { type: 'ReservePhone', data: { clientId, allowShared: false }, metadata: metadata() });
    await clients.record(clientId, { type: 'RegisterClient', data: { clientId, phone, defaultCountry: 'PL' }, metadata: metadata() });
    return clientId;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phone-reservation-migration-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    keys = new InMemoryKeyStore();
    cipher = new PersonalDataCipher(keys);
    clients = new ClientStream(store, cipher);
    legacy = new CommandHandler(store, phoneReservationDecider, new EventCodec(phoneReservationEventCatalog, cipher, (stream) => stream));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-creates the clients’ reservations under the key and removes every unkeyed stream, the erased client’s too', async () => {
    const anna = await registeredBeforeKeys('+48601234567');
    const piotr = await registeredBeforeKeys('+48601234568');
    const erased = await registeredBeforeKeys('+48601234569');
    // Erased before keys: the old release left its stream, named from the number, holding nobody.
    await new EraseClient(clients, new SettleClient(clients, new PhoneReservations(store, cipher, keyring), keys), store).execute(context(), erased);
    await legacy.handle(legacyStreamName('+48601234569'), { type: 'ReleasePhone', data: { clientId: erased }, metadata: metadata() });
    // A registration that died between its reservation and the client's append.
    await legacy.handle(legacyStreamName('+48601234560'), { type: 'ReservePhone', data: { clientId: randomUUID(), allowShared: false }, metadata: metadata() });
    expect(await reservationStreams()).toHaveLength(4);

    const progress: PhoneReservationMigrationProgress[] = [];
    const result = await migratePhoneReservations(store, cipher, keyring, (step) => progress.push(step));

    expect(result).toEqual({ clientsWithPhone: 2, clientsWithoutPhone: 1, streamsRemoved: 4 });
    const phones = new PhoneReservations(store, cipher, keyring);
    const expected = [...phones.streamNamesOf(tenant, '+48601234567'), ...phones.streamNamesOf(tenant, '+48601234568')].sort();
    expect(await reservationStreams()).toEqual(expected);
    expect((await reservationStreams()).map((name) => phoneReservationNaming(tenant, name))).toEqual([{ keyId: 'k1' }, { keyId: 'k1' }]);
    expect(await phones.holders(phones.streamNamesOf(tenant, '+48601234567')[0], tenant)).toEqual([anna]);
    expect(await phones.holders(phones.streamNamesOf(tenant, '+48601234568')[0], tenant)).toEqual([piotr]);
    // Counts only, ending with every client and every stream looked at.
    expect(progress.filter((step) => step.phase === 'reserving').pop()).toEqual({ phase: 'reserving', done: 3, total: 3 });
    expect(progress.pop()).toEqual({ phase: 'removing', done: 6, total: 6 });

    // Uniqueness holds on the new streams: the number is refused, and given again once released.
    const register = new RegisterClient(clients, phones, { defaultPhoneCountry: 'PL' });
    await expect(register.execute(context(), { phone: '+48 601 234 567' })).rejects.toMatchObject({ code: 'phone-taken' });
    await new EraseClient(clients, new SettleClient(clients, phones, keys), store).execute(context(), anna);
    const { clientId: newcomer } = await register.execute(context(), { phone: '+48 601 234 567' });
    expect(await phones.holders(phones.streamNamesOf(tenant, '+48601234567')[0], tenant)).toEqual([newcomer]);
    // The erased client's number has no stream at all, keyed or not.
    expect(await store.readStream(phones.streamNamesOf(tenant, '+48601234569')[0])).toEqual([]);
  });

  it('is idempotent, and a run cut off half-way is finished by the next one', async () => {
    await registeredBeforeKeys('+48601234567');
    await registeredBeforeKeys('+48601234568');
    const cutOff = migratePhoneReservations(store, cipher, keyring, (step) => {
      if (step.phase === 'reserving' && step.done === 1) throw new Error('killed');
    });
    await expect(cutOff).rejects.toThrow('killed');

    expect(await migratePhoneReservations(store, cipher, keyring)).toEqual({ clientsWithPhone: 2, clientsWithoutPhone: 0, streamsRemoved: 2 });
    const after = await reservationStreams();
    expect(after.every((name) => phoneReservationNaming(tenant, name) !== 'legacy')).toBe(true);
    expect(await migratePhoneReservations(store, cipher, keyring)).toEqual({ clientsWithPhone: 2, clientsWithoutPhone: 0, streamsRemoved: 0 });
    expect(await reservationStreams()).toEqual(after);
  });

  it('moves reservations from a retired key to the ring’s keys and removes the retired key’s streams', async () => {
    const old: PhoneReservationKeyring = { current: { id: 'k0', secret: Buffer.alloc(32, 3) }, previous: [] };
    const register = new RegisterClient(clients, new PhoneReservations(store, cipher, old), { defaultPhoneCountry: 'PL' });
    const { clientId } = await register.execute(context(), { phone: '+48601234567' });

    // The rotation's end state: the new key only.
    await migratePhoneReservations(store, cipher, keyring);

    const phones = new PhoneReservations(store, cipher, keyring);
    expect(await reservationStreams()).toEqual(phones.streamNamesOf(tenant, '+48601234567'));
    expect(await phones.holders(phones.streamNamesOf(tenant, '+48601234567')[0], tenant)).toEqual([clientId]);
  });
});
