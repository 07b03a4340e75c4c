import { CommandMetadata, specificationFor } from '@salon/shared/ddd';
import {
  ClientCommand,
  ClientEvent,
  ClientProfileEdited,
  ClientRegistered,
  EditClientProfile,
  RegisterClient,
  clientDecider,
  clientIdOfStream,
  phoneInUse,
  phonesOfHistory,
  toClientStreamName,
} from './client';

const spec = specificationFor(clientDecider);

const clientId = 'c-1';
const now = new Date('2025-06-15T10:00:00.000Z');
const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'corr-1', causationId: 'cause-1', now };
const at = now.toISOString();

const command = <C extends ClientCommand>(type: C['type'], data: C['data']): C => ({ type, data, metadata }) as C;

const register = (data: Partial<RegisterClient['data']> = {}) =>
  command<RegisterClient>('RegisterClient', { clientId, defaultCountry: 'RU', phone: '8 (912) 345-67-89', ...data });

const edit = (data: Partial<EditClientProfile['data']> = {}) =>
  command<EditClientProfile>('EditClientProfile', { clientId, defaultCountry: 'RU', phone: '+79123456789', ...data });

const registered: ClientRegistered = {
  type: 'ClientRegistered',
  data: {
    clientId,
    phone: '+79123456789',
    phoneLineType: 'mobile',
    smsCapable: true,
    gender: 'unspecified',
    initialConsent: {},
    registeredAt: at,
  },
};

const visitNoted = (visitId: string, visitCount: number): ClientEvent => ({
  type: 'ClientVisitNoted',
  data: { clientId, visitId, visitCount, notedAt: at },
});

describe('client streams', () => {
  it('names the stream after the client, and reads the client back from it', () => {
    expect(toClientStreamName('c-42')).toBe('client-c-42');
    expect(clientIdOfStream('client-c-42')).toBe('c-42');
  });

  it('refuses a stream that is not a client stream', () => {
    expect(() => clientIdOfStream('phone-reservation-x')).toThrow('not a client stream');
    expect(() => clientIdOfStream('client-')).toThrow('not a client stream');
  });
});

