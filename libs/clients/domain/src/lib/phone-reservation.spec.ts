import { CommandMetadata, specificationFor } from '@salon/shared/ddd';
import { normalisePhone } from './phone';
import {
  PhoneReservationCommand,
  PhoneReservationEvent,
  phoneReservationDecider,
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
  it('gives one stream per chain and normalised number, whatever way the number was typed', () => {
    const typedOneWay = normalisePhone('8 (912) 345-67-89', 'RU').e164;
    const typedAnother = normalisePhone('+7 912 345 67 89', 'PL').e164;
    expect(toPhoneReservationStreamName('chain-1', typedOneWay)).toBe(toPhoneReservationStreamName('chain-1', typedAnother));
    expect(toPhoneReservationStreamName('chain-1', typedOneWay)).not.toBe(toPhoneReservationStreamName('chain-2', typedOneWay));
    expect(toPhoneReservationStreamName('chain-1', '+79123456789')).not.toBe(toPhoneReservationStreamName('chain-1', '+79123456780'));
  });

  it('keeps the number itself out of the stream name', () => {
    const name = toPhoneReservationStreamName('chain-1', '+79123456789');
    expect(name).toMatch(/^phone-reservation-chain-1-[0-9a-f]{32}$/);
    expect(name).not.toContain('9123456789');
  });

  it('refuses a number that is not in E.164, which would name another stream', () => {
    expect(() => toPhoneReservationStreamName('chain-1', '8 (912) 345-67-89')).toThrow('E.164');
    expect(() => toPhoneReservationStreamName('', '+79123456789')).toThrow('chain');
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
