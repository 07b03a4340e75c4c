import { TOPICS } from '@salon/contracts';
import { InMemoryKeyStore, PersonalDataCipher, PersonalDataTamperedError } from '@salon/shared/crypto';
import { nameSearchKeys } from '@salon/clients/domain';
import { IncomingMessage, projectInMemory } from '@salon/shared/messaging';
import { VisitEvents } from '../client-visit-ledger/test/visit-event-messages';
import { CLIENT_PROFILES_COLLECTION, ClientProfileDocument, EMPTY_CARD_VISIT_TOTALS } from './client-profile.document';
import { ClientProfilesProjection, createClientProfilesProjection } from './client-profiles.projection';
import { ClientMessages } from './test/client-messages';

const TENANT = 'chain-1';

const ANNA = {
  phone: '601 234 567',
  secondPhone: '+48 22 123 45 67',
  email: 'Anna.Kowalska@Example.COM',
  firstName: 'Anna',
  lastName: 'Kowalska-Żółć',
  birthDate: '1990-05-17',
  gender: 'female' as const,
  comment: 'Prefers mornings',
};

const PERSONAL_FIELDS = ['firstName', 'lastName', 'patronymic', 'phone', 'secondPhone', 'email', 'birthDate', 'gender', 'comment', 'photoRef'];

