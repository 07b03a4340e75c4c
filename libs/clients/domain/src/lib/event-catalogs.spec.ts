import { CLIENT_PROFILE_FIELDS } from './client-profile';
import { clientEventCatalog, phoneReservationEventCatalog } from './event-catalogs';

const personalFieldsOf = (type: keyof typeof clientEventCatalog): readonly string[] =>
  clientEventCatalog[type].personalFields ?? [];

describe('clientEventCatalog', () => {
  it('is at schema version 1 for every event type', () => {
    for (const definition of [...Object.values(clientEventCatalog), ...Object.values(phoneReservationEventCatalog)]) {
      expect(definition.schemaVersion).toBe(1);
    }
  });

  it('encrypts every personal field of the profile, and only those', () => {
    const personal = ['phone', 'secondPhone', 'email', 'firstName', 'lastName', 'patronymic', 'birthDate', 'gender', 'comment'];
    const notPersonal = ['phoneLineType', 'smsCapable', 'secondPhoneLineType'];
    // A new profile field must be classified here, or this fails.
    expect([...personal, ...notPersonal].sort()).toEqual([...CLIENT_PROFILE_FIELDS].sort());
    for (const type of ['ClientRegistered', 'ClientProfileEdited'] as const) {
      expect([...personalFieldsOf(type)].sort()).toEqual([...personal].sort());
    }
  });

  it('encrypts the photo reference', () => {
    expect(personalFieldsOf('ClientPhotoSet')).toEqual(['photoRef']);
  });

  it('keeps the erasure event free of personal data: it is written as the key is destroyed', () => {
    expect(personalFieldsOf('ClientErased')).toEqual([]);
    for (const type of ['ClientDiscountsSet', 'ClientVisitNoted', 'ClientDeleted', 'ClientPhotoRemoved'] as const) {
      expect(personalFieldsOf(type)).toEqual([]);
    }
  });

  it('keeps phone reservations free of personal data', () => {
    expect(phoneReservationEventCatalog.PhoneReserved.personalFields ?? []).toEqual([]);
    expect(phoneReservationEventCatalog.PhoneReleased.personalFields ?? []).toEqual([]);
  });
});
