import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { SqliteEventStore } from '@salon/shared/event-store';
import { TEST_PHONE_RESERVATION_KEYS } from '@salon/shared/testing';
import { CommandContext } from '@salon/shared/nest';
import { AdmitVisit } from '../admit-visit/admit-visit.service';
import { ClientStream } from '../client-stream/client-stream';
import { parsePhoneReservationKeys } from '../phone-reservations/phone-reservation-keys';
import { PhoneReservations } from '../phone-reservations/phone-reservations';
import { RegisterClient } from '../register-client/register-client.service';
import { SettleClient } from '../settle-client/settle-client';
import { DeleteClient } from './delete-client.service';

describe('DeleteClient (on the embedded event store)', () => {
  const tenant = 'chain-1';
  const phone = '+48601234567';
  const context = (): CommandContext => ({
    principal: { userId: 'staff-1', tenantId: tenant, roles: ['manager'], salonIds: [] },
    correlationId: randomUUID(),
  });
  let dir: string;
  let store: SqliteEventStore;
  let keys: InMemoryKeyStore;
  let phones: PhoneReservations;
  let register: RegisterClient;
  let admitVisit: AdmitVisit;
  let deleteClient: DeleteClient;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'delete-client-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    keys = new InMemoryKeyStore();
    const cipher = new PersonalDataCipher(keys);
    const clients = new ClientStream(store, cipher);
    phones = new PhoneReservations(store, cipher, parsePhoneReservationKeys(TEST_PHONE_RESERVATION_KEYS));
    register = new RegisterClient(clients, phones, { defaultPhoneCountry: 'PL' });
    admitVisit = new AdmitVisit(clients);
    deleteClient = new DeleteClient(clients, new SettleClient(clients, phones, keys));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const holders = () => phones.holders(phones.streamNamesOf(tenant, phone)[0], tenant);

  it('deletes a client without visits: the number is free again and the data key is gone', async () => {
    const { clientId } = await register.execute(context(), { phone: '601 234 567', firstName: 'Anna' });
    expect(await holders()).toEqual([clientId]);

    await deleteClient.execute(context(), clientId);

    expect(await holders()).toEqual([]);
    expect(await keys.wasErased(tenant, clientId)).toBe(true);
  });

  it('answers a second deletion as for a client that never was (404)', async () => {
    const { clientId } = await register.execute(context(), { phone });
    await deleteClient.execute(context(), clientId);
    const error = await deleteClient.execute(context(), clientId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'not-found', code: 'client-not-found' });
  });

  it('refuses a client with a visit (decided on its stream) and leaves number and key alone', async () => {
    const { clientId } = await register.execute(context(), { phone });
    await admitVisit.execute(context(), clientId, randomUUID());

    await expect(deleteClient.execute(context(), clientId)).rejects.toMatchObject({ code: 'client-has-visits' });
    expect(await holders()).toEqual([clientId]);
    expect(await keys.wasErased(tenant, clientId)).toBe(false);
  });
});
