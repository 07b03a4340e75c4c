import { InMemoryKeyStore } from './in-memory-key-store';
import { DataKeyErasedError } from './key-store.port';
import { PersonalDataCipher, PersonalDataTamperedError, PiiEnvelope } from './personal-data-cipher';

const TENANT = 'chain-1';
const CLIENT = 'client-1';
const OTHER_CLIENT = 'client-2';

const registered = {
  clientId: CLIENT,
  salonId: 'salon-3',
  registeredAt: '2025-03-01T10:00:00.000Z',
  firstName: 'Zoë',
  lastName: 'Kowalska',
  phone: '+48601234567',
  email: 'zoe.kowalska@example.com',
};
const PERSONAL = ['firstName', 'lastName', 'phone', 'email'] as const;

describe('PersonalDataCipher', () => {
  let keys: InMemoryKeyStore;
  let cipher: PersonalDataCipher;

  beforeEach(() => {
    keys = new InMemoryKeyStore();
    cipher = new PersonalDataCipher(keys);
  });

  /** As the event store and Kafka carry it: JSON text. */
  const stored = async (payload = registered, subjectId = CLIENT) =>
    JSON.parse(JSON.stringify(await cipher.encrypt(TENANT, subjectId, payload, PERSONAL))) as Record<string, unknown> & {
      pii: PiiEnvelope;
    };

  it('round-trips a payload through JSON', async () => {
    expect(await cipher.decrypt(TENANT, await stored())).toEqual(registered);
  });

  it('keeps clear fields in clear and replaces the personal ones by one envelope', async () => {
    const encrypted = await stored();
    expect(Object.keys(encrypted).sort()).toEqual(['clientId', 'pii', 'registeredAt', 'salonId']);
    expect(encrypted).toMatchObject({ clientId: CLIENT, salonId: 'salon-3', registeredAt: registered.registeredAt });
    expect(encrypted.pii).toMatchObject({ v: 1, subject: CLIENT });
  });

  it('leaves no personal value readable in the stored JSON', async () => {
    const text = JSON.stringify(await stored());
    for (const value of ['Zoë', 'Kowalska', '+48601234567', '601234567', 'zoe.kowalska', 'example.com']) {
      expect(text).not.toContain(value);
    }
  });

  it('uses a fresh IV each time, so equal payloads do not look equal', async () => {
    expect((await stored()).pii.data).not.toBe((await stored()).pii.data);
  });

  it('needs no key when the payload has no personal value', async () => {
    const payload = { clientId: CLIENT, amount: 120, firstName: undefined };
    const encrypted = await cipher.encrypt(TENANT, CLIENT, payload, ['firstName']);
    expect(encrypted).toEqual({ clientId: CLIENT, amount: 120 });
    expect(await keys.findKey(TENANT, CLIENT)).toBeUndefined();
  });

  it('passes a payload without an envelope through unchanged', async () => {
    const payload = { clientId: CLIENT, amount: 120 };
    expect(await cipher.decrypt(TENANT, payload)).toBe(payload);
  });

  it('refuses a payload that already has a "pii" property', async () => {
    await expect(cipher.encrypt(TENANT, CLIENT, { pii: 'x', name: 'Zoë' }, ['name'])).rejects.toThrow(/"pii" property/);
  });

  describe('after the subject was erased', () => {
    it('reads the clear fields with piiErased and no personal field', async () => {
      const encrypted = await stored();
      await keys.deleteKey(TENANT, CLIENT);
      const decrypted = await cipher.decrypt(TENANT, encrypted);
      expect(decrypted).toEqual({
        clientId: CLIENT,
        salonId: 'salon-3',
        registeredAt: registered.registeredAt,
        piiErased: true,
      });
    });

    it('refuses to encrypt new personal data for the subject', async () => {
      await stored();
      await keys.deleteKey(TENANT, CLIENT);
      await expect(stored()).rejects.toBeInstanceOf(DataKeyErasedError);
    });

    it('leaves other subjects readable', async () => {
      const other = await stored({ ...registered, clientId: OTHER_CLIENT }, OTHER_CLIENT);
      await stored();
      await keys.deleteKey(TENANT, CLIENT);
      expect(await cipher.decrypt(TENANT, other)).toEqual({ ...registered, clientId: OTHER_CLIENT });
    });
  });

  describe('tampering fails loudly, never as an erasure', () => {
    const flipFirstByte = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] ^= 0x01;
      return bytes.toString('base64');
    };

    it('refuses a changed ciphertext, tag or IV', async () => {
      const encrypted = await stored();
      for (const field of ['data', 'tag', 'iv'] as const) {
        const tampered = { ...encrypted, pii: { ...encrypted.pii, [field]: flipFirstByte(encrypted.pii[field]) } };
        await expect(cipher.decrypt(TENANT, tampered)).rejects.toBeInstanceOf(PersonalDataTamperedError);
      }
    });

    it('refuses an envelope relabelled as another subject', async () => {
      await stored({ ...registered, clientId: OTHER_CLIENT }, OTHER_CLIENT); // the other subject has a key
      const encrypted = await stored();
      const relabelled = { ...encrypted, pii: { ...encrypted.pii, subject: OTHER_CLIENT } };
      await expect(cipher.decrypt(TENANT, relabelled)).rejects.toBeInstanceOf(PersonalDataTamperedError);
    });

    it('refuses an envelope copied into another subject’s event when the reader knows the subject', async () => {
      const encrypted = await stored();
      const decrypting = cipher.decrypt(TENANT, { clientId: OTHER_CLIENT, pii: encrypted.pii }, { expectedSubjectId: OTHER_CLIENT });
      await expect(decrypting).rejects.toThrow(PersonalDataTamperedError);
    });

    it('refuses an envelope read under another tenant', async () => {
      const encrypted = await stored();
      await expect(cipher.decrypt('chain-2', encrypted)).rejects.toBeInstanceOf(PersonalDataTamperedError);
      await keys.getOrCreateKey('chain-2', CLIENT); // even where that tenant has a key for the same id
      await expect(cipher.decrypt('chain-2', encrypted)).rejects.toBeInstanceOf(PersonalDataTamperedError);
    });

    it('refuses an envelope whose subject never had a key (a wrong key store, or forged)', async () => {
      const encrypted = await stored();
      const forged = { ...encrypted, pii: { ...encrypted.pii, subject: 'nobody' } };
      await expect(cipher.decrypt(TENANT, forged)).rejects.toThrow(/no data key was ever created/);
    });

    it('refuses a malformed envelope', async () => {
      await expect(cipher.decrypt(TENANT, { clientId: CLIENT, pii: 'garbage' })).rejects.toBeInstanceOf(PersonalDataTamperedError);
      const encrypted = await stored();
      await expect(cipher.decrypt(TENANT, { ...encrypted, pii: { ...encrypted.pii, v: 2 } })).rejects.toBeInstanceOf(
        PersonalDataTamperedError,
      );
    });
  });
});
