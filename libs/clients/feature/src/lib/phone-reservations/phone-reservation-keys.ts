import { PhoneReservationKey } from '@salon/clients/domain';

/** The configuration variable that holds the keys naming phone-reservation streams. */
export const PHONE_RESERVATION_KEYS_VARIABLE = 'PHONE_RESERVATION_KEYS';

const SECRET_BYTES = 32;
const ENTRY = /^([a-z0-9]{1,8}):([A-Za-z0-9+/]{43}=)$/;

/**
 * The keys that name reservation streams: `current` names every reservation, and so does each of
 * `previous` while a rotation is under way, so that services still on the old key and those on the
 * new one meet on a common stream for every number (README, "Phone reservations").
 */
export interface PhoneReservationKeyring {
  readonly current: PhoneReservationKey;
  readonly previous: readonly PhoneReservationKey[];
}

/** Every key of the ring, current first. */
export function keysOf(keyring: PhoneReservationKeyring): readonly PhoneReservationKey[] {
  return [keyring.current, ...keyring.previous];
}

/**
 * Reads `id:base64,id:base64,…` (current first): ids of 1–8 characters of a-z0-9, each secret 32
 * bytes in base64. The errors name the variable and the entry's place, never a secret.
 */
export function parsePhoneReservationKeys(text: string | undefined): PhoneReservationKeyring {
  const entries = (text ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error(`${PHONE_RESERVATION_KEYS_VARIABLE} is not set (id:base64 of ${SECRET_BYTES} random bytes)`);
  const keys = entries.map((entry, index) => {
    const match = ENTRY.exec(entry);
    const secret = match ? Buffer.from(match[2], 'base64') : undefined;
    if (!match || secret?.length !== SECRET_BYTES) {
      throw new Error(`${PHONE_RESERVATION_KEYS_VARIABLE}: entry ${index + 1} is not id:base64 of ${SECRET_BYTES} bytes (id: 1-8 of a-z0-9)`);
    }
    return { id: match[1], secret };
  });
  const ids = keys.map((key) => key.id);
  if (new Set(ids).size !== ids.length) throw new Error(`${PHONE_RESERVATION_KEYS_VARIABLE}: two keys have the same id`);
  const [current, ...previous] = keys;
  return { current, previous };
}