describe('RegisterClient', () => {
  it('registers a client with only a phone, normalised to E.164 with its line type', () => {
    spec.given([]).when(register()).then([registered]);
  });

  it('records the whole profile, trimmed and normalised', () => {
    spec
      .given([])
      .when(
        register({
          phone: '+7 912 345 67 89',
          secondPhone: '8 (495) 123-45-67',
          email: ' Anna.Petrova@Example.COM ',
          firstName: ' Анна ',
          lastName: 'Петрова',
          patronymic: 'Сергеевна',
          birthDate: '1990-02-28',
          gender: 'female',
          comment: 'Prefers the morning; allergic to latex.',
          initialConsent: { notifications: false, remindersByEmail: true },
        }),
      )
      .then([
        {
          type: 'ClientRegistered',
          data: {
            clientId,
            phone: '+79123456789',
            phoneLineType: 'mobile',
            smsCapable: true,
            secondPhone: '+74951234567',
            secondPhoneLineType: 'fixed-line',
            email: 'Anna.Petrova@example.com',
            firstName: 'Анна',
            lastName: 'Петрова',
            patronymic: 'Сергеевна',
            birthDate: '1990-02-28',
            gender: 'female',
            comment: 'Prefers the morning; allergic to latex.',
            initialConsent: { notifications: false, remindersByEmail: true },
            registeredAt: at,
          },
        },
      ]);
  });

  it('records discounts given with the registration in the same decision, after the registration', () => {
    spec
      .given([])
      .when(register({ discounts: { productDiscountPercent: 5, serviceDiscountPercent: 12.5 } }))
      .then([
        registered,
        { type: 'ClientDiscountsSet', data: { clientId, productDiscountPercent: 5, serviceDiscountPercent: 12.5, setAt: at } },
      ]);
  });

  it('records no discount event for discounts of zero, the default', () => {
    spec.given([]).when(register({ discounts: { productDiscountPercent: 0, serviceDiscountPercent: 0 } })).then([registered]);
  });

  it('refuses the whole registration when a discount given with it is out of range', () => {
    const error = spec.given([]).when(register({ discounts: { productDiscountPercent: 101, serviceDiscountPercent: 0 } })).thenThrows('invalid-discount');
    expect(error.details).toMatchObject({ field: 'productDiscountPercent' });
  });

  it('treats blank and null optional fields as empty', () => {
    spec
      .given([])
      .when(register({ email: '  ', firstName: null, secondPhone: '', comment: '\n' }))
      .then([registered]);
  });

  it('marks a landline as unable to receive SMS, for the consent context', () => {
    const [event] = spec.given([]).when(register({ phone: '8 (495) 123-45-67' })).thenReturns();
    expect(event.data).toMatchObject({ phone: '+74951234567', phoneLineType: 'fixed-line', smsCapable: false });
  });

  it('reads numbers in the chain country: a Polish chain', () => {
    const [event] = spec.given([]).when(register({ defaultCountry: 'PL', phone: '0048 601 234 567' })).thenReturns();
    expect(event.data).toMatchObject({ phone: '+48601234567', phoneLineType: 'mobile', smsCapable: true });
  });

  it('passes the consent choices of the form on untouched; those left out take the consent defaults later', () => {
    const [event] = spec
      .given([])
      .when(register({ initialConsent: { notifications: true, remindersBySms: true, remindersByEmail: false } }))
      .thenReturns();
    expect(event.data).toMatchObject({ initialConsent: { notifications: true, remindersBySms: true, remindersByEmail: false } });
  });

  it('refuses SMS reminders to a landline', () => {
    const error = spec
      .given([])
      .when(register({ phone: '8 (495) 123-45-67', initialConsent: { remindersBySms: true } }))
      .thenThrows('sms-to-landline');
    expect(error.details).toEqual({ field: 'initialConsent.remindersBySms' });
  });

  it('refuses a consent choice that is not yes or no', () => {
    const error = spec
      .given([])
      .when(register({ initialConsent: { notifications: 'yes' as unknown as boolean } }))
      .thenThrows('invalid-consent-choice');
    expect(error.details).toEqual({ field: 'initialConsent.notifications' });
  });

  describe('with written marketing consent (an import)', () => {
    const marketing = {
      source: 'import' as const,
      permissions: ['newsletter'] as const,
      documentRef: ' ZG-2024/0017 ',
      signedAt: at,
      collectedBy: 'manager-1',
      salonId: 'salon-1',
    };

    it('records it with the registration, for the consent context', () => {
      const [event] = spec.given([]).when(register({ marketingConsent: marketing })).thenReturns();
      expect(event.data).toMatchObject({ marketingConsent: { ...marketing, documentRef: 'ZG-2024/0017', permissions: ['newsletter'] } });
      const [without] = spec.given([]).when(register()).thenReturns();
      expect(without.data).not.toHaveProperty('marketingConsent');
    });

    it.each([
      ['marketingConsent.documentRef', { documentRef: 'Anna Nowak' }],
      ['marketingConsent.documentRef', { documentRef: 'anna@example.com' }],
      ['marketingConsent.consentTextVersion', { consentTextVersion: 'v'.repeat(101) }],
      ['marketingConsent', { documentRef: undefined }],
      ['marketingConsent.signedAt', { signedAt: new Date(now.getTime() + 60_000).toISOString() }],
      ['marketingConsent.salonId', { salonId: '' }],
      ['marketingConsent.permissions', { permissions: [] }],
      ['marketingConsent.source', { source: 'front-desk' }],
    ] as const)('refuses what the consent context would refuse: %s', (field, change) => {
      const error = spec
        .given([])
        .when(register({ marketingConsent: { ...marketing, ...change } as unknown as RegisterClient['data']['marketingConsent'] }))
        .thenThrows('invalid-marketing-consent');
      expect(error.details).toEqual({ field });
      expect(error.reason).not.toContain('Anna');
    });

    it('refuses marketing SMS to a landline', () => {
      const error = spec
        .given([])
        .when(register({ phone: '8 (495) 123-45-67', marketingConsent: { ...marketing, permissions: ['marketingSms'] } }))
        .thenThrows('invalid-marketing-consent');
      expect(error.details).toEqual({ field: 'marketingConsent.marketingSms' });
    });
  });

  it('requires a phone', () => {
    const error = spec.given([]).when(register({ phone: ' ' })).thenThrows('phone-required');
    expect(error.kind).toBe('invalid');
    expect(error.details).toEqual({ field: 'phone' });
  });

  it.each([
    ['phone', { phone: 'call me maybe' }, 'invalid-phone'],
    ['phone', { phone: '12345' }, 'invalid-phone'],
    ['secondPhone', { secondPhone: '000' }, 'invalid-phone'],
    ['secondPhone', { secondPhone: '+7 912 345-67-89' }, 'invalid-phone'],
    ['email', { email: 'anna@' }, 'invalid-email'],
    ['email', { email: 'anna' }, 'invalid-email'],
    ['email', { email: 'anna@localhost' }, 'invalid-email'],
    ['email', { email: 'anna@exa mple.com' }, 'invalid-email'],
    ['email', { email: '@example.com' }, 'invalid-email'],
    ['email', { email: 'anna@-example.com' }, 'invalid-email'],
    ['birthDate', { birthDate: '2025-06-17' }, 'invalid-birth-date'],
    ['birthDate', { birthDate: '2099-01-01' }, 'invalid-birth-date'],
    ['birthDate', { birthDate: '1899-12-31' }, 'invalid-birth-date'],
    ['birthDate', { birthDate: '1990-02-30' }, 'invalid-birth-date'],
    ['birthDate', { birthDate: '1991-02-29' }, 'invalid-birth-date'],
    ['birthDate', { birthDate: '1990-04-31' }, 'invalid-birth-date'],
    ['birthDate', { birthDate: '1990-13-01' }, 'invalid-birth-date'],
    ['birthDate', { birthDate: '15.06.1990' }, 'invalid-birth-date'],
    ['gender', { gender: 'unknown' as never }, 'invalid-gender'],
    ['comment', { comment: 'x'.repeat(2001) }, 'comment-too-long'],
    ['firstName', { firstName: 'x'.repeat(101) }, 'name-too-long'],
    ['lastName', { lastName: 'x'.repeat(101) }, 'name-too-long'],
    ['patronymic', { patronymic: 'x'.repeat(101) }, 'name-too-long'],
    ['lastName', { lastName: 42 as unknown as string }, 'invalid-field-type'],
  ] as const)('refuses an invalid %s (%j)', (field, data, code) => {
    const error = spec.given([]).when(register(data)).thenThrows(code);
    expect(error.kind).toBe('invalid');
    expect(error.details).toEqual({ field });
  });

  it('says what is wrong with an e-mail without a domain', () => {
    expect(spec.given([]).when(register({ email: 'anna@' })).thenThrows('invalid-email').reason).toContain('no domain');
  });

  it('says a birth date in the future is in the future', () => {
    expect(spec.given([]).when(register({ birthDate: '2099-01-01' })).thenThrows('invalid-birth-date').reason).toContain(
      'future',
    );
  });

  it('accepts the edges: born on 1 January 1900, born today, a leap day, a 2000-character comment', () => {
    for (const data of [
      { birthDate: '1900-01-01' },
      { birthDate: '2025-06-15' },
      { birthDate: '2024-02-29' },
      { comment: 'я'.repeat(2000) },
      { firstName: 'x'.repeat(100) },
    ]) {
      expect(spec.given([]).when(register(data)).thenReturns()).toHaveLength(1);
    }
  });

  it('accepts a birth date that has already begun east of UTC', () => {
    // 10:00 UTC on 15 June is already 16 June in Kiribati (UTC+14).
    expect(spec.given([]).when(register({ birthDate: '2025-06-16' })).thenReturns()).toHaveLength(1);
  });

  it('accepts e-mail addresses with plus signs, subdomains and non-Latin letters', () => {
    for (const email of ['anna+salon@mail.example.co.uk', 'анна@почта.рф', "o'neil@example.pl"]) {
      expect(spec.given([]).when(register({ email })).thenReturns()).toHaveLength(1);
    }
  });

  it('refuses to register the same client twice', () => {
    spec.given([registered]).when(register()).thenThrows('client-already-registered');
  });

  it('refuses a registration without a client id', () => {
    expect(spec.given([]).when(register({ clientId: '' })).thenThrows('invalid-client-id').details).toEqual({ field: 'clientId' });
  });
});

