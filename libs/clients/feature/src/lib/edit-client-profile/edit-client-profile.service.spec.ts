import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { CommandContext } from '@salon/shared/nest';
import { TEST_PHONE_RESERVATION_KEYS } from '@salon/shared/testing';
import { ClientStream } from '../client-stream/client-stream';
import { parsePhoneReservationKeys } from '../phone-reservations/phone-reservation-keys';
import { PhoneReservations } from '../phone-reservations/phone-reservations';
import { RegisterClient } from '../register-client/register-client.service';
import { EditClientProfile } from './edit-client-profile.service';

describe('EditClientProfile (on the embedded event store)', () => {
  const tenant = 'chain-1';
  const [oldPhone, newPhone] = ['+48601234567', '+48601234568'];
  const context = (): CommandContext => ({
    principal: { userId: 'staff-1', tenantId: tenant, roles: ['receptionist'], salonIds: [] },
    correlationId: randomUUID(),
  });
  let dir: string;
  let store: SqliteEventStore;
  let phones: PhoneReservations;
  let register: RegisterClient;
  let edit: EditClientProfile;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edit-client-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    const cipher = new PersonalDataCipher(new InMemoryKeyStore());
    const clients = new ClientStream(store, cipher);
    phones = new PhoneReservations(store, cipher, parsePhoneReservationKeys(TEST_PHONE_RESERVATION_KEYS));
    register = new RegisterClient(clients, phones, { defaultPhoneCountry: 'PL' });
    edit = new EditClientProfile(clients, phones, { defaultPhoneCountry: 'PL' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const holders = (phone: string) => phones.holders(phones.streamNamesOf(tenant, phone)[0], tenant);

  it('moves the reservation to the new number', async () => {
    const { clientId, revision } = await register.execute(context(), { phone: oldPhone });
    const result = await edit.execute(context(), clientId, { phone: newPhone, firstName: 'Anna' }, revision as bigint);
    expect(result).toEqual({ clientId, revision: 1n });
    expect(await holders(newPhone)).toEqual([clientId]);
    expect(await holders(oldPhone)).toEqual([]);
  });

  it('releases the new number again when the save is refused (a stale form), and keeps the old one', async () => {
    const { clientId, revision } = await register.execute(context(), { phone: oldPhone });
    await edit.execute(context(), clientId, { phone: oldPhone, firstName: 'Anna' }, revision as bigint);

    await expect(edit.execute(context(), clientId, { phone: newPhone }, revision as bigint)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await holders(newPhone)).toEqual([]);
    expect(await holders(oldPhone)).toEqual([clientId]);
  });

  it('refuses a bad form before any number is reserved', async () => {
    const { clientId, revision } = await register.execute(context(), { phone: oldPhone });
    await expect(edit.execute(context(), clientId, { phone: newPhone, email: 'anna@' }, revision as bigint)).rejects.toMatchObject({
      code: 'invalid-email',
    });
    expect(await holders(newPhone)).toEqual([]);
  });
});