describe('client profiles projection', () => {
  let keys: InMemoryKeyStore;
  let projection: ClientProfilesProjection;
  let documents: Map<string, ClientProfileDocument | null>;
  let anna: ClientMessages;

  beforeEach(() => {
    keys = new InMemoryKeyStore();
    projection = createClientProfilesProjection(new PersonalDataCipher(keys));
    documents = new Map();
    anna = new ClientMessages(keys, TENANT);
  });

  // Given the messages so far, then the document: what the runner would write, without a database.
  const run = async (...messages: IncomingMessage[]) => (await projectInMemory(projection, messages, documents)).get(anna.clientId);

  it('reads the client, consent state and visit topics into the client_profiles collection, its only writer', () => {
    expect(projection.name).toBe('client-profiles');
    expect(projection.topics).toEqual([TOPICS.clientEvents.name, TOPICS.consentState.name, TOPICS.visitEvents.name]);
    expect(projection.collections).toEqual([CLIENT_PROFILES_COLLECTION]);
  });

  it('keeps one document per client and its client stream revision', async () => {
    expect(await run(await anna.registered(ANNA), await anna.discountsSet(5, 10))).toMatchObject({ _id: anna.clientId, revision: 1 });
    expect([...documents.keys()]).toEqual([anna.clientId]);
  });

  it('stores a registered client in clear, with derived names, search keys and empty statistics', async () => {
    const document = await run(await anna.registered(ANNA));
    expect(document).toEqual({
      _id: anna.clientId,
      tenantId: TENANT,
      revision: 0,
      status: 'active',
      displayName: 'Anna Kowalska-Żółć',
      sortName: 'anna kowalska-zolc',
      firstName: 'Anna',
      lastName: 'Kowalska-Żółć',
      phone: '+48601234567',
      phoneLineType: 'mobile',
      smsCapable: true,
      secondPhone: '+48221234567',
      secondPhoneLineType: 'fixed-line',
      email: 'Anna.Kowalska@example.com',
      birthDate: '1990-05-17',
      gender: 'female',
      comment: 'Prefers mornings',
      discounts: { products: 0, services: 0 },
      consent: null,
      visitStatistics: EMPTY_CARD_VISIT_TOTALS,
      registeredAt: new Date('2025-03-01T10:00:00.000Z'),
      updatedAt: new Date('2025-03-01T10:00:00.000Z'),
      documentVersion: 1,
      search: {
        name: ['anna kowalska-zolc', 'kowalska-zolc anna'],
        nameKeys: nameSearchKeys(['Anna', 'Kowalska-Żółć']),
        phones: ['48601234567', '601234567', '48221234567', '221234567'],
        email: 'anna.kowalska@example.com',
      },
    });
  });

  it('shows a client without a name as "Client", derived here only', async () => {
    const document = await run(await anna.registered({ phone: '+7 912 345-67-89' }));
    expect(document).toMatchObject({ displayName: 'Client', sortName: 'client', search: { name: [], nameKeys: [] } });
    expect(document).not.toHaveProperty('firstName');
  });

  it('keys the name in the orders people type it, patronymic included', async () => {
    const document = await run(await anna.registered({ phone: '+79123456789', firstName: 'Семён', patronymic: 'Ильич', lastName: 'Ёлкин' }));
    expect(document?.['displayName']).toBe('Семён Ильич Ёлкин');
    expect(document?.search?.name).toEqual(['семен елкин ильич', 'елкин семен ильич', 'семен ильич елкин']);
    expect(document?.search?.nameKeys).toEqual(nameSearchKeys(['Семён', 'Ёлкин', 'Ильич']));
    expect(document?.search?.nameKeys).toEqual(expect.arrayContaining(['семен', 'елкин', 'ильич', 'лки', 'ич']));
    expect(document?.search?.phones).toEqual(['79123456789', '9123456789', '89123456789']);
  });

  it('replaces the whole profile on an edit: what the save left out is cleared', async () => {
    const document = await run(
      await anna.registered(ANNA),
      await anna.edited({ phone: '+48 601 234 567', firstName: 'Anna', lastName: 'Nowak' }),
    );
    expect(document).toMatchObject({ revision: 1, displayName: 'Anna Nowak', sortName: 'anna nowak', gender: 'unspecified' });
    expect(document?.['search']).toEqual({ name: ['anna nowak', 'nowak anna'], nameKeys: nameSearchKeys(['Anna', 'Nowak']), phones: ['48601234567', '601234567'] });
    // The keys of the name the edit replaced are gone with it.
    expect(document?.search?.nameKeys).not.toContain('kowalska');
    for (const cleared of ['email', 'secondPhone', 'secondPhoneLineType', 'birthDate', 'comment']) expect(document).not.toHaveProperty(cleared);
    expect(document?.['updatedAt']).toEqual(new Date('2025-03-02T10:00:00.000Z'));
    expect(document?.['registeredAt']).toEqual(new Date('2025-03-01T10:00:00.000Z'));
  });

  it('sets discounts, and keeps them through a profile edit', async () => {
    const document = await run(await anna.registered(ANNA), await anna.discountsSet(5, 12.5), await anna.edited(ANNA));
    expect(document?.['discounts']).toEqual({ products: 5, services: 12.5 });
  });

  it('sets and removes the photo reference', async () => {
    expect((await run(await anna.registered(ANNA), await anna.photoSet('photos/anna.webp')))?.['photoRef']).toBe('photos/anna.webp');
    expect(await run(await anna.photoRemoved())).not.toHaveProperty('photoRef');
  });

  it('leaves a tombstone without any personal field on deletion', async () => {
    const document = await run(await anna.registered(ANNA), await anna.photoSet('photos/anna.webp'), await anna.deleted());
    expect(document).toEqual({
      _id: anna.clientId,
      tenantId: TENANT,
      revision: 2,
      status: 'deleted',
      deletedAt: new Date('2025-03-06T10:00:00.000Z'),
      updatedAt: new Date('2025-03-06T10:00:00.000Z'),
      documentVersion: 3,
    });
  });

  it('does not bring a deleted client back when an older event is redelivered', async () => {
    const registered = await anna.registered(ANNA);
    const tombstone = await run(registered, await anna.deleted());
    const document = await run(registered);
    expect(document?.['status']).toBe('deleted');
    expect(document).not.toHaveProperty('phone');
    expect(document).toBe(tombstone);
  });

  it('archives an erased client: numbered name, nothing personal, statistics and discounts kept', async () => {
    await run(await anna.registered(ANNA), await anna.discountsSet(5, 10), await anna.photoSet('photos/anna.webp'));
    const document = await run(await anna.erased(3));
    expect(document).toMatchObject({
      status: 'erased',
      archivedNumber: 3,
      displayName: 'Archived client 3',
      sortName: 'archived client 3',
      consent: null,
      visitStatistics: EMPTY_CARD_VISIT_TOTALS,
      discounts: { products: 5, services: 10 },
      registeredAt: new Date('2025-03-01T10:00:00.000Z'),
      erasedAt: new Date('2025-03-07T10:00:00.000Z'),
    });
    for (const field of [...PERSONAL_FIELDS, 'search', 'phoneLineType', 'smsCapable', 'secondPhoneLineType']) {
      expect(document).not.toHaveProperty(field);
    }
  });

  it('writes no personal field when replaying a client erased since (a rebuild)', async () => {
    const history = [
      await anna.registered(ANNA),
      await anna.edited({ ...ANNA, comment: 'Allergic to latex' }),
      await anna.photoSet('photos/anna.webp'),
      await anna.erased(7),
    ];
    for (const message of history.slice(0, 3)) {
      const document = await run(message);
      for (const field of PERSONAL_FIELDS) expect(document).not.toHaveProperty(field);
      expect(document?.['search']).toEqual({ name: [], nameKeys: [], phones: [] });
    }
    expect(await run(history[3])).toMatchObject({ status: 'erased', displayName: 'Archived client 7' });
    expect(JSON.stringify([...documents.values()])).not.toMatch(/Anna|Kowalska|601234567|latex|photos/);
  });

  it('applies a batch in order: the last event of a client wins', async () => {
    const messages = [await anna.registered(ANNA), await anna.edited({ phone: '601234567', firstName: 'Ania' }), await anna.edited({ phone: '601234567' })];
    expect(await run(...messages)).toMatchObject({ revision: 2, displayName: 'Client' });
  });

  it('skips and counts messages of unknown types and tombstones, applying the others', async () => {
    const tombstone = { ...anna.unknown('ClientRegistered'), data: null };
    const document = await run(
      await anna.registered(ANNA),
      anna.unknown('ClientNicknameSet', { nickname: 'Ania' }),
      tombstone,
      anna.unknown('ClientLoyaltyTierChanged', { tier: 'gold' }),
      await anna.discountsSet(5, 5),
    );
    expect(projection.ignoredCount()).toBe(3);
    expect(document).toMatchObject({ revision: 4, discounts: { products: 5, services: 5 } });
    expect(document).not.toHaveProperty('nickname');
  });

  it('refuses personal data encrypted for another client than the message key', async () => {
    const bob = new ClientMessages(keys, TENANT);
    const stolen = { ...(await anna.registered(ANNA)), key: bob.clientId };
    await expect(projectInMemory(projection, [stolen])).rejects.toBeInstanceOf(PersonalDataTamperedError);
  });

  it('keeps each tenant on its own documents', async () => {
    const other = new ClientMessages(keys, 'chain-2');
    await run(await anna.registered(ANNA));
    const document = (await projectInMemory(projection, [await other.registered({ phone: '601234567' })], documents)).get(other.clientId);
    expect(document?.['tenantId']).toBe('chain-2');
    expect(documents.get(anna.clientId)?.['tenantId']).toBe(TENANT);
  });

  describe('consent summary and visit totals on the same card', () => {
    const consentState = (clientId: string, revision: number, marketing: boolean): IncomingMessage =>
      ({
        topic: TOPICS.consentState.name, partition: 0, offset: String(revision), key: clientId, eventId: `consent-${revision}`, eventType: 'ConsentState',
        schemaVersion: 1, tenantId: TENANT, correlationId: 'c', causationId: 'c', streamRevision: BigInt(revision),
        data: { switches: { notifications: true, remindersBySms: true, remindersByEmail: false, newsletter: marketing, marketingSms: false } },
      }) as IncomingMessage;

    it('shows the latest consent state; an older or redelivered one changes nothing; a tombstone clears it', async () => {
      await run(await anna.registered(ANNA), consentState(anna.clientId, 1, true), consentState(anna.clientId, 0, false));
      expect(documents.get(anna.clientId)).toMatchObject({ consentRevision: 1, consent: { notifications: true, remindersBySms: true, remindersByEmail: false, marketing: true } });
      expect(await run({ ...consentState(anna.clientId, 2, false), data: null })).toMatchObject({ consent: null, consentRevision: 2, revision: 0 });
    });

    it('computes the statistics from every visit of the client, each visit at its latest revision', async () => {
      const visit = new VisitEvents(TENANT, anna.clientId, 'visit-1', 11, '2025-02-01T09:00:00.000Z');
      const other = new VisitEvents(TENANT, anna.clientId, 'visit-2', 12, '2025-03-01T09:00:00.000Z');
      const booked = visit.to('booked');
      const document = await run(await anna.registered(ANNA), booked, visit.to('arrived'), visit.to('completed'), booked, other.to('booked'));
      expect(document?.visitStatistics).toMatchObject({ visitCount: 1, countsByStatus: { booked: 1, completed: 1 }, lastVisit: { visitId: 'visit-1', number: 11 } });
      expect(document?.visitRevisions).toEqual({ 'visit-1': 2, 'visit-2': 0 });
    });

    it('ends with the same document whichever of registration, consent and visits comes first', async () => {
      const registration = await anna.registered(ANNA);
      const consent = consentState(anna.clientId, 0, false);
      const visit = new VisitEvents(TENANT, anna.clientId, 'visit-1', 11, '2025-02-01T09:00:00.000Z').to('booked');
      const inOrder = async (...messages: IncomingMessage[]) => (await projectInMemory(projection, messages)).get(anna.clientId);
      const expected = await inOrder(registration, consent, visit);
      expect(expected).toMatchObject({ status: 'active', revision: 0, consent: { marketing: false }, visitStatistics: { countsByStatus: { booked: 1 } } });
      expect(await inOrder(visit, registration, consent)).toEqual(expected);
      expect(await inOrder(consent, visit, registration)).toEqual(expected);
    });

    it('starts a card without status when a consent state or a visit comes before the registration', async () => {
      expect(await run(consentState(anna.clientId, 0, true))).toEqual({
        _id: anna.clientId,
        tenantId: TENANT,
        revision: -1,
        consent: { notifications: true, remindersBySms: true, remindersByEmail: false, marketing: true },
        visitStatistics: EMPTY_CARD_VISIT_TOTALS,
        consentRevision: 0,
        documentVersion: 1,
      });
    });
  });
});