describe('EditClientProfile', () => {
  const edited = (data: Omit<ClientProfileEdited['data'], 'clientId' | 'editedAt'>): ClientProfileEdited => ({
    type: 'ClientProfileEdited',
    data: { clientId, ...data, editedAt: at },
  });

  it('replaces the whole editable profile in one event', () => {
    spec
      .given([registered])
      .when(edit({ firstName: 'Ольга', email: 'olga@example.ru', gender: 'female' }))
      .then([
        edited({
          phone: '+79123456789',
          phoneLineType: 'mobile',
          smsCapable: true,
          email: 'olga@example.ru',
          firstName: 'Ольга',
          gender: 'female',
        }),
      ]);
  });

  it('records nothing when the save changes nothing, however the same data is typed', () => {
    spec.given([registered]).when(edit({ phone: '8 912 345-67-89', firstName: '  ', gender: 'unspecified' })).then([]);
  });

  it('clears the fields the saved form leaves out', () => {
    const withName = edited({ phone: '+79123456789', phoneLineType: 'mobile', smsCapable: true, firstName: 'Ольга', gender: 'female' });
    spec
      .given([registered, withName])
      .when(edit())
      .then([edited({ phone: '+79123456789', phoneLineType: 'mobile', smsCapable: true, gender: 'unspecified' })]);
  });

  it('records the new line type when the phone changes to a landline', () => {
    spec
      .given([registered])
      .when(edit({ phone: '8 (495) 123-45-67' }))
      .then([edited({ phone: '+74951234567', phoneLineType: 'fixed-line', smsCapable: false, gender: 'unspecified' })]);
  });

  it('validates like the registration, naming the field', () => {
    expect(spec.given([registered]).when(edit({ email: 'olga@' })).thenThrows('invalid-email').details).toEqual({ field: 'email' });
    expect(spec.given([registered]).when(edit({ phone: '' })).thenThrows('phone-required').details).toEqual({ field: 'phone' });
  });

  it('refuses to edit a client that does not exist', () => {
    expect(spec.given([]).when(edit()).thenThrows('client-not-found').kind).toBe('not-found');
  });
});

