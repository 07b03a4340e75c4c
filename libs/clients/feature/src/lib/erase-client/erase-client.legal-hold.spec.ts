import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { CommandContext } from '@salon/shared/nest';
import { TEST_PHONE_RESERVATION_KEYS } from '@salon/shared/testing';
import { ClientStream } from '../client-stream/client-stream';
import { LiftLegalHold } from '../lift-legal-hold/lift-legal-hold.service';
import { parsePhoneReservationKeys } from '../phone-reservations/phone-reservation-keys';
import { PhoneReservations } from '../phone-reservations/phone-reservations';
import { PlaceLegalHold } from '../place-legal-hold/place-legal-hold.service';
import { RegisterClient } from '../register-client/register-client.service';
import { SettleClient } from '../settle-client/settle-client';
import { EraseClient } from './erase-client.service';

describe('EraseClient and the legal hold (on the embedded event store)', () => {
  const tenant = 'chain-1';
  const context = (): CommandContext => ({ principal: { userId: 'manager-1', tenantId: tenant, roles: ['manager'], salonIds: [] }, correlationId: randomUUID() });
  let dir: string;
  let store: SqliteEventStore;
  let keys: InMemoryKeyStore;
  let clients: ClientStream;
  let register: RegisterClient;
  let eraseClient: EraseClient;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erase-held-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    keys = new InMemoryKeyStore();
    const cipher = new PersonalDataCipher(keys);
    clients = new ClientStream(store, cipher);
    const phones = new PhoneReservations(store, cipher, parsePhoneReservationKeys(TEST_PHONE_RESERVATION_KEYS));
    register = new RegisterClient(clients, phones, { defaultPhoneCountry: 'PL' });
    eraseClient = new EraseClient(clients, new SettleClient(clients, phones, keys), store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a held client with 409 client-on-legal-hold, keeps its key and takes no archive number; lifted, it erases', async () => {
    const { clientId } = await register.execute(context(), { phone: '+48601234567' });
    await new PlaceLegalHold(clients).execute(context(), clientId, { reason: 'litigation', reference: 'CASE-17' });

    await expect(eraseClient.execute(context(), clientId)).rejects.toMatchObject({ kind: 'conflict', code: 'client-on-legal-hold' });
    expect(await keys.wasErased(tenant, clientId)).toBe(false);
    expect(await clients.state(tenant, clientId)).toMatchObject({ status: 'active', legalHold: { reason: 'litigation', reference: 'CASE-17' } });

    await new LiftLegalHold(clients).execute(context(), clientId);
    // No gap: the refused erasure took no number.
    expect(await eraseClient.execute(context(), clientId)).toEqual({ clientId, archivedNumber: 1 });
    expect(await keys.wasErased(tenant, clientId)).toBe(true);
  });

  it('keeps the case reference encrypted in the event store', async () => {
    const { clientId } = await register.execute(context(), { phone: '+48601234568' });
    await new PlaceLegalHold(clients).execute(context(), clientId, { reason: 'legal-claim', reference: 'Kowalska v. Salon' });
    const stored = (await store.readStream(`client-${clientId}`)).find((event) => event.type === 'ClientLegalHoldPlaced');
    expect(stored?.data).toMatchObject({ clientId, reason: 'legal-claim' });
    expect(JSON.stringify(stored?.data)).not.toContain('Kowalska');
  });
});
