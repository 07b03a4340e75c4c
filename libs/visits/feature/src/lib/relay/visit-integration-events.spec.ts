import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADERS, TOPICS, VisitEventV1 } from '@salon/contracts';
import { CommandMetadata } from '@salon/shared/ddd';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { VisitCommand, VisitEvent, VisitState, toVisitStreamName, visitDecider } from '@salon/visits/domain';
import { VisitNumbers } from '../visit-numbers/visit-numbers';
import { VISIT_STREAM_PREFIXES, visitEventCodec, visitMessages } from './visit-integration-events';

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