describe('SetClientDiscounts', () => {
  const setDiscounts = (productDiscountPercent: number, serviceDiscountPercent: number) =>
    command<ClientCommand>('SetClientDiscounts', { clientId, productDiscountPercent, serviceDiscountPercent });
  const discountsSet = (productDiscountPercent: number, serviceDiscountPercent: number): ClientEvent => ({
    type: 'ClientDiscountsSet',
    data: { clientId, productDiscountPercent, serviceDiscountPercent, setAt: at },
  });

  it('sets separate discounts for products and services', () => {
    spec.given([registered]).when(setDiscounts(5, 12.5)).then([discountsSet(5, 12.5)]);
  });

  it('accepts 0 and 100 and two decimals', () => {
    spec.given([registered]).when(setDiscounts(0, 100)).then([discountsSet(0, 100)]);
    spec.given([registered]).when(setDiscounts(0.29, 99.99)).then([discountsSet(0.29, 99.99)]);
  });

  it('records nothing when the discounts stay as they are', () => {
    spec.given([registered]).when(setDiscounts(0, 0)).then([]);
    spec.given([registered, discountsSet(5, 10)]).when(setDiscounts(5, 10)).then([]);
  });

  it.each([
    ['productDiscountPercent', 120, 0],
    ['productDiscountPercent', -1, 0],
    ['serviceDiscountPercent', 0, 100.01],
    ['serviceDiscountPercent', 0, 10.005],
    ['serviceDiscountPercent', 0, Number.NaN],
    ['productDiscountPercent', '10' as unknown as number, 0],
  ] as const)('refuses an invalid %s (%s, %s)', (field, products, services) => {
    const error = spec.given([registered]).when(setDiscounts(products, services)).thenThrows('invalid-discount');
    expect(error.details).toEqual({ field });
  });

  it('says a discount of 120 % is out of range', () => {
    expect(spec.given([registered]).when(setDiscounts(120, 0)).thenThrows('invalid-discount').reason).toContain('between 0 and 100');
  });
});

