import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { TEST_PHONE_RESERVATION_KEYS } from '@salon/shared/testing';
import { CommandContext } from '@salon/shared/nest';
import { AdmitVisit } from '../admit-visit/admit-visit.service';
import { ClientStream } from '../client-stream/client-stream';
import { parsePhoneReservationKeys } from '../phone-reservations/phone-reservation-keys';
import { PhoneReservations } from '../phone-reservations/phone-reservations';
import { RegisterClient } from '../register-client/register-client.service';
import { SettleClient } from '../settle-client/settle-client';
import { EraseClient } from './erase-client.service';

describe('EraseClient (on the embedded event store)', () => {
  const tenant = 'chain-1';
  const context = (): CommandContext => ({
    principal: { userId: 'staff-1', tenantId: tenant, roles: ['manager'], salonIds: [] },
    correlationId: randomUUID(),
  });
  let dir: string;
  let store: SqliteEventStore;
  let keys: InMemoryKeyStore;
  let phones: PhoneReservations;
  let clients: ClientStream;
  let register: RegisterClient;
  let eraseClient: EraseClient;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erase-client-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    keys = new InMemoryKeyStore();
    const cipher = new PersonalDataCipher(keys);
    clients = new ClientStream(store, cipher);
    phones = new PhoneReservations(store, cipher, parsePhoneReservationKeys(TEST_PHONE_RESERVATION_KEYS));
    register = new RegisterClient(clients, phones, { defaultPhoneCountry: 'PL' });
    eraseClient = new EraseClient(clients, new SettleClient(clients, phones, keys), store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers erased clients per chain, keeps the number on a retry, frees the phone and destroys the key', async () => {
    const { clientId: first } = await register.execute(context(), { phone: '+48601234567' });
    const { clientId: second } = await register.execute(context(), { phone: '+48601234568' });
    await new AdmitVisit(clients).execute(context(), first, randomUUID());

    expect(await eraseClient.execute(context(), first)).toEqual({ clientId: first, archivedNumber: 1 });
    expect(await eraseClient.execute(context(), first)).toEqual({ clientId: first, archivedNumber: 1 });
    expect(await eraseClient.execute(context(), second)).toEqual({ clientId: second, archivedNumber: 2 });

    expect(await phones.holders(phones.streamNamesOf(tenant, '+48601234567')[0], tenant)).toEqual([]);
    expect(await keys.wasErased(tenant, first)).toBe(true);
    expect(await clients.state(tenant, first)).toMatchObject({ status: 'erased', archivedNumber: 1 });
    // Who erased, for the erasure certificate: the token's subject in the metadata, the role that allowed it in the event.
    const erased = (await store.readStream(`client-${first}`)).find((event) => event.type === 'ClientErased');
    expect(erased?.metadata.actorId).toBe('staff-1');
    expect(erased?.data).toMatchObject({ clientId: first, archivedNumber: 1, actorRole: 'manager' });
  });

  it('leaves no stream whose name comes from the erased client’s number, keyed or not', async () => {
    const phone = '+48601234567';
    const { clientId } = await register.execute(context(), { phone: '601 234 567' });
    await register.execute(context(), { phone: '+48601234568' });
    const [keyedName] = phones.streamNamesOf(tenant, phone);
    expect(await phones.holders(keyedName, tenant)).toEqual([clientId]);

    await eraseClient.execute(context(), clientId);

    const streamNames = new Set((await store.readAll()).map((event) => event.streamName));
    expect(streamNames.has(keyedName)).toBe(false);
    // What anyone could compute from a guessed number: the number's spellings and their unkeyed hashes.
    const spellings = [phone, phone.slice(1), '601234567', `${tenant}\u0000${phone}`, `${tenant}${phone}`, `${tenant}:${phone}`];
    const unkeyed = spellings.flatMap((text) =>
      ['sha256', 'sha1', 'sha512', 'md5'].flatMap((algorithm) => {
        const digest = createHash(algorithm).update(text).digest();
        return [digest.toString('hex').slice(0, 32), digest.toString('base64url').slice(0, 22)];
      }),
    );
    const derived = [...streamNames].filter((name) => [...spellings.slice(0, 3), ...unkeyed].some((value) => name.includes(value)));
    expect(derived).toEqual([]);
    expect(streamNames.size).toBeGreaterThan(2);
  });

  it('answers 404 for a client that is not there', async () => {
    await expect(eraseClient.execute(context(), randomUUID())).rejects.toMatchObject({ code: 'client-not-found' });
  });
});
