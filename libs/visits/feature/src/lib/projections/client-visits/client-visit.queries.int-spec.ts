import mongoose, { Connection } from 'mongoose';
import { IncomingMessage, ProjectionRunner, ReadModelVersions, createMessagingClient } from '@salon/shared/messaging';
import { kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { CLIENT_VISITS_COLLECTION, CLIENT_VISIT_INDEXES } from './client-visit.document';
import { ClientVisitPage, ClientVisitQueries, ClientVisitQuery } from './client-visit.queries';
import { createClientVisitsProjection } from './client-visits.projection';
import { VisitMessages, line } from './test/visit-messages';

// Against the real MongoDB-compatible server, in a database of its own dropped afterwards.
// Messages go through ProjectionRunner.write (no Kafka needed for it) into the active version.
describe('ClientVisitQueries', () => {
  const TENANT = 'chain-main';
  const OTHER = 'chain-other';
  const CLIENT = 'client-anna';
  const ACTIVE_VERSION = 3;
  let connection: Connection;
  let runner: ProjectionRunner;
  let queries: ClientVisitQueries;

  const write = (...messages: IncomingMessage[]) => runner.write(messages);
  const list = (query: ClientVisitQuery = {}, clientId = CLIENT, tenantId = TENANT) => queries.listForClient(tenantId, clientId, query);
  const numbers = (page: ClientVisitPage) => page.items.map((item) => item.number);
  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  const haircut = (specialist: [string, string] = ['sp-lucja', 'Łucja Żółć']) => line('sv-cut', 'Strzyżenie damskie', 120, ...specialist);
  const colour = line('sv-colour', 'Koloryzacja', 300, 'sp-marek', 'Marek Nowak', 120);
  const manicure = line('sv-mani', 'Manicure hybrydowy', 90, 'sp-eva', 'Éva Kovács', 45);

  // Anna's visits: numbers 101..106 over November, one at another salon.
  const v101 = new VisitMessages({ visitId: 'visit-0101', clientId: CLIENT, number: 101, startsAt: '2025-11-03T09:00:00.000Z', services: [haircut()] });
  const v102 = new VisitMessages({ visitId: 'visit-0102', clientId: CLIENT, number: 102, startsAt: '2025-11-05T10:00:00.000Z', services: [colour, haircut()], discount: 40 });
  const v103 = new VisitMessages({ visitId: 'visit-0103', clientId: CLIENT, number: 103, startsAt: '2025-11-10T12:00:00.000Z', services: [manicure], salonId: 'salon-2' });
  const v104 = new VisitMessages({ visitId: 'visit-0104', clientId: CLIENT, number: 104, startsAt: '2025-11-10T12:00:00.000Z', services: [colour] });
  const v105 = new VisitMessages({ visitId: 'visit-0105', clientId: CLIENT, number: 105, startsAt: '2025-11-20T15:00:00.000Z', services: [manicure, haircut()] });
  const v106 = new VisitMessages({ visitId: 'visit-0106', clientId: CLIENT, number: 106, startsAt: '2025-11-28T08:00:00.000Z', services: [haircut(['sp-olga', 'Olga Kowalska'])] });
  const otherClient = new VisitMessages({ clientId: 'client-bob', number: 201, startsAt: '2025-11-03T09:00:00.000Z', services: [haircut()] });
  const otherChain = new VisitMessages({ tenantId: OTHER, clientId: CLIENT, number: 101, startsAt: '2025-11-03T09:00:00.000Z', services: [haircut()] });

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrl(uniqueName('client_visits')), { serverSelectionTimeoutMS: 5_000 }).asPromise();
    await new ReadModelVersions(connection).switchTo(CLIENT_VISITS_COLLECTION, ACTIVE_VERSION);
    runner = new ProjectionRunner(createClientVisitsProjection(), createMessagingClient({ clientId: 'projection-test', brokers: kafkaBrokers(), logLevel: 'nothing' }), connection);
    queries = new ClientVisitQueries(connection);
    await queries.ensureIndexes();

    await write(v101.booked(), v101.confirmed(), v101.completed(), v102.booked(), v103.booked(), v104.booked());
    await write(v102.completed(), v102.paid(100), v103.cancelled(), v104.noShow(), v105.booked(), v106.booked(), otherClient.booked(), otherChain.booked());
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('creates its indexes on the active collection version', async () => {
    const indexes = await connection.collection(`${CLIENT_VISITS_COLLECTION}_v${ACTIVE_VERSION}`).indexes();
    expect(indexes.map((index) => index.name)).toEqual(expect.arrayContaining(CLIENT_VISIT_INDEXES.map((index) => index.name)));
  });

  it("lists the client's visits newest first, with everything the list shows", async () => {
    const page = await list();
    expect(numbers(page)).toEqual([106, 105, 104, 103, 102, 101]);
    expect(page.nextCursor).toBeNull();
    expect(page.items.find((item) => item.number === 102)).toEqual({
      visitId: v102.visitId,
      number: 102,
      status: 'completed',
      startsAt: '2025-11-05T10:00:00.000Z',
      endsAt: '2025-11-05T13:00:00.000Z',
      salonDate: '2025-11-05',
      salonId: 'salon-1',
      serviceCount: 2,
      services: [colour, haircut()],
      specialists: [
        { specialistId: 'sp-marek', specialistName: 'Marek Nowak' },
        { specialistId: 'sp-lucja', specialistName: 'Łucja Żółć' },
      ],
      amounts: { price: 420, discount: 40, total: 380, paid: 100 },
    });
  });

  it('sorts oldest first on request, the visit id breaking ties', async () => {
    // 103 and 104 start at the same time: ids visit-0103 < visit-0104.
    expect(numbers(await list({ sort: 'dateAsc' }))).toEqual([101, 102, 103, 104, 105, 106]);
  });

  it('does not apply an older or redelivered message again (revision guard)', async () => {
    await write(v101.messages[0], v101.messages[1]); // booked, confirmed: revisions 0 and 1, already passed
    await write(v102.messages[1]); // redelivered completion
    const page = await list({ q: '101' });
    expect(page.items[0]).toMatchObject({ status: 'completed' });
    const document = await connection.collection(`${CLIENT_VISITS_COLLECTION}_v${ACTIVE_VERSION}`).findOne({ _id: v101.visitId as never });
    expect(document).toMatchObject({ revision: 2, status: 'completed', tenantId: TENANT, clientId: CLIENT });
  });

  describe('search', () => {
    it.each([
      ['lucja', [105, 102, 101]],
      ['ŻÓŁĆ', [105, 102, 101]],
      ['eva kov', [105, 103]],
      ['olga', [106]],
    ])('finds visits by the specialist name fragment "%s"', async (q, expected) => {
      expect(numbers(await list({ q }))).toEqual(expected);
    });

    it.each([
      ['strzyzenie', [106, 105, 102, 101]],
      ['KOLORYZ', [104, 102]],
      ['hybryd', [105, 103]],
    ])('finds visits by the service name fragment "%s"', async (q, expected) => {
      expect(numbers(await list({ q }))).toEqual(expected);
    });

    it('finds a visit by its exact number, not a part of it', async () => {
      expect(numbers(await list({ q: '104' }))).toEqual([104]);
      expect(numbers(await list({ q: '10' }))).toEqual([]);
      expect(numbers(await list({ q: '201' }))).toEqual([]); // another client's
    });

    it('takes regular-expression characters literally', async () => {
      expect(numbers(await list({ q: '.*' }))).toEqual([]);
    });
  });

  describe('filters', () => {
    it('by one status or several', async () => {
      expect(numbers(await list({ status: 'completed' }))).toEqual([102, 101]);
      expect(numbers(await list({ status: ['cancelled', 'no-show'] }))).toEqual([104, 103]);
    });

    it('by salon date range, inclusive', async () => {
      expect(numbers(await list({ from: '2025-11-05', to: '2025-11-20' }))).toEqual([105, 104, 103, 102]);
      expect(numbers(await list({ from: '2025-11-21' }))).toEqual([106]);
      expect(numbers(await list({ to: '2025-11-03' }))).toEqual([101]);
    });

    it('by salon, specialist and service, combined with search', async () => {
      expect(numbers(await list({ salonId: 'salon-2' }))).toEqual([103]);
      expect(numbers(await list({ specialistId: 'sp-marek' }))).toEqual([104, 102]);
      expect(numbers(await list({ serviceId: 'sv-mani' }))).toEqual([105, 103]);
      expect(numbers(await list({ serviceId: 'sv-cut', q: 'eva', status: ['booked'] }))).toEqual([105]);
    });

    it('never shows another chain or another client', async () => {
      expect(numbers(await list({}, CLIENT, OTHER))).toEqual([101]);
      expect((await list({}, CLIENT, OTHER)).items[0].visitId).toBe(otherChain.visitId);
      expect(numbers(await list({}, 'client-bob'))).toEqual([201]);
    });
  });

  describe('pagination', () => {
    it.each(['date', 'dateAsc'] as const)('walks every page with the cursor (%s)', async (sort) => {
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await list({ sort, limit: 2, cursor });
        seen.push(...numbers(page));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(numbers(await list({ sort })));
    });

    it('keeps the filters across pages', async () => {
      const first = await list({ q: 'lucja', limit: 2 });
      expect(numbers(first)).toEqual([105, 102]);
      const second = await list({ q: 'lucja', limit: 2, cursor: first.nextCursor! });
      expect(numbers(second)).toEqual([101]);
      expect(second.nextCursor).toBeNull();
    });
  });

  describe('invalid queries', () => {
    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ sort: 'name' as never }, 'sort'],
      [{ status: ['done' as never] }, 'status'],
      [{ from: '2025-13-01' }, 'from'],
      [{ to: '2025-11-31' }, 'to'],
      [{ from: '2025-11-10', to: '2025-11-01' }, 'to'],
      [{ cursor: 'not a cursor' }, 'cursor'],
      [{ q: 'x'.repeat(101) }, 'q'],
    ])('refuses %j naming the field %s', async (query, field) => {
      expect(await refusal(list(query as ClientVisitQuery))).toMatchObject({ kind: 'invalid', details: { field } });
    });

    it('refuses a cursor of another sort order', async () => {
      const { nextCursor } = await list({ limit: 1 });
      expect(await refusal(list({ sort: 'dateAsc', cursor: nextCursor! }))).toMatchObject({ code: 'invalid-cursor', details: { field: 'cursor' } });
    });
  });

  describe('by number', () => {
    it('finds one visit of the chain by its number', async () => {
      expect(await queries.getByNumber(TENANT, 201)).toMatchObject({ visitId: otherClient.visitId, clientId: 'client-bob', number: 201, status: 'booked' });
      expect(await queries.getByNumber(OTHER, 101)).toMatchObject({ visitId: otherChain.visitId });
    });

    it('finds nothing for an unknown number or another chain', async () => {
      expect(await queries.getByNumber(TENANT, 999)).toBeUndefined();
      expect(await queries.getByNumber(OTHER, 102)).toBeUndefined();
    });

    it('refuses a number that is not a positive whole number', async () => {
      expect(await refusal(queries.getByNumber(TENANT, 0))).toMatchObject({ details: { field: 'number' } });
    });
  });
});