describe('NoteClientVisit', () => {
  const noteVisit = (visitId: string) => command<ClientCommand>('NoteClientVisit', { clientId, visitId });

  it('counts the visits the visits context tells of', () => {
    spec.given([registered]).when(noteVisit('v-1')).then([visitNoted('v-1', 1)]);
    spec.given([registered, visitNoted('v-1', 1)]).when(noteVisit('v-2')).then([visitNoted('v-2', 2)]);
  });

  it('is idempotent per visit', () => {
    spec.given([registered, visitNoted('v-1', 1)]).when(noteVisit('v-1')).then([]);
  });

  it('refuses a visit without an id', () => {
    spec.given([registered]).when(noteVisit(' ')).thenThrows('invalid-visit-id');
  });
});

describe('DeleteClient', () => {
  const deleteClient = command<ClientCommand>('DeleteClient', { clientId });
  const deleted: ClientEvent = { type: 'ClientDeleted', data: { clientId, deletedAt: at } };

  it('deletes a client who has no visits', () => {
    spec.given([registered]).when(deleteClient).then([deleted]);
  });

  it('refuses, with the reason, to delete a client who has visits in any status', () => {
    const error = spec.given([registered, visitNoted('v-1', 1)]).when(deleteClient).thenThrows('client-has-visits');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ clientId, visitCount: 1 });
    expect(error.reason).toContain('cannot be deleted');
  });

  it('refuses to delete a client who does not exist', () => {
    spec.given([]).when(deleteClient).thenThrows('client-not-found');
  });

  it.each<[string, ClientCommand]>([
    ['RegisterClient', register()],
    ['EditClientProfile', edit()],
    ['SetClientDiscounts', command('SetClientDiscounts', { clientId, productDiscountPercent: 1, serviceDiscountPercent: 1 })],
    ['NoteClientVisit', command('NoteClientVisit', { clientId, visitId: 'v-1' })],
    ['DeleteClient', deleteClient],
    ['EraseClient', command('EraseClient', { clientId, archivedNumber: 1 })],
    ['SetClientPhoto', command('SetClientPhoto', { clientId, photoRef: 'photos/c-1/1.webp' })],
    ['RemoveClientPhoto', command('RemoveClientPhoto', { clientId })],
  ])('refuses %s after the deletion', (_, next) => {
    expect(spec.given([registered, deleted]).when(next).thenThrows('client-deleted').kind).toBe('conflict');
  });
});

