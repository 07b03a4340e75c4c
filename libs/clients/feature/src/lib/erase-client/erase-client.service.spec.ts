import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPhoneReservationStreamName } from '@salon/clients/domain';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { CommandContext } from '@salon/shared/nest';
import { AdmitVisit } from '../admit-visit/admit-visit.service';
import { ClientStream } from '../client-stream/client-stream';
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
    phones = new PhoneReservations(store, cipher);
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

    expect(await phones.holders(toPhoneReservationStreamName(tenant, '+48601234567'), tenant)).toEqual([]);
    expect(await keys.wasErased(tenant, first)).toBe(true);
    expect(await clients.state(tenant, first)).toMatchObject({ status: 'erased', archivedNumber: 1 });
  });

  it('answers 404 for a client that is not there', async () => {
    await expect(eraseClient.execute(context(), randomUUID())).rejects.toMatchObject({ code: 'client-not-found' });
  });
});
