import { ClientEvent } from '@salon/clients/domain';

export const CLIENT_ID = '6f1c1c1e-0000-4000-8000-000000000042';
export const AT = '2025-06-15T10:00:00.000Z';

/** A profile with every field filled in (personal fields in clear, as a decoded event holds them). */
export const FULL_PROFILE = {
  phone: '+48601234567',
  phoneLineType: 'mobile',
  smsCapable: true,
  secondPhone: '+48221234567',
  secondPhoneLineType: 'fixed-line',
  email: 'anna.nowak@example.com',
  firstName: 'Anna',
  lastName: 'Nowak',
  patronymic: 'Janowna',
  birthDate: '1990-04-01',
  gender: 'female',
  comment: 'Prefers mornings',
} as const;

/** The smallest profile: the phone alone. */
export const MINIMAL_PROFILE = { phone: '+48601234567', phoneLineType: 'mobile', smsCapable: true, gender: 'unspecified' } as const;

/** Written marketing consent as an imported row brings it with the registration. */
export const IMPORTED_MARKETING_CONSENT = {
  source: 'import',
  permissions: ['newsletter', 'marketingSms'],
  documentRef: 'ZG-2025/0042',
  consentTextVersion: 'marketing-v3',
  signedAt: AT,
  collectedBy: 'manager-1',
  salonId: 'salon-1',
} as const;

/** One domain event of every type, each field the domain records filled in (`profile` for the two profile events). */
export function everyClientEvent(profile: typeof FULL_PROFILE | typeof MINIMAL_PROFILE = FULL_PROFILE): {
  readonly [Type in ClientEvent['type']]: Extract<ClientEvent, { type: Type }>;
} {
  const clientId = CLIENT_ID;
  return {
    ClientRegistered: {
      type: 'ClientRegistered',
      data: {
        clientId,
        ...profile,
        initialConsent: { remindersByEmail: false },
        // Only an import brings written marketing consent: the full registration has it, the minimal one not.
        ...(profile === FULL_PROFILE ? { marketingConsent: IMPORTED_MARKETING_CONSENT } : {}),
        registeredAt: AT,
      },
    },
    ClientProfileEdited: { type: 'ClientProfileEdited', data: { clientId, ...profile, editedAt: AT } },
    ClientDiscountsSet: { type: 'ClientDiscountsSet', data: { clientId, productDiscountPercent: 5, serviceDiscountPercent: 12.5, setAt: AT } },
    ClientVisitNoted: { type: 'ClientVisitNoted', data: { clientId, visitId: 'visit-1', visitCount: 3, notedAt: AT } },
    ClientDeleted: { type: 'ClientDeleted', data: { clientId, deletedAt: AT } },
    ClientErased: { type: 'ClientErased', data: { clientId, archivedNumber: 7, visitCount: 3, erasedAt: AT } },
    ClientPhotoSet: { type: 'ClientPhotoSet', data: { clientId, photoRef: 'photos/anna.jpg', setAt: AT } },
    ClientPhotoRemoved: { type: 'ClientPhotoRemoved', data: { clientId, removedAt: AT } },
    ClientLegalHoldPlaced: { type: 'ClientLegalHoldPlaced', data: { clientId, reason: 'litigation', reference: 'CASE-2025-17', placedAt: AT } },
    ClientLegalHoldLifted: { type: 'ClientLegalHoldLifted', data: { clientId, liftedAt: AT } },
  };
}
