import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADERS, TOPICS, VISIT_EVENT_TYPES_V1, VisitEventV1, VisitIntegrationEventV1 } from '@salon/contracts';
import { CommandMetadata } from '@salon/shared/ddd';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { Visit, VisitCommand, VisitEvent, VisitState, toVisitStreamName, visitDecider } from '@salon/visits/domain';
import { VisitNumbers } from '../visit-numbers/visit-numbers';
import { VISIT_STREAM_PREFIXES, toVisitIntegrationEvent, visitEventCodec, visitMessages } from './visit-integration-events';

describe('the visits relay mapping (event-carried state on visits.visit-events.v1)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let codec: EventCodec<VisitEvent>;
  let visits: CommandHandler<VisitState, VisitCommand, VisitEvent>;
  const metadata = (at: string): CommandMetadata => ({ tenantId: 'chain-1', correlationId: 'corr-1', causationId: 'corr-1', actorId: 'desk-1', now: new Date(at) });
  const line = { serviceId: 's1', name: 'Haircut', price: 50, durationMinutes: 45, specialistId: 'p1', specialistName: 'Anna' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'visit-relay-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    codec = visitEventCodec(new PersonalDataCipher(new InMemoryKeyStore()));
    visits = new CommandHandler(store, visitDecider, codec);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function bookAndComplete(visitId: string): Promise<void> {
    const stream = toVisitStreamName(visitId);
    await visits.handle(stream, {
      type: 'BookVisit',
      data: { visitId, clientId: 'client-1', number: 7, salonId: 'salon-1', startsAt: '2026-03-01T10:00:00+02:00', endsAt: '2026-03-01T11:00:00+02:00', services: [line], discount: 5 },
      metadata: metadata('2026-02-20T09:00:00Z'),
    });
    await visits.handle(stream, { type: 'MarkVisitArrived', data: { visitId }, metadata: metadata('2026-03-01T07:55:00Z') });
    await visits.handle(stream, { type: 'CompleteVisit', data: { visitId }, metadata: metadata('2026-03-01T09:01:00Z') });
  }

  it('publishes one message per event, keyed by the client, with the whole visit after it', async () => {
    await bookAndComplete('visit-a');
    const toMessages = visitMessages(store, codec, 'p.visits');
    const events = await store.readAll({ streamPrefixes: ['visit-'] });
    const messages = (await Promise.all(events.map(toMessages))).flat();

    expect(messages.map((m) => [m.topic, m.key, m.headers[HEADERS.eventType], m.headers[HEADERS.streamRevision]])).toEqual([
      ['p.visits', 'client-1', 'VisitBooked', '0'],
      ['p.visits', 'client-1', 'VisitArrived', '1'],
      ['p.visits', 'client-1', 'VisitCompleted', '2'],
    ]);
    const last = JSON.parse(messages[2].value as string) as VisitEventV1;
    expect(last).toEqual({
      type: 'VisitCompleted',
      visitId: 'visit-a',
      clientId: 'client-1',
      occurredAt: '2026-03-01T09:01:00.000Z',
      actorId: 'desk-1',
      visit: {
        visitId: 'visit-a',
        clientId: 'client-1',
        number: 7,
        salonId: 'salon-1',
        startsAt: '2026-03-01T08:00:00.000Z',
        endsAt: '2026-03-01T09:00:00.000Z',
        salonDate: '2026-03-01',
        status: 'completed',
        services: [line],
        specialists: [{ specialistId: 'p1', specialistName: 'Anna' }],
        amounts: { price: 50, discount: 5, total: 45, paid: 0 },
        bookedAt: '2026-02-20T09:00:00.000Z',
        updatedAt: '2026-03-01T09:01:00.000Z',
      },
    });
  });

  it('gives the state right after each event, also when a relay starts in the middle of a stream (no cache)', async () => {
    await bookAndComplete('visit-b');
    const events = await store.readAll({ streamPrefixes: ['visit-'] });
    const fresh = visitMessages(store, codec, TOPICS.visitEvents.name);
    const [arrived] = await fresh(events[1]);
    const payload = JSON.parse(arrived.value as string) as VisitEventV1;
    expect(payload.visit.status).toBe('arrived');
    expect(payload.visit.bookedAt).toBe('2026-02-20T09:00:00.000Z');
  });

  it('ignores streams that are not visits', async () => {
    await new VisitNumbers(store).allocate('chain-1', 'visit-x', 'c');
    const [event] = await store.readAll();
    expect(VISIT_STREAM_PREFIXES.some((prefix) => event.streamName.startsWith(prefix))).toBe(false);
    expect(await visitMessages(store, codec)(event)).toEqual([]);
  });
});

