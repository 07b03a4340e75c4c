import { createHash } from 'node:crypto';
import { CommandMetadata, specificationFor } from '@salon/shared/ddd';
import { normalisePhone } from './phone';
import {
  PhoneReservationCommand,
  PhoneReservationEvent,
  PhoneReservationKey,
  phoneReservationDecider,
  phoneReservationNaming,
  toPhoneReservationStreamName,
} from './phone-reservation';

const spec = specificationFor(phoneReservationDecider);
const now = new Date('2025-06-15T10:00:00.000Z');
const at = now.toISOString();
const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'corr-1', causationId: 'cause-1', now };

const reserve = (clientId: string, allowShared = false): PhoneReservationCommand => ({
  type: 'ReservePhone',
  data: { clientId, allowShared },
  metadata,
});
const release = (clientId: string): PhoneReservationCommand => ({ type: 'ReleasePhone', data: { clientId }, metadata });
const reserved = (clientId: string, shared = false): PhoneReservationEvent => ({
  type: 'PhoneReserved',
  data: { clientId, shared, reservedAt: at },
});
const released = (clientId: string): PhoneReservationEvent => ({ type: 'PhoneReleased', data: { clientId, releasedAt: at } });

describe('toPhoneReservationStreamName', () => {
  const key: PhoneReservationKey = { id: 'k1', secret: Buffer.alloc(32, 1) };
  const name = (tenantId: string, e164: string) => toPhoneReservationStreamName(tenantId, e164, key);

  it('gives one stream per chain and normalised number, whatever way the number was typed', () => {
    const typedOneWay = normalisePhone('8 (912) 345-67-89', 'RU').e164;
    const typedAnother = normalisePhone('+7 912 345 67 89', 'PL').e164;
    expect(name('chain-1', typedOneWay)).toBe(name('chain-1', typedAnother));
    expect(name('chain-1', typedOneWay)).not.toBe(name('chain-2', typedOneWay));
    expect(name('chain-1', '+79123456789')).not.toBe(name('chain-1', '+79123456780'));
  });

  it('keeps the number itself out of the stream name', () => {
    expect(name('chain-1', '+79123456789')).toMatch(/^phone-reservation-chain-1-k1-[0-9a-f]{32}$/);
    expect(name('chain-1', '+79123456789')).not.toContain('9123456789');
  });

  it('names the stream with the key: the same key gives the same name, another key (or another secret) another one', () => {
    const same = toPhoneReservationStreamName('chain-1', '+79123456789', { id: 'k1', secret: Buffer.alloc(32, 1) });
    expect(same).toBe(name('chain-1', '+79123456789'));
    const otherSecret = toPhoneReservationStreamName('chain-1', '+79123456789', { id: 'k1', secret: Buffer.alloc(32, 2) });
    const otherKey = toPhoneReservationStreamName('chain-1', '+79123456789', { id: 'k2', secret: Buffer.alloc(32, 2) });
    expect(new Set([same, otherSecret, otherKey]).size).toBe(3);
  });

  it('holds no unkeyed hash of the number, which anyone could recompute by trying every number', () => {
    const digest = name('chain-1', '+79123456789').split('-').pop() ?? '';
    const unkeyed = ['chain-1\u0000+79123456789', '+79123456789', '79123456789', 'chain-1+79123456789'].flatMap((text) =>
      ['sha256', 'sha1', 'md5', 'sha512'].map((algorithm) => createHash(algorithm).update(text).digest('hex')),
    );
    expect(unkeyed.filter((hash) => hash.includes(digest) || digest.includes(hash.slice(0, 16)))).toEqual([]);
  });

  it('tells the key of a stream, and the unkeyed names of before, without knowing the number', () => {
    expect(phoneReservationNaming('chain-1', name('chain-1', '+79123456789'))).toEqual({ keyId: 'k1' });
    const legacy = `phone-reservation-chain-1-${createHash('sha256').update('chain-1\u0000+79123456789').digest('hex').slice(0, 32)}`;
    expect(phoneReservationNaming('chain-1', legacy)).toBe('legacy');
    expect(phoneReservationNaming('chain-2', name('chain-1', '+79123456789'))).toBeUndefined();
    expect(phoneReservationNaming('chain-1', 'client-c-1')).toBeUndefined();
  });

  it('refuses a number that is not in E.164, which would name another stream, and a malformed key id', () => {
    expect(() => name('chain-1', '8 (912) 345-67-89')).toThrow('E.164');
    expect(() => name('', '+79123456789')).toThrow('chain');
    expect(() => toPhoneReservationStreamName('chain-1', '+79123456789', { id: 'K-1', secret: key.secret })).toThrow('key id');
  });
});

describe('phoneReservationDecider', () => {
  it('reserves a free number for a client', () => {
    spec.given([]).when(reserve('c-1')).then([reserved('c-1')]);
  });

  it('answers with the existing client when another client has the number', () => {
    const error = spec.given([reserved('c-1')]).when(reserve('c-2')).thenThrows('phone-taken');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ existingClientId: 'c-1', existingClientIds: ['c-1'] });
    expect(error.reason).toContain('already belongs to another client');
  });

  it('shares the number when the request says so explicitly', () => {
    spec.given([reserved('c-1')]).when(reserve('c-2', true)).then([reserved('c-2', true)]);
  });

  it('still refuses a third client who does not say the number is shared, naming the first holder', () => {
    const error = spec.given([reserved('c-1'), reserved('c-2', true)]).when(reserve('c-3')).thenThrows('phone-taken');
    expect(error.details).toEqual({ existingClientId: 'c-1', existingClientIds: ['c-1', 'c-2'] });
  });

  it('is a no-op to reserve the number twice for the same client', () => {
    spec.given([reserved('c-1')]).when(reserve('c-1')).then([]);
    spec.given([reserved('c-1')]).when(reserve('c-1', true)).then([]);
  });

  it('frees the number on release, so another client can take it', () => {
    spec.given([reserved('c-1')]).when(release('c-1')).then([released('c-1')]);
    spec.given([reserved('c-1'), released('c-1')]).when(reserve('c-2')).then([reserved('c-2')]);
  });

  it('keeps a shared number for the clients who still hold it', () => {
    const error = spec.given([reserved('c-1'), reserved('c-2', true), released('c-1')]).when(reserve('c-3')).thenThrows('phone-taken');
    expect(error.details).toEqual({ existingClientId: 'c-2', existingClientIds: ['c-2'] });
  });

  it('is a no-op to release a number the client does not hold', () => {
    spec.given([]).when(release('c-1')).then([]);
    spec.given([reserved('c-2')]).when(release('c-1')).then([]);
    spec.given([reserved('c-1'), released('c-1')]).when(release('c-1')).then([]);
  });

  it('refuses a command without a client id', () => {
    spec.given([]).when(reserve('')).thenThrows('invalid-client-id');
    spec.given([]).when(release(' ')).thenThrows('invalid-client-id');
  });
});