describe('EraseClient', () => {
  const erase = (archivedNumber: number) => command<ClientCommand>('EraseClient', { clientId, archivedNumber });
  const erased = (archivedNumber: number, visitCount: number): ClientEvent => ({
    type: 'ClientErased',
    data: { clientId, archivedNumber, visitCount, erasedAt: at },
  });

  it('erases a client with visits, keeping the visit count, as Archived client N', () => {
    spec
      .given([registered, visitNoted('v-1', 1), visitNoted('v-2', 2)])
      .when(erase(7))
      .then([erased(7, 2)]);
  });

  it('erases a client without visits too', () => {
    spec.given([registered]).when(erase(1)).then([erased(1, 0)]);
  });

  it('takes the number the caller allocated in the chain', () => {
    const [event] = spec.given([registered]).when(erase(42)).thenReturns();
    expect(event.data).toMatchObject({ archivedNumber: 42 });
    expect(clientDecider.evolve(clientDecider.evolve(clientDecider.initialState(), registered), event)).toEqual({
      status: 'erased',
      clientId,
      archivedNumber: 42,
      visitCount: 0,
    });
  });

  it('records a repeated erasure once; the first number stays', () => {
    spec.given([registered, erased(3, 0)]).when(erase(3)).then([]);
    spec.given([registered, erased(3, 0)]).when(erase(4)).then([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the archived number %s', (archivedNumber) => {
    const error = spec.given([registered]).when(erase(archivedNumber)).thenThrows('invalid-archived-number');
    expect(error.details).toEqual({ field: 'archivedNumber' });
  });

  it('refuses to erase a client who does not exist', () => {
    spec.given([]).when(erase(1)).thenThrows('client-not-found');
  });

  it.each<[string, ClientCommand]>([
    ['RegisterClient', register()],
    ['EditClientProfile', edit()],
    ['SetClientDiscounts', command('SetClientDiscounts', { clientId, productDiscountPercent: 1, serviceDiscountPercent: 1 })],
    ['NoteClientVisit', command('NoteClientVisit', { clientId, visitId: 'v-9' })],
    ['DeleteClient', command('DeleteClient', { clientId })],
    ['SetClientPhoto', command('SetClientPhoto', { clientId, photoRef: 'photos/c-1/1.webp' })],
    ['RemoveClientPhoto', command('RemoveClientPhoto', { clientId })],
  ])('refuses %s after the erasure', (_, next) => {
    const error = spec.given([registered, erased(5, 0)]).when(next).thenThrows('client-erased');
    expect(error.details).toEqual({ clientId, archivedNumber: 5 });
    expect(error.reason).toContain('Archived client 5');
  });

  it('refuses to erase a client who was deleted', () => {
    spec.given([registered, { type: 'ClientDeleted', data: { clientId, deletedAt: at } }]).when(erase(1)).thenThrows('client-deleted');
  });

  it('folds a history whose personal data was shredded (fields read as absent)', () => {
    const { phone: _p, ...shredded } = registered.data;
    const state = [{ ...registered, data: { ...shredded, piiErased: true } } as unknown as ClientEvent, erased(2, 0)].reduce(
      clientDecider.evolve,
      clientDecider.initialState(),
    );
    expect(state).toEqual({ status: 'erased', clientId, archivedNumber: 2, visitCount: 0 });
  });
});

describe('SetClientPhoto / RemoveClientPhoto', () => {
  const setPhoto = (photoRef: string) => command<ClientCommand>('SetClientPhoto', { clientId, photoRef });
  const removePhoto = command<ClientCommand>('RemoveClientPhoto', { clientId });
  const photoSet = (photoRef: string): ClientEvent => ({ type: 'ClientPhotoSet', data: { clientId, photoRef, setAt: at } });
  const photoRemoved: ClientEvent = { type: 'ClientPhotoRemoved', data: { clientId, removedAt: at } };

  it('sets, replaces and removes the photo reference', () => {
    spec.given([registered]).when(setPhoto('photos/c-1/1.webp')).then([photoSet('photos/c-1/1.webp')]);
    spec.given([registered, photoSet('photos/c-1/1.webp')]).when(setPhoto('photos/c-1/2.png')).then([photoSet('photos/c-1/2.png')]);
    spec.given([registered, photoSet('photos/c-1/1.webp')]).when(removePhoto).then([photoRemoved]);
  });

  it('records nothing when the photo does not change', () => {
    spec.given([registered, photoSet('photos/c-1/1.webp')]).when(setPhoto('photos/c-1/1.webp')).then([]);
    spec.given([registered]).when(removePhoto).then([]);
    spec.given([registered, photoSet('photos/c-1/1.webp'), photoRemoved]).when(removePhoto).then([]);
  });

  it('refuses an empty or oversized reference', () => {
    expect(spec.given([registered]).when(setPhoto('')).thenThrows('invalid-photo-reference').details).toEqual({ field: 'photoRef' });
    spec.given([registered]).when(setPhoto('p'.repeat(1025))).thenThrows('invalid-photo-reference');
  });

  it('refuses a photo for a client who does not exist', () => {
    spec.given([]).when(setPhoto('photos/x.webp')).thenThrows('client-not-found');
  });
});

describe('the phones a client may hold', () => {
  const editedTo = (phone: string): ClientProfileEdited => ({
    type: 'ClientProfileEdited',
    data: { ...registered.data, phone, editedAt: at },
  });
  const deleted: ClientEvent = { type: 'ClientDeleted', data: { clientId, deletedAt: at } };

  it('lists every number the client had while active, once each, oldest first', () => {
    const history = [registered, editedTo('+79123450000'), editedTo('+79123456789'), deleted];
    expect(phonesOfHistory(history)).toEqual(['+79123456789', '+79123450000']);
  });

  it('names the number in use only while the client is active', () => {
    expect(phoneInUse(clientDecider.evolve(clientDecider.initialState(), registered))).toBe('+79123456789');
    expect(phoneInUse([registered, deleted].reduce(clientDecider.evolve, clientDecider.initialState()))).toBeUndefined();
  });

  it('knows no number once the personal fields read as erased', () => {
    const { phone: _erased, ...withoutPhone } = registered.data;
    expect(phonesOfHistory([{ type: 'ClientRegistered', data: withoutPhone } as unknown as ClientEvent])).toEqual([]);
  });
});
