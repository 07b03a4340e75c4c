import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandMetadata } from '@salon/shared/ddd';
import { SqliteEventStore } from '@salon/shared/event-store';
import { PHONE_RESERVATION_STREAM_PREFIXES } from '../follow-up/phone-reservation-sweeper';
import { PhoneReservationKeyring, parsePhoneReservationKeys } from './phone-reservation-keys';
import { PhoneReservations } from './phone-reservations';

const tenant = 'chain-1';
const phone = '+48601234567';
const oldKey = { id: 'k1', secret: Buffer.alloc(32, 1) };
const newKey = { id: 'k2', secret: Buffer.alloc(32, 2) };

describe('PhoneReservations (on the embedded event store)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let cipher: PersonalDataCipher;
  const metadata = (): CommandMetadata => ({ tenantId: tenant, correlationId: randomUUID(), causationId: randomUUID(), now: new Date() });
  const reservations = (keyring: PhoneReservationKeyring) => new PhoneReservations(store, cipher, keyring);
  const streamNames = async () => [...new Set((await store.readAll({ streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES })).map((e) => e.streamName))];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phone-reservations-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    cipher = new PersonalDataCipher(new InMemoryKeyStore());
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes the stream once nobody holds the number, and a shared number’s only when the last holder lets go', async () => {
    const phones = reservations({ current: newKey, previous: [] });
    await phones.reserve(metadata(), phone, 'c-1', false);
    await phones.reserve(metadata(), phone, 'c-2', true);
    await phones.release(metadata(), phone, 'c-1');
    expect(await phones.holders(phones.streamNamesOf(tenant, phone)[0], tenant)).toEqual(['c-2']);
    await phones.release(metadata(), phone, 'c-2');
    expect(await streamNames()).toEqual([]);
    await phones.reserve(metadata(), phone, 'c-3', false);
    expect(await phones.holders(phones.streamNamesOf(tenant, phone)[0], tenant)).toEqual(['c-3']);
  });

  it('keeps the number unique while services on the old key and on the new ring run side by side, and then on the new key alone', async () => {
    const before = reservations({ current: oldKey, previous: [] });
    const during = reservations({ current: newKey, previous: [oldKey] });
    const after = reservations({ current: newKey, previous: [] });

    await before.reserve(metadata(), phone, 'c-1', false);
    await expect(during.reserve(metadata(), phone, 'c-2', false)).rejects.toMatchObject({ code: 'phone-taken' });
    await during.release(metadata(), phone, 'c-1');
    await during.reserve(metadata(), phone, 'c-2', false);
    await expect(before.reserve(metadata(), phone, 'c-3', false)).rejects.toMatchObject({ code: 'phone-taken' });
    await expect(after.reserve(metadata(), phone, 'c-3', false)).rejects.toMatchObject({ code: 'phone-taken' });
  });

  it('takes a number on every key’s stream or on none: a refusal on one gives back what it took on the other', async () => {
    const after = reservations({ current: newKey, previous: [] });
    const during = reservations({ current: oldKey, previous: [newKey] });
    await after.reserve(metadata(), phone, 'c-1', false);

    await expect(during.reserve(metadata(), phone, 'c-2', false)).rejects.toMatchObject({ code: 'phone-taken' });

    expect(await during.holders(during.streamNamesOf(tenant, phone)[0], tenant)).toEqual([]);
    expect(await streamNames()).toEqual(after.streamNamesOf(tenant, phone));
  });

  it('leaves another chain’s stream alone', async () => {
    const phones = reservations({ current: newKey, previous: [] });
    const [name] = phones.streamNamesOf(tenant, phone);
    await phones.reserve(metadata(), phone, 'c-1', false);
    expect(await phones.deleteIfFree(name, 'chain-2')).toBe(false);
    expect(await phones.holders(name, tenant)).toEqual(['c-1']);
  });
});

describe('parsePhoneReservationKeys', () => {
  const secret = Buffer.alloc(32, 5).toString('base64');

  it('reads the current key first and the previous ones after it', () => {
    const keyring = parsePhoneReservationKeys(`k2:${secret}, k1:${Buffer.alloc(32, 6).toString('base64')}`);
    expect(keyring.current).toEqual({ id: 'k2', secret: Buffer.alloc(32, 5) });
    expect(keyring.previous.map((key) => key.id)).toEqual(['k1']);
  });

  it.each([
    ['nothing', '', 'is not set'],
    ['a short secret', `k1:${Buffer.alloc(16, 5).toString('base64')}`, 'entry 1 is not id:base64 of 32 bytes'],
    ['an id with capitals', `K1:${secret}`, 'entry 1 is not id:base64'],
    ['two keys with one id', `k1:${secret},k1:${secret}`, 'two keys have the same id'],
  ])('refuses %s, naming the variable but never a secret', (_, text, problem) => {
    let message = '';
    try {
      parsePhoneReservationKeys(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`PHONE_RESERVATION_KEYS`);
    expect(message).toContain(problem);
    expect(message).not.toContain(secret.slice(0, 8));
  });
});