describe('toVisitIntegrationEvent (the visits mapping, event by event)', () => {
  const at = '2026-03-01T09:00:00.000Z';
  const stamp = { visitId: 'visit-m', actorId: 'desk-1', at };
  const line = { serviceId: 's1', name: 'Haircut', price: 50, durationMinutes: 45, specialistId: 'p1', specialistName: 'Anna' };
  const amounts = { price: 50, discount: 0, total: 50, paid: 0 };
  const visit: Visit = {
    status: 'booked',
    visitId: 'visit-m',
    clientId: 'client-m',
    number: 3,
    salonId: 'salon-1',
    startsAt: '2026-03-01T10:00:00.000Z',
    endsAt: '2026-03-01T11:00:00.000Z',
    salonDate: '2026-03-01',
    services: [line],
    specialists: [{ specialistId: 'p1', specialistName: 'Anna' }],
    amounts,
  };
  const timing = { startsAt: visit.startsAt, endsAt: visit.endsAt, salonDate: visit.salonDate };
  const EVERY_EVENT: { readonly [Type in VisitEvent['type']]: Extract<VisitEvent, { type: Type }> } = {
    VisitBooked: { type: 'VisitBooked', data: { ...stamp, clientId: 'client-m', number: 3, salonId: 'salon-1', ...timing, services: [line], specialists: visit.specialists, amounts } },
    VisitConfirmed: { type: 'VisitConfirmed', data: stamp },
    VisitArrived: { type: 'VisitArrived', data: stamp },
    VisitCompleted: { type: 'VisitCompleted', data: stamp },
    VisitCancelled: { type: 'VisitCancelled', data: { ...stamp, by: 'client', late: true } },
    VisitNoShowMarked: { type: 'VisitNoShowMarked', data: stamp },
    VisitRescheduled: { type: 'VisitRescheduled', data: { ...stamp, ...timing } },
    VisitServicesChanged: { type: 'VisitServicesChanged', data: { ...stamp, services: [line], specialists: visit.specialists, amounts } },
    VisitPaymentRecorded: { type: 'VisitPaymentRecorded', data: { ...stamp, amount: 20, paid: 20 } },
  };
  const bookedAt = '2026-02-20T09:00:00.000Z';

  it('publishes every domain event under its contract type, and every contract type comes from one', () => {
    const types = Object.values(EVERY_EVENT).map((event) => toVisitIntegrationEvent(event, visit, bookedAt).type);
    expect([...types].sort()).toEqual([...VISIT_EVENT_TYPES_V1].sort());
  });

  it.each(Object.values(EVERY_EVENT))('maps $type to one message carrying the visit, with only its own extra fields', (event) => {
    const published: VisitIntegrationEventV1 = toVisitIntegrationEvent(event, visit, bookedAt);
    const read: VisitEventV1 = published.data;
    expect(read).toMatchObject({ type: event.type, visitId: 'visit-m', clientId: 'client-m', occurredAt: at, actorId: 'desk-1' });
    expect(read.visit).toEqual({ ...visit, bookedAt, updatedAt: at });
    const extra = Object.keys(read).filter((key) => !['type', 'visitId', 'clientId', 'occurredAt', 'actorId', 'visit'].includes(key));
    const expected: Partial<Record<VisitEvent['type'], string[]>> = { VisitCancelled: ['cancelledBy', 'late'], VisitPaymentRecorded: ['paymentAmount'] };
    expect(extra.sort()).toEqual(expected[event.type] ?? []);
  });

  it('carries who cancelled and the payment amount where they belong, and no actor for a system actor', () => {
    expect(toVisitIntegrationEvent(EVERY_EVENT.VisitCancelled, visit, bookedAt).data).toMatchObject({ cancelledBy: 'client', late: true });
    expect(toVisitIntegrationEvent(EVERY_EVENT.VisitPaymentRecorded, visit, bookedAt).data).toMatchObject({ paymentAmount: 20 });
    const { actorId: _actor, ...bySystem } = stamp;
    expect(toVisitIntegrationEvent({ type: 'VisitConfirmed', data: bySystem }, visit, bookedAt).data).not.toHaveProperty('actorId');
  });
});
