import mongoose, { Connection } from 'mongoose';
import { nameSearchKeys, searchableText } from '@salon/clients/domain';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { IncomingMessage, MessagingClient, ProjectionRunner, ReadModelVersions } from '@salon/shared/messaging';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { CLIENT_PROFILES_COLLECTION, CLIENT_PROFILE_INDEXES } from './client-profile.document';
import { ClientProfileQueries, ClientSearchCriteria } from './client-profile.queries';
import { ClientProfileView } from './client-profile.view';
import { createClientProfilesProjection } from './client-profiles.projection';
import { ClientMessages } from './test/client-messages';

// Against the real MongoDB-compatible server (MONGO_URL, default the local one on 127.0.0.1:27018),
// in a database of its own that is dropped afterwards. Messages go through the projection and
// the runner's own bulk write, into the collection version readers are switched to.
describe('ClientProfileQueries', () => {
  const TENANT = 'chain-main';
  const OTHER_TENANT = 'chain-other';
  const ACTIVE_VERSION = 2;
  const keys = new InMemoryKeyStore();
  const projection = createClientProfilesProjection(new PersonalDataCipher(keys));
  let connection: Connection;
  let versions: ReadModelVersions;
  let queries: ClientProfileQueries;

  // write() needs no broker.
  const feed = (...messages: IncomingMessage[]) => new ProjectionRunner(projection, {} as MessagingClient, connection).write(messages);
  const client = (tenantId = TENANT, country: 'PL' | 'RU' = 'PL') => new ClientMessages(keys, tenantId, undefined, country);
  const search = (criteria: ClientSearchCriteria, tenantId = TENANT) => queries.search(tenantId, criteria);
  const idsOf = (page: { items: ClientProfileView[] }) => page.items.map((item) => item.clientId);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  // The clients of most tests, registered once.
  const nameless = client();
  const jolka = client(TENANT, 'RU');
  const lukasz = client();
  const anna = client();
  const foreigner = client(OTHER_TENANT);

  beforeAll(async () => {
    const url = mongoUrl(uniqueName('client_profiles'));
    try {
      connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
    } catch (error) {
      throw new Error(`Cannot reach MongoDB at ${url} (${String(error)}). Start it with "npm run infra start".`);
    }
    versions = new ReadModelVersions(connection);
    // Not the default version 1: readers must follow the pointer, as after a rebuild.
    await versions.switchTo(CLIENT_PROFILES_COLLECTION, ACTIVE_VERSION);
    queries = new ClientProfileQueries(connection);
    await queries.ensureIndexes();

    await feed(
      await nameless.registered({ phone: '+48 500 100 200' }, '2025-01-10T09:00:00.000Z'),
      await jolka.registered({ phone: '+7 912 345-67-89', firstName: 'Мария', lastName: 'Ёлкина' }, '2025-02-10T09:00:00.000Z'),
      await lukasz.registered({ phone: '601 234 567', firstName: 'Łukasz', lastName: 'Żółkiewski' }, '2025-03-10T09:00:00.000Z'),
      await anna.registered({ phone: '602 000 111', firstName: 'Anna', lastName: 'Nowak', email: 'Anna.Nowak@Example.com' }, '2025-04-10T09:00:00.000Z'),
      await foreigner.registered({ phone: '601 234 567', firstName: 'Łukasz', lastName: 'Żółkiewski', email: 'anna.nowak@example.com' }),
    );
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('creates the indexes the queries use on the active collection version', async () => {
    const indexes = await connection.collection(`${CLIENT_PROFILES_COLLECTION}_v${ACTIVE_VERSION}`).indexes();
    expect(indexes.map((index) => index.name)).toEqual(expect.arrayContaining(CLIENT_PROFILE_INDEXES.map((index) => index.name)));
  });

  describe('the profile', () => {
    it('reads "Client" for a client without a name', async () => {
      const view = await queries.getProfile(TENANT, nameless.clientId);
      expect(view).toMatchObject({
        clientId: nameless.clientId,
        revision: '0',
        status: 'active',
        displayName: 'Client',
        names: { firstName: null, lastName: null, patronymic: null },
        contacts: { phone: '+48500100200', phoneLineType: 'mobile', smsCapable: true },
        discounts: { products: 0, services: 0 },
        consent: null,
        visitStatistics: { firstVisitAt: null, lastVisitAt: null, visitCount: 0, firstVisit: null, lastVisit: null },
        registeredAt: '2025-01-10T09:00:00.000Z',
        archivedNumber: null,
      });
      expect(view).not.toHaveProperty('tenantId');
      expect(view).not.toHaveProperty('search');
    });

    it("is not found by another chain, nor when it does not exist", async () => {
      expect(await queries.getProfile(OTHER_TENANT, nameless.clientId)).toBeUndefined();
      expect(await queries.getProfile(TENANT, foreigner.clientId)).toBeUndefined();
      expect(await queries.getProfile(TENANT, 'no-such-client')).toBeUndefined();
    });

    it('reads by id and tenant together: a card with the id asked for but of another chain is not returned', async () => {
      // As a writer that forgot the tenant would leave it: the very id of this chain's client, another chain's card.
      const active = connection.collection(`${CLIENT_PROFILES_COLLECTION}_v${ACTIVE_VERSION}`);
      const sharedId = 'client-id-of-both-chains';
      await active.insertOne({ _id: sharedId as never, tenantId: OTHER_TENANT, revision: 0, status: 'active', displayName: 'Other chain', firstName: 'Other' });
      expect(await queries.getProfile(TENANT, sharedId)).toBeUndefined();
      expect(await queries.getProfile(OTHER_TENANT, sharedId)).toMatchObject({ clientId: sharedId, displayName: 'Other chain' });
    });
  });

  describe('search by name', () => {
    it.each(['ёлкин', 'ЁЛКИН', 'елкина', 'Мария Ёлкина', 'ёлкина мария', 'ария'])('finds "Ёлкина" by "%s"', async (text) => {
      expect(idsOf(await search({ text }))).toEqual([jolka.clientId]);
    });

    it.each(['lukasz', 'ŁUKASZ', 'zolkiew', 'Żółkiewski Łukasz'])('finds "Łukasz Żółkiewski" by "%s"', async (text) => {
      expect(idsOf(await search({ text }))).toEqual([lukasz.clientId]);
    });

    it('takes regular-expression characters literally', async () => {
      expect(idsOf(await search({ text: '.*' }))).toEqual([]);
      expect(idsOf(await search({ text: 'nowak(' }))).toEqual([]);
    });

    it('does not find a nameless client by its display name', async () => {
      expect(idsOf(await search({ text: 'client' }))).toEqual([]);
    });
  });

  describe('search by phone', () => {
    it.each([
      ['8 (912) 345-67-89', 'RU'],
      ['+7 912 345 67 89', 'RU'],
      ['912-345', undefined],
    ] as const)('finds +79123456789 by "%s" (%s)', async (phone, defaultCountry) => {
      expect(idsOf(await search({ phone, defaultCountry }))).toEqual([jolka.clientId]);
    });

    it.each(['601 234 567', '0048 601 234 567', '+48601234567', '0048 601 234'])('finds +48601234567 by "%s" (PL)', async (phone) => {
      expect(idsOf(await search({ phone, defaultCountry: 'PL' }))).toEqual([lukasz.clientId]);
    });

    it('refuses a phone without digits, naming the field', async () => {
      expect(await refusal(search({ phone: 'abc' }))).toMatchObject({ code: 'invalid-phone', details: { field: 'phone' } });
    });
  });

  describe('search by e-mail and filters', () => {
    it('finds the exact address in any case', async () => {
      expect(idsOf(await search({ email: ' ANNA.NOWAK@example.COM ' }))).toEqual([anna.clientId]);
      expect(idsOf(await search({ email: 'anna.nowak@example' }))).toEqual([]);
    });

    it('filters on having an e-mail', async () => {
      expect(idsOf(await search({ hasEmail: true }))).toEqual([anna.clientId]);
      expect(idsOf(await search({ hasEmail: false }))).toEqual(expect.not.arrayContaining([anna.clientId]));
      expect(idsOf(await search({ hasEmail: false }))).toEqual(expect.arrayContaining([nameless.clientId, lukasz.clientId]));
    });

    it('filters on marketing consent, which no client has recorded yet', async () => {
      expect(idsOf(await search({ marketingConsent: true }))).toEqual([]);
      expect(idsOf(await search({ marketingConsent: false, text: 'nowak' }))).toEqual([anna.clientId]);
    });

    it('filters on the registration date, from inclusive to exclusive', async () => {
      const page = await search({ createdFrom: new Date('2025-02-10T09:00:00.000Z'), createdTo: new Date('2025-04-10T09:00:00.000Z') });
      expect(idsOf(page).sort()).toEqual([jolka.clientId, lukasz.clientId].sort());
    });

    it('combines criteria with AND', async () => {
      expect(idsOf(await search({ text: 'nowak', phone: '601 234 567', defaultCountry: 'PL' }))).toEqual([]);
    });

    it("finds nothing of another chain's clients", async () => {
      expect(idsOf(await search({ text: 'ёлкин' }, OTHER_TENANT))).toEqual([]);
      expect(idsOf(await search({ phone: '8 912 345 67 89', defaultCountry: 'RU' }, OTHER_TENANT))).toEqual([]);
      expect(idsOf(await search({ text: 'lukasz' }))).toEqual([lukasz.clientId]);
      expect(idsOf(await search({ text: 'lukasz' }, OTHER_TENANT))).toEqual([foreigner.clientId]);
      expect(idsOf(await search({}, 'chain-nobody'))).toEqual([]);
    });
  });

  describe('pagination', () => {
    const PAGES_TENANT = 'chain-pages';
    const clients: ClientMessages[] = [];
    // Equal names on purpose: the order, and the pages, must still be stable (`_id` breaks ties).
    const surnames = ['Łazarska', 'Ёлкина', 'Abacka', 'Żak', 'Nowak', 'Zawada', 'Иванова', 'Ćwik', 'Lis', 'Nowak', 'Bąk', 'Żak', 'Ämmälä'];

    beforeAll(async () => {
      const messages: IncomingMessage[] = [];
      for (let n = 0; n < 25; n++) {
        const messagesOf = client(PAGES_TENANT);
        clients.push(messagesOf);
        messages.push(await messagesOf.registered({ phone: `+48 601 000 ${String(100 + n)}`, lastName: surnames[n % surnames.length] }));
      }
      await feed(...messages);
    });

    const allPages = async (criteria: ClientSearchCriteria) => {
      const pages: ClientProfileView[][] = [];
      let cursor: string | undefined;
      do {
        const page = await search({ ...criteria, cursor }, PAGES_TENANT);
        pages.push(page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined && pages.length < 10);
      return pages;
    };

    it('returns 25 clients as 10, 10 and 5, without duplicates, in name order', async () => {
      const pages = await allPages({ limit: 10 });
      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      const ids = pages.flat().map((view) => view.clientId);
      expect(new Set(ids).size).toBe(25);
      expect(ids.sort()).toEqual(clients.map((c) => c.clientId).sort());
      // Compared as searchableText, code point by code point (no collation on the local server):
      // "Ämmälä" with the A's, "Łazarska" with the L's, Cyrillic after Latin; equal names by id.
      const order = pages.flat().map((view) => [searchableText(view.displayName), view.clientId].join('\u0000'));
      expect(order).toEqual([...order].sort());
      const names = pages.flat().map((view) => view.displayName);
      expect(names.slice(0, 3)).toEqual(['Abacka', 'Abacka', 'Ämmälä']);
      expect(names.slice(-4)).toEqual(['Ёлкина', 'Ёлкина', 'Иванова', 'Иванова']);
    });

    it('answers no cursor on the last page, and a full page when the limit is exact', async () => {
      const page = await search({ limit: 25 }, PAGES_TENANT);
      expect(page.items).toHaveLength(25);
      expect(page.nextCursor).toBeUndefined();
    });

    it('sorts by last visit, most recent first, never-visited last, across pages', async () => {
      // The visits issue will write these; here they are set directly.
      const collection = connection.collection(await versions.activeCollection(CLIENT_PROFILES_COLLECTION));
      const visited = clients.slice(0, 12);
      for (const [n, messagesOf] of visited.entries()) {
        const lastVisitAt = new Date(Date.UTC(2025, 4, 1 + (n % 6)));
        await collection.updateOne({ _id: messagesOf.clientId } as never, { $set: { 'visitStatistics.lastVisitAt': lastVisitAt } });
      }
      const pages = await allPages({ sort: 'lastVisit', limit: 5 });
      expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 5]);
      const views = pages.flat();
      expect(new Set(views.map((view) => view.clientId)).size).toBe(25);
      const times = views.slice(0, 12).map((view) => Date.parse(view.visitStatistics.lastVisitAt ?? ''));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(views.slice(12).every((view) => view.visitStatistics.lastVisitAt === null)).toBe(true);
      const neverVisitedIds = views.slice(12).map((view) => view.clientId);
      expect(neverVisitedIds).toEqual([...neverVisitedIds].sort());
    });

    it('refuses a malformed cursor, and a cursor of another sort order', async () => {
      const byName = (await search({ limit: 1 }, PAGES_TENANT)).nextCursor;
      for (const cursor of ['not a cursor', 'eyJub3BlIjp0cnVlfQ', byName]) {
        const error = await refusal(search({ sort: 'lastVisit', cursor }, PAGES_TENANT));
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ kind: 'invalid', code: 'invalid-cursor', details: { field: 'cursor' } });
      }
    });

    it.each([0, 101, 2.5])('refuses a limit of %s', async (limit) => {
      expect(await refusal(search({ limit }, PAGES_TENANT))).toMatchObject({ code: 'invalid-limit', details: { field: 'limit' } });
    });
  });

  describe('changes after registration', () => {
    it('removes an e-mail the edit cleared, from the profile and from search', async () => {
      const ola = client();
      await feed(await ola.registered({ phone: '603 111 222', firstName: 'Ola', email: 'ola@example.com' }));
      expect(idsOf(await search({ email: 'ola@example.com' }))).toEqual([ola.clientId]);

      await feed(await ola.edited({ phone: '603 111 222', firstName: 'Ola' }));
      const view = await queries.getProfile(TENANT, ola.clientId);
      expect(view).toMatchObject({ revision: '1', contacts: { email: null } });
      expect(idsOf(await search({ email: 'ola@example.com' }))).toEqual([]);
      expect(idsOf(await search({ hasEmail: false, text: 'ola' }))).toEqual([ola.clientId]);
    });

    it('ignores a redelivered older event', async () => {
      const ewa = client();
      const registered = await ewa.registered({ phone: '604 111 222', firstName: 'Ewa', lastName: 'Lis' });
      await feed(registered, await ewa.edited({ phone: '604 111 222', firstName: 'Ewa', lastName: 'Wilk' }), await ewa.discountsSet(10, 15));
      const before = await queries.getProfile(TENANT, ewa.clientId);

      await feed(registered);
      expect(await queries.getProfile(TENANT, ewa.clientId)).toEqual(before);
      expect(before).toMatchObject({ revision: '2', displayName: 'Ewa Wilk', discounts: { products: 10, services: 15 } });
      expect(idsOf(await search({ text: 'ewa lis' }))).toEqual([]);
    });

    it('shows an erased client as "Archived client 3", without any personal data', async () => {
      const iza = client();
      await feed(
        await iza.registered({ phone: '605 111 222', firstName: 'Iza', lastName: 'Kot', email: 'iza@example.com', comment: 'VIP' }),
        await iza.photoSet('photos/iza.heic'),
        await iza.discountsSet(5, 5),
      );
      await feed(await iza.erased(3));

      const view = await queries.getProfile(TENANT, iza.clientId);
      expect(view).toMatchObject({
        status: 'erased',
        displayName: 'Archived client 3',
        archivedNumber: 3,
        names: { firstName: null, lastName: null, patronymic: null },
        contacts: { phone: null, phoneLineType: null, smsCapable: null, secondPhone: null, secondPhoneLineType: null, email: null },
        birthDate: null,
        gender: null,
        comment: null,
        photoRef: null,
        consent: null,
        discounts: { products: 5, services: 5 },
        visitStatistics: { visitCount: 0 },
      });
      const stored = await connection.collection(await versions.activeCollection(CLIENT_PROFILES_COLLECTION)).findOne({ _id: iza.clientId } as never);
      expect(JSON.stringify(stored)).not.toMatch(/Iza|Kot|605111222|iza@|VIP|photos/);

      expect(idsOf(await search({ text: 'iza' }))).toEqual([]);
      expect(idsOf(await search({ phone: '605 111 222', defaultCountry: 'PL' }))).toEqual([]);
      expect(idsOf(await search({}))).not.toContain(iza.clientId);
      expect(idsOf(await search({ includeArchived: true, limit: 100 }))).toContain(iza.clientId);
    });

    it('keys the card by its name on registration, re-keys it on an edit and keeps no key after an erasure', async () => {
      const zuza = client();
      const stored = async () => connection.collection(await versions.activeCollection(CLIENT_PROFILES_COLLECTION)).findOne({ _id: zuza.clientId } as never);
      await feed(await zuza.registered({ phone: '607 111 222', firstName: 'Zuzanna', lastName: 'Wróbel-Konstantynopolitańska' }));
      expect((await stored())?.['search']?.nameKeys).toEqual(nameSearchKeys(['Zuzanna', 'Wróbel-Konstantynopolitańska']));
      for (const text of ['zuza', 'ZANNA', 'wrob', 'Wróbel-Konstantynopolitańska', 'konstantynopolitanska zuz', 'Zuzanna Wróbel-Konst']) {
        expect([text, idsOf(await search({ text }))]).toEqual([text, [zuza.clientId]]);
      }
      // A word longer than a key is looked up by its first 12 characters, then compared whole;
      // several words must stand in an order of the name, as typed.
      for (const text of ['konstantynopolitanskx', 'wrobel zuzanna', 'zuzanna x']) {
        expect([text, idsOf(await search({ text }))]).toEqual([text, []]);
      }

      // The keys decide, not the names: a card whose names say "Ghost" but whose keys do not is not found.
      const active = connection.collection(await versions.activeCollection(CLIENT_PROFILES_COLLECTION));
      await active.insertOne({ _id: 'ghost-card' as never, tenantId: TENANT, revision: 0, status: 'active', displayName: 'Ghost', sortName: 'ghost', search: { name: ['ghost'], nameKeys: [], phones: [] } });
      expect(idsOf(await search({ text: 'ghost' }))).toEqual([]);
      await active.deleteOne({ _id: 'ghost-card' as never });

      await feed(await zuza.edited({ phone: '607 111 222', firstName: 'Zuzanna', lastName: 'Sikora' }));
      expect((await stored())?.['search']?.nameKeys).toEqual(nameSearchKeys(['Zuzanna', 'Sikora']));
      expect(idsOf(await search({ text: 'wrob' }))).toEqual([]);
      expect(idsOf(await search({ text: 'sikor' }))).toEqual([zuza.clientId]);

      await feed(await zuza.erased(4));
      const erased = await stored();
      expect(erased).toMatchObject({ status: 'erased' });
      expect(erased).not.toHaveProperty('search');
      expect(JSON.stringify(erased)).not.toMatch(/zuz|sikor|wrob/i);
      expect(idsOf(await search({ text: 'zuza', includeArchived: true }))).toEqual([]);
    });

    it('matches names by the regular expression over a version written before the name keys, until a rebuild', async () => {
      // The cards of an older version as it stored them: no name keys.
      const legacy = await mongoose.createConnection(mongoUrl(uniqueName('client_profiles_legacy')), { serverSelectionTimeoutMS: 5_000 }).asPromise();
      try {
        const card = { tenantId: TENANT, revision: 0, status: 'active', displayName: 'Marta Lis', sortName: 'marta lis', search: { name: ['marta lis', 'lis marta'], phones: [] } };
        await legacy.collection(`${CLIENT_PROFILES_COLLECTION}_v1`).insertMany([{ _id: 'legacy-marta' as never, ...card }]);
        const legacyQueries = new ClientProfileQueries(legacy);
        expect(idsOf(await legacyQueries.search(TENANT, { text: 'arta' }))).toEqual(['legacy-marta']);
        expect(idsOf(await legacyQueries.search(TENANT, { text: 'marta lis' }))).toEqual(['legacy-marta']);
        expect(idsOf(await legacyQueries.search(TENANT, { text: 'lis marta x' }))).toEqual([]);

        // A rebuild's version, keyed throughout, is looked up by the keys.
        await legacy.collection(`${CLIENT_PROFILES_COLLECTION}_v2`).insertMany([{ _id: 'keyed-marta' as never, ...card, search: { ...card.search, nameKeys: nameSearchKeys(['Marta', 'Lis']) } }]);
        await new ReadModelVersions(legacy).switchTo(CLIENT_PROFILES_COLLECTION, 2);
        expect(idsOf(await legacyQueries.search(TENANT, { text: 'arta' }))).toEqual(['keyed-marta']);
      } finally {
        await legacy.dropDatabase();
        await legacy.close();
      }
    });

    it('does not find a deleted client', async () => {
      const tom = client();
      const registered = await tom.registered({ phone: '606 111 222', firstName: 'Tomasz' });
      await feed(registered);
      expect(idsOf(await search({ text: 'tomasz' }))).toEqual([tom.clientId]);

      await feed(await tom.deleted());
      await feed(registered); // redelivered: the tombstone holds
      expect(await queries.getProfile(TENANT, tom.clientId)).toBeUndefined();
      expect(idsOf(await search({ text: 'tomasz', includeArchived: true }))).toEqual([]);
      expect(idsOf(await search({ phone: '606 111 222', defaultCountry: 'PL' }))).toEqual([]);
    });
  });
});
