import mongoose, { Connection } from 'mongoose';
import { IncomingMessage, ProjectionRunner, ReadModelVersions, createMessagingClient } from '@salon/shared/messaging';
import { collectionHash, kafkaBrokers, mongoUrl, uniqueName } from '@salon/shared/testing';
import { VisitMessages, line } from '../client-visits/test/visit-messages';
import { BI_COLLECTIONS, ClientFirstVisitDocument, SalonDailyDocument, ServiceDailyDocument, SpecialistDailyDocument, VisitFactDocument } from './bi.documents';
import { createVisitStatisticsProjection } from './visit-statistics.projection';

// Against the real MongoDB-compatible server: messages go through ProjectionRunner.write (apply,
// bulk write, then refresh), as the live consumer and a rebuild run them.
describe('visit statistics projection', () => {
  const T = 'chain-main';
  const projection = createVisitStatisticsProjection();
  let connection: Connection;
  let runner: ProjectionRunner;
  let versions: ReadModelVersions;
  const all: IncomingMessage[] = [];

  const write = async (...messages: IncomingMessage[]) => {
    all.push(...messages);
    await runner.write(messages);
  };
  const collection = async <D extends { _id: string }>(logical: string) => connection.collection<D>(await versions.activeCollection(logical));
  const salonDay = async (salonId: string, date: string) => (await collection<SalonDailyDocument>(BI_COLLECTIONS.salonDaily)).findOne({ _id: `${T}|${salonId}|${date}` });
  const counts = async (salonId: string, date: string) => {
    const doc = await salonDay(salonId, date);
    return doc && { ...doc.visits, revenue: doc.revenue, paid: doc.paid, newClients: doc.newClients, returningClients: doc.returningClients };
  };
  const ZERO = { booked: 0, confirmed: 0, arrived: 0, completed: 0, cancelled: 0, noShow: 0 };

  const cut = (specialist: [string, string] = ['sp-ann', 'Ann']) => line('sv-cut', 'Cut', 100, ...specialist);
  const colour = line('sv-colour', 'Colour', 300, 'sp-bob', 'Bob');

  // Client A: first completed visit on 11-03 at salon 1, again on 11-05.
  const a1 = new VisitMessages({ tenantId: T, clientId: 'client-a', number: 1, salonId: 's1', startsAt: '2025-11-03T09:00:00.000Z', services: [cut()] });
  const a2 = new VisitMessages({ tenantId: T, clientId: 'client-a', number: 2, salonId: 's1', startsAt: '2025-11-05T09:00:00.000Z', services: [cut(), colour], discount: 40 });
  // Client B: cancels on 11-03, completes on 11-05 (new there).
  const b1 = new VisitMessages({ tenantId: T, clientId: 'client-b', number: 3, salonId: 's1', startsAt: '2025-11-03T11:00:00.000Z', services: [colour] });
  const b2 = new VisitMessages({ tenantId: T, clientId: 'client-b', number: 4, salonId: 's1', startsAt: '2025-11-05T11:00:00.000Z', services: [cut(['sp-bob', 'Bob'])] });
  // Client C: no-show at salon 2. Client D: confirmed on 11-05, later moved to 11-07.
  const c1 = new VisitMessages({ tenantId: T, clientId: 'client-c', number: 5, salonId: 's2', startsAt: '2025-11-05T12:00:00.000Z', services: [colour] });
  const d1 = new VisitMessages({ tenantId: T, clientId: 'client-d', number: 6, salonId: 's1', startsAt: '2025-11-05T14:00:00.000Z', services: [cut()] });

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrl(uniqueName('visit_statistics')), { serverSelectionTimeoutMS: 5_000 }).asPromise();
    versions = new ReadModelVersions(connection);
    runner = new ProjectionRunner(projection, createMessagingClient({ clientId: 'projection-test', brokers: kafkaBrokers(), logLevel: 'nothing' }), connection);

    await write(a1.booked(), b1.booked(), a2.booked(), b2.booked(), c1.booked(), d1.booked());
    await write(a1.confirmed(), b1.cancelled(), a1.completed(), a1.paid(100));
    await write(b2.confirmed(), a2.arrived(), d1.confirmed(), c1.noShow());
    await write(a2.completed(), b2.completed(), a2.paid(200), b2.paid(50));
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('counts visits by status, revenue and new/returning clients per salon-day', async () => {
    expect(await counts('s1', '2025-11-03')).toEqual({ ...ZERO, completed: 1, cancelled: 1, total: 2, revenue: 100, paid: 100, newClients: 1, returningClients: 0 });
    expect(await counts('s1', '2025-11-05')).toEqual({ ...ZERO, completed: 2, confirmed: 1, total: 3, revenue: 460, paid: 250, newClients: 1, returningClients: 1 });
    expect(await counts('s2', '2025-11-05')).toEqual({ ...ZERO, noShow: 1, total: 1, revenue: 0, paid: 0, newClients: 0, returningClients: 0 });
    expect(await salonDay('s1', '2025-11-05')).toMatchObject({ grossRevenue: 500, discount: 40, completedClients: 2, specialistIds: ['sp-ann', 'sp-bob'], serviceIds: ['sv-colour', 'sv-cut'] });
  });

  it('splits revenue per specialist and service, the discount pro rata to line prices', async () => {
    const specialists = await (await collection<SpecialistDailyDocument>(BI_COLLECTIONS.specialistDaily)).find({ salonDate: '2025-11-05', salonId: 's1' }).sort({ _id: 1 }).toArray();
    // a2: Cut 100 (Ann) + Colour 300 (Bob), discount 40 → 90 and 270; b2: Cut 100 (Bob).
    expect(specialists.map((s) => [s.specialistId, s.specialistName, s.visits.completed, s.visits.confirmed, s.revenue, s.grossRevenue, s.discount, s.completedServices])).toEqual([
      ['sp-ann', 'Ann', 1, 1, 90, 100, 10, 1],
      ['sp-bob', 'Bob', 2, 0, 370, 400, 30, 2],
    ]);
    const services = await (await collection<ServiceDailyDocument>(BI_COLLECTIONS.serviceDaily)).find({ salonDate: '2025-11-05', salonId: 's1' }).sort({ _id: 1 }).toArray();
    expect(services.map((s) => [s._id, s.visits.total, s.revenue, s.completedServices])).toEqual([
      [`${T}|s1|2025-11-05|sv-colour`, 1, 270, 1],
      [`${T}|s1|2025-11-05|sv-cut`, 3, 190, 2],
    ]);
  });

  it('keeps one fact per visit and each client\'s first completed visit', async () => {
    const fact = await (await collection<VisitFactDocument>(BI_COLLECTIONS.visitFacts)).findOne({ _id: a2.visitId });
    expect(fact).toMatchObject({ tenantId: T, clientId: 'client-a', status: 'completed', revision: 3, days: [`${T}|s1|2025-11-05`] });
    const first = await (await collection<ClientFirstVisitDocument>(BI_COLLECTIONS.clientFirstVisits)).findOne({ _id: `${T}|client-a` });
    expect(first).toMatchObject({ firstVisitDate: '2025-11-03', firstSalonId: 's1', firstVisitId: a1.visitId });
    expect(first!.completedVisits.map((v) => v.visitId)).toEqual([a1.visitId, a2.visitId]);
    expect(await (await collection(BI_COLLECTIONS.clientFirstVisits)).findOne({ _id: `${T}|client-c` })).toBeNull();
  });

  it('changes nothing when old or redelivered messages come again', async () => {
    const before = await hashes();
    await runner.write([a1.messages[0], b2.messages[1], a2.messages[2]]);
    await runner.write(all);
    expect(await hashes()).toEqual(before);
  });

  it('moves a rescheduled visit to its new day, and drops a day left empty', async () => {
    await write(d1.rescheduled('2025-11-07T10:00:00.000Z'));
    expect(await counts('s1', '2025-11-05')).toMatchObject({ confirmed: 0, completed: 2, total: 2 });
    expect(await counts('s1', '2025-11-07')).toMatchObject({ confirmed: 1, total: 1 });
    // Moved to another salon and day: the old salon-day has no visit left and goes.
    await write(d1.rescheduled('2025-11-08T10:00:00.000Z', '2025-11-08', 's2'));
    expect(await salonDay('s1', '2025-11-07')).toBeNull();
    expect(await counts('s2', '2025-11-08')).toMatchObject({ confirmed: 1, total: 1 });
    const specialists = await (await collection(BI_COLLECTIONS.specialistDaily)).countDocuments({ _id: `${T}|s1|2025-11-07|sp-ann` });
    expect(specialists).toBe(0);
  });

  it("drops a specialist's and a service's day when a services change leaves them without visits", async () => {
    const ids = async (logical: string) =>
      (await (await collection(logical)).find({ salonId: 's2', salonDate: '2025-11-08' }).sort({ _id: 1 }).toArray()).map((doc) => doc._id);
    expect(await ids(BI_COLLECTIONS.specialistDaily)).toEqual([`${T}|s2|2025-11-08|sp-ann`]);
    await write(d1.servicesChanged([colour]));
    expect(await ids(BI_COLLECTIONS.specialistDaily)).toEqual([`${T}|s2|2025-11-08|sp-bob`]);
    expect(await ids(BI_COLLECTIONS.serviceDaily)).toEqual([`${T}|s2|2025-11-08|sv-colour`]);
    expect(await salonDay('s2', '2025-11-08')).toMatchObject({ specialistIds: ['sp-bob'], serviceIds: ['sv-colour'], visits: { confirmed: 1, total: 1 } });
  });

  it('makes an earlier completed visit the new one, and the old first day returning', async () => {
    const a0 = new VisitMessages({ tenantId: T, clientId: 'client-a', number: 7, salonId: 's2', startsAt: '2025-11-01T09:00:00.000Z', services: [cut()] });
    await write(a0.booked(), a0.completed());
    expect(await counts('s2', '2025-11-01')).toMatchObject({ completed: 1, newClients: 1, returningClients: 0 });
    expect(await counts('s1', '2025-11-03')).toMatchObject({ completed: 1, newClients: 0, returningClients: 1 });
    expect(await counts('s1', '2025-11-05')).toMatchObject({ newClients: 1, returningClients: 1 });
    const first = await (await collection<ClientFirstVisitDocument>(BI_COLLECTIONS.clientFirstVisits)).findOne({ _id: `${T}|client-a` });
    expect(first).toMatchObject({ firstVisitDate: '2025-11-01', firstSalonId: 's2', firstVisitId: a0.visitId });
  });

  it('answers the documented chain-level query (group salon days by tenant and date)', async () => {
    const perDay = await (await collection<SalonDailyDocument>(BI_COLLECTIONS.salonDaily))
      .aggregate<{ _id: string; newClients: number; returningClients: number; visits: number }>([
        { $match: { tenantId: T, salonDate: { $gte: '2025-11-01', $lte: '2025-11-30' } } },
        { $group: { _id: '$salonDate', newClients: { $sum: '$newClients' }, returningClients: { $sum: '$returningClients' }, visits: { $sum: '$visits.total' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(perDay).toEqual([
      { _id: '2025-11-01', newClients: 1, returningClients: 0, visits: 1 },
      { _id: '2025-11-03', newClients: 0, returningClients: 1, visits: 2 },
      { _id: '2025-11-05', newClients: 1, returningClients: 1, visits: 3 },
      { _id: '2025-11-08', newClients: 0, returningClients: 0, visits: 1 },
    ]);
  });

  it('gives the same documents when rebuilt into other collections in other batches', async () => {
    const live = await hashes();
    const targets = new Map(projection.collections.map((logical) => [logical, `${logical}_rebuilt`]));
    // One message at a time for the first half, the rest in one batch.
    const half = Math.floor(all.length / 2);
    for (const message of all.slice(0, half)) await runner.write([message], targets);
    await runner.write(all.slice(half), targets);
    expect(await hashes(targets)).toEqual(live);
  });

  it("keeps the specialist-days of salon 's1|2025-11-05' on the 6th and of salon 's1' on the 5th apart (ids escaped)", async () => {
    const P = 'chain-pipes';
    const pipe = new VisitMessages({ tenantId: P, clientId: 'client-p', number: 1, salonId: 's1|2025-11-05', startsAt: '2025-11-06T09:00:00.000Z', services: [line('sv-cut', 'Cut', 100, 'sp', 'Ann')] });
    const plain = new VisitMessages({ tenantId: P, clientId: 'client-q', number: 2, salonId: 's1', startsAt: '2025-11-05T09:00:00.000Z', services: [line('sv-cut', 'Cut', 200, '2025-11-06|sp', 'Bob')] });
    await write(pipe.booked(), plain.booked());
    const specialists = await (await collection<SpecialistDailyDocument>(BI_COLLECTIONS.specialistDaily)).find({ tenantId: P }).sort({ _id: 1 }).toArray();
    expect(specialists.map((s) => [s._id, s.salonId, s.specialistName, s.visits.booked])).toEqual([
      [`${P}|s1%7C2025-11-05|2025-11-06|sp`, 's1|2025-11-05', 'Ann', 1],
      [`${P}|s1|2025-11-05|2025-11-06%7Csp`, 's1', 'Bob', 1],
    ]);
  });

  it("never writes another tenant's document that holds a colliding _id: the batch is refused, the document left as it was", async () => {
    const dayId = `${T}|s9|2025-11-09`;
    const daily = await collection<SalonDailyDocument>(BI_COLLECTIONS.salonDaily);
    const foreign = { _id: dayId, tenantId: 'chain-other', salonId: 's9', salonDate: '2025-11-09', revenue: 123 } as unknown as SalonDailyDocument;
    await daily.insertOne(foreign);
    const visit = new VisitMessages({ tenantId: T, clientId: 'client-e', number: 8, salonId: 's9', startsAt: '2025-11-09T09:00:00.000Z', services: [cut()] });
    await expect(runner.write([visit.booked()])).rejects.toMatchObject({ code: 11000 });
    expect(await daily.findOne({ _id: dayId })).toEqual(foreign);
  });

  /** The collections whose documents are deterministic (the salon-day working set keeps map order of arrival). */
  async function hashes(targets?: ReadonlyMap<string, string>) {
    const result: Record<string, { hash: string; count: number }> = {};
    for (const logical of [BI_COLLECTIONS.visitFacts, BI_COLLECTIONS.clientFirstVisits, BI_COLLECTIONS.salonDaily, BI_COLLECTIONS.specialistDaily, BI_COLLECTIONS.serviceDaily]) {
      result[logical] = await collectionHash(connection, targets?.get(logical) ?? (await versions.activeCollection(logical)));
    }
    return result;
  }
});
