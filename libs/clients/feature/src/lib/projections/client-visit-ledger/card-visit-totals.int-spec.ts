import { randomUUID } from 'node:crypto';
import mongoose, { Connection } from 'mongoose';
import { ConsentStateV1, TOPICS } from '@salon/contracts';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { collectionHash, mongoUrl, uniqueName } from '@salon/shared/testing';
import { IncomingMessage, MessagingClient, ProjectionRunner } from '@salon/shared/messaging';
import { ClientProfileQueries } from '../client-profiles/client-profile.queries';
import { createClientProfilesProjection } from '../client-profiles/client-profiles.projection';
import { ClientMessages } from '../client-profiles/test/client-messages';
import { createClientVisitLedgerProjection } from './client-visit-ledger.projection';
import { VisitEvents } from './test/visit-event-messages';

/**
 * Against the real Mongo-compatible server: visit events through the runner's own write path
 * (fold per document, compare-and-set write) of both projections that read them, the ledger and
 * the client card, the profile read back through the clients' queries.
 */
describe('the visit totals on the client card', () => {
  const tenant = 'chain-main';
  const keys = new InMemoryKeyStore();
  // write() needs no broker: the runner is used for its batch write path only.
  const noKafka = {} as MessagingClient;
  let mongo: Connection;
  let ledger: ProjectionRunner;
  let profiles: ProjectionRunner;
  // The visit topic feeds the ledger and the card; the consent state topic the card.
  const statistics = { write: async (messages: IncomingMessage[], targets?: ReadonlyMap<string, string>) => {
    await ledger.write(messages, targets);
    await profiles.write(messages, targets);
  } };
  const consent = { write: (messages: IncomingMessage[]) => profiles.write(messages) };
  let queries: ClientProfileQueries;

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('client-visit-stats'))).asPromise();
    ledger = new ProjectionRunner(createClientVisitLedgerProjection(), noKafka, mongo);
    profiles = new ProjectionRunner(createClientProfilesProjection(new PersonalDataCipher(keys)), noKafka, mongo);
    queries = new ClientProfileQueries(mongo);
  });
  afterAll(async () => {
    await mongo.dropDatabase();
    await mongo.close();
  });

  async function registered(): Promise<ClientMessages> {
    const client = new ClientMessages(keys, tenant);
    await profiles.write([await client.registered({ phone: '+48 601 000 001', firstName: 'Anna' })]);
    return client;
  }

  const statisticsOf = async (clientId: string) => (await queries.getProfile(tenant, clientId))?.visitStatistics;

  it('shows first and last completed visit, the count, counts per status and both summaries', async () => {
    const client = await registered();
    const visit = (id: string, number: number, startsAt: string) => new VisitEvents(tenant, client.clientId, `${client.clientId}-${id}`, number, startsAt);
    const first = visit('a', 11, '2025-02-01T09:00:00.000Z');
    const second = visit('b', 12, '2025-02-10T09:00:00.000Z');
    const third = visit('c', 13, '2025-03-05T15:30:00.000Z');
    const cancelled = visit('d', 14, '2025-03-20T09:00:00.000Z');
    const noShow = visit('e', 15, '2025-01-20T09:00:00.000Z');
    const messages: IncomingMessage[] = [];
    for (const v of [first, second, third]) messages.push(v.to('booked'), v.to('confirmed'), v.to('arrived'), v.to('completed'));
    messages.push(cancelled.to('booked'), cancelled.to('cancelled'), noShow.to('booked'), noShow.to('no-show'));
    await statistics.write(messages);

    expect(await statisticsOf(client.clientId)).toEqual({
      firstVisitAt: '2025-02-01T09:00:00.000Z',
      lastVisitAt: '2025-03-05T15:30:00.000Z',
      visitCount: 3,
      countsByStatus: { booked: 0, confirmed: 0, arrived: 0, completed: 3, cancelled: 1, noShow: 1 },
      firstVisit: {
        visitId: `${client.clientId}-a`, number: 11, at: '2025-02-01T09:00:00.000Z', salonDate: '2025-02-01', salonId: 'salon-1',
        status: 'completed', services: ['Haircut'], specialists: ['Anna Nowak'], amount: 50,
      },
      lastVisit: expect.objectContaining({ visitId: `${client.clientId}-c`, number: 13, at: '2025-03-05T15:30:00.000Z' }),
    });
  });

  it('ignores redelivered and older messages', async () => {
    const client = await registered();
    const visit = new VisitEvents(tenant, client.clientId, `${client.clientId}-x`, 21, '2025-02-01T09:00:00.000Z');
    const booked = visit.to('booked');
    const completed = [visit.to('arrived'), visit.to('completed')];
    await statistics.write([booked, ...completed]);
    const before = await collectionHash(mongo, 'client_visit_ledger_v1');
    await statistics.write([booked]);
    await statistics.write([...completed, booked]);
    expect(await collectionHash(mongo, 'client_visit_ledger_v1')).toEqual(before);
    expect((await statisticsOf(client.clientId))?.countsByStatus).toMatchObject({ booked: 0, completed: 1 });
  });

  it('keeps statistics that arrive before the registration is projected', async () => {
    const client = new ClientMessages(keys, tenant);
    const visit = new VisitEvents(tenant, client.clientId, `${client.clientId}-early`, 31, '2025-02-01T09:00:00.000Z');
    await statistics.write([visit.to('booked'), visit.to('arrived'), visit.to('completed')]);
    expect(await queries.getProfile(tenant, client.clientId)).toBeUndefined();

    await profiles.write([await client.registered({ phone: '+48 601 000 002', firstName: 'Ola' })]);
    const view = await queries.getProfile(tenant, client.clientId);
    expect(view?.displayName).toBe('Ola');
    expect(view?.visitStatistics).toMatchObject({ visitCount: 1, firstVisitAt: '2025-02-01T09:00:00.000Z' });
  });

  it('builds the same profile document whichever of registration, consent and visits arrives first', async () => {
    const consentState = (clientId: string) =>
      ({
        topic: TOPICS.consentState.name, partition: 0, offset: '1', key: clientId, eventId: randomUUID(), eventType: 'ConsentState',
        schemaVersion: 1, tenantId: tenant, correlationId: randomUUID(), causationId: randomUUID(), streamRevision: 0n,
        data: { switches: { notifications: true, remindersBySms: true, remindersByEmail: false, newsletter: false, marketingSms: false } },
      }) as IncomingMessage<Partial<ConsentStateV1>>;
    const form = { phone: '+48 601 000 003', firstName: 'Ewa' };
    const documentOf = async (clientId: string) => mongo.collection('client_profiles_v1').findOne({ _id: clientId as never });
    const inOrder = async (steps: readonly ('registration' | 'consent' | 'visit')[]) => {
      // The same id every time: the documents then differ only by the order their parts arrived in.
      await mongo.collection('client_profiles_v1').deleteOne({ _id: 'same-client' as never });
      await mongo.collection('client_visit_ledger_v1').deleteMany({ clientId: 'same-client' });
      const client = new ClientMessages(keys, tenant, 'same-client');
      const visit = new VisitEvents(tenant, client.clientId, 'same-client-visit', 61, '2025-02-01T09:00:00.000Z');
      for (const step of steps) {
        if (step === 'registration') await profiles.write([await client.registered(form)]);
        if (step === 'consent') await consent.write([consentState(client.clientId)]);
        if (step === 'visit') await statistics.write([visit.to('booked')]);
      }
      return documentOf(client.clientId);
    };
    const registrationFirst = await inOrder(['registration', 'consent']);
    expect(registrationFirst).toMatchObject({ consent: expect.any(Object), visitStatistics: expect.objectContaining({ visitCount: 0 }) });
    expect(await inOrder(['consent', 'registration'])).toEqual(registrationFirst);
    const withVisit = await inOrder(['registration', 'consent', 'visit']);
    expect(await inOrder(['visit', 'registration', 'consent'])).toEqual(withVisit);
    expect(await inOrder(['consent', 'visit', 'registration'])).toEqual(withVisit);
  });

  it('keeps the statistics of an erased client (visits remain for statistics)', async () => {
    const client = await registered();
    const visit = new VisitEvents(tenant, client.clientId, `${client.clientId}-kept`, 41, '2025-02-01T09:00:00.000Z');
    await statistics.write([visit.to('booked'), visit.to('arrived'), visit.to('completed')]);
    await profiles.write([await client.erased(7)]);
    const view = await queries.getProfile(tenant, client.clientId);
    expect(view?.displayName).toBe('Archived client 7');
    expect(view?.visitStatistics.visitCount).toBe(1);
  });

  it('moves the last visit when a later one is completed, and rebuilds to the same documents', async () => {
    const client = await registered();
    const earlier = new VisitEvents(tenant, client.clientId, `${client.clientId}-1`, 51, '2025-02-01T09:00:00.000Z');
    const later = new VisitEvents(tenant, client.clientId, `${client.clientId}-2`, 52, '2025-01-01T09:00:00.000Z');
    const all = [earlier.to('booked'), earlier.to('arrived'), earlier.to('completed'), later.to('booked'), later.rescheduled('2025-04-01T09:00:00.000Z')];
    await statistics.write(all);
    expect((await statisticsOf(client.clientId))?.lastVisit?.number).toBe(51);
    const done = [later.to('arrived'), later.to('completed')];
    await statistics.write(done);
    expect(await statisticsOf(client.clientId)).toMatchObject({ lastVisitAt: '2025-04-01T09:00:00.000Z', visitCount: 2, lastVisit: { number: 52 } });

    // Replayed into another ledger version, in other batches: the same entries and statistics.
    const entriesIn = (collection: string) => mongo.collection(collection).find({ clientId: client.clientId }, { sort: { _id: 1 } }).toArray();
    const live = await entriesIn('client_visit_ledger_v1');
    const statisticsBefore = await statisticsOf(client.clientId);
    const targets = new Map([['client_visit_ledger', 'client_visit_ledger_replay']]);
    for (const message of [...all, ...done]) await statistics.write([message], targets);
    expect(await entriesIn('client_visit_ledger_replay')).toEqual(live);
    expect(live).toHaveLength(2);
    expect(await statisticsOf(client.clientId)).toEqual(statisticsBefore);
  });
});
