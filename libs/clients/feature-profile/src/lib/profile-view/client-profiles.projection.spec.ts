import { TOPICS } from '@salon/contracts';
import { InMemoryKeyStore, PersonalDataCipher, PersonalDataTamperedError } from '@salon/shared/crypto';
import { IncomingMessage } from '@salon/shared/messaging';
import { CLIENT_PROFILES_COLLECTION, EMPTY_VISIT_STATISTICS } from './client-profile.document';
import { ClientProfilesProjection, createClientProfilesProjection } from './client-profiles.projection';
import { ClientMessages } from './test/client-messages';
import { InMemoryReadModel } from './test/in-memory-read-model';

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
  let readModel: InMemoryReadModel;
  let anna: ClientMessages;

  beforeEach(() => {
    keys = new InMemoryKeyStore();
    projection = createClientProfilesProjection(new PersonalDataCipher(keys));
    readModel = new InMemoryReadModel();
    anna = new ClientMessages(keys, TENANT);
  });

  const run = async (...messages: IncomingMessage[]) => readModel.apply(await projection.apply(messages)).get(anna.clientId);

  it('reads the client events topic into the client_profiles collection', () => {
    expect(projection.name).toBe('client-profiles');
    expect(projection.topics).toEqual([TOPICS.clientEvents.name]);
    expect(projection.collections).toEqual([CLIENT_PROFILES_COLLECTION]);
  });

  it('writes a guarded upsert per event: one document per client, guarded by the stream revision', async () => {
    const writes = await projection.apply([await anna.registered(ANNA), await anna.discountsSet(5, 10)]);
    const operations = writes.get(CLIENT_PROFILES_COLLECTION) ?? [];
    expect(operations).toHaveLength(2);
    expect(operations.map((operation) => ('updateOne' in operation ? operation.updateOne.filter : undefined))).toEqual([
      { _id: anna.clientId, revision: { $lt: 0 } },
      { _id: anna.clientId, revision: { $lt: 1 } },
    ]);
    expect(operations.every((operation) => 'updateOne' in operation && operation.updateOne.upsert === true)).toBe(true);
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
      visitStatistics: EMPTY_VISIT_STATISTICS,
      registeredAt: new Date('2025-03-01T10:00:00.000Z'),
      updatedAt: new Date('2025-03-01T10:00:00.000Z'),
      search: {
        name: ['anna kowalska-zolc', 'kowalska-zolc anna'],
        phones: ['48601234567', '601234567', '48221234567', '221234567'],
        email: 'anna.kowalska@example.com',
      },
    });
  });

  it('shows a client without a name as "Client", derived here only', async () => {
    const document = await run(await anna.registered({ phone: '+7 912 345-67-89' }));
    expect(document).toMatchObject({ displayName: 'Client', sortName: 'client', search: { name: [] } });
    expect(document).not.toHaveProperty('firstName');
  });

  it('keys the name in the orders people type it, patronymic included', async () => {
    const document = await run(await anna.registered({ phone: '+79123456789', firstName: 'Семён', patronymic: 'Ильич', lastName: 'Ёлкин' }));
    expect(document?.['displayName']).toBe('Семён Ильич Ёлкин');
    expect(document?.['search'].name).toEqual(['семен елкин ильич', 'елкин семен ильич', 'семен ильич елкин']);
    expect(document?.['search'].phones).toEqual(['79123456789', '9123456789', '89123456789']);
  });

  it('replaces the whole profile on an edit: what the save left out is cleared', async () => {
    const document = await run(
      await anna.registered(ANNA),
      await anna.edited({ phone: '+48 601 234 567', firstName: 'Anna', lastName: 'Nowak' }),
    );
    expect(document).toMatchObject({ revision: 1, displayName: 'Anna Nowak', sortName: 'anna nowak', gender: 'unspecified' });
    expect(document?.['search']).toEqual({ name: ['anna nowak', 'nowak anna'], phones: ['48601234567', '601234567'] });
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
    });
  });

  it('does not bring a deleted client back when an older event is redelivered', async () => {
    const registered = await anna.registered(ANNA);
    await run(registered, await anna.deleted());
    const document = await run(registered);
    expect(document?.['status']).toBe('deleted');
    expect(document).not.toHaveProperty('phone');
    expect(readModel.alreadyApplied).toBe(1);
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
      visitStatistics: EMPTY_VISIT_STATISTICS,
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
      expect(document?.['search']).toEqual({ name: [], phones: [] });
    }
    expect(await run(history[3])).toMatchObject({ status: 'erased', displayName: 'Archived client 7' });
    expect(JSON.stringify([...readModel.documents.values()])).not.toMatch(/Anna|Kowalska|601234567|latex|photos/);
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
    expect(projection.ignoredCount).toBe(3);
    expect(document).toMatchObject({ revision: 4, discounts: { products: 5, services: 5 } });
    expect(document).not.toHaveProperty('nickname');
  });

  it('refuses personal data encrypted for another client than the message key', async () => {
    const bob = new ClientMessages(keys, TENANT);
    const stolen = { ...(await anna.registered(ANNA)), key: bob.clientId };
    await expect(projection.apply([stolen])).rejects.toBeInstanceOf(PersonalDataTamperedError);
  });

  it('keeps each tenant on its own documents', async () => {
    const other = new ClientMessages(keys, 'chain-2');
    await run(await anna.registered(ANNA));
    const document = readModel.apply(await projection.apply([await other.registered({ phone: '601234567' })])).get(other.clientId);
    expect(document?.['tenantId']).toBe('chain-2');
    expect(readModel.get(anna.clientId)?.['tenantId']).toBe(TENANT);
  });
});
