import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@salon/contracts';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandHandler } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { asyncApiMessageChecker, asyncApiMessageNames } from '@salon/shared/testing';
import { VisitCommand, toVisitStreamName, visitDecider } from '@salon/visits/domain';
import { visitEventCodec, visitMessages } from './visit-integration-events';

/**
 * The messages the visits relay really produces (from events recorded in an event store) are what
 * libs/contracts/asyncapi/visits.asyncapi.yaml says: key, every header and nothing else, payload.
 */
describe('the visits relay, against visits.asyncapi.yaml', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'visits-asyncapi-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every documented message, each as documented', async () => {
    const codec = visitEventCodec(new PersonalDataCipher(new InMemoryKeyStore()));
    const visits = new CommandHandler(store, visitDecider, codec);
    const clientId = randomUUID();
    const now = new Date();
    const hours = (offset: number) => new Date(now.getTime() + offset * 3_600_000).toISOString();
    const metadata = { tenantId: 'chain-1', correlationId: randomUUID(), causationId: randomUUID(), actorId: 'desk-1', now };
    const line = { serviceId: 'haircut', name: 'Haircut', price: 50, durationMinutes: 45, specialistId: 'anna', specialistName: 'Anna' };
    const book = (visitId: string, number: number, startsInHours: number): VisitCommand => ({
      type: 'BookVisit',
      data: { visitId, clientId, number, salonId: 'salon-1', startsAt: hours(startsInHours), endsAt: hours(startsInHours + 1), services: [line], discount: 5 },
      metadata,
    });
    const [kept, cancelled, missed] = [randomUUID(), randomUUID(), randomUUID()];
    const histories: [string, VisitCommand[]][] = [
      [
        kept,
        [
          book(kept, 1, 24),
          { type: 'ConfirmVisit', data: { visitId: kept }, metadata },
          { type: 'RescheduleVisit', data: { visitId: kept, startsAt: hours(48), endsAt: hours(49) }, metadata },
          { type: 'ChangeVisitServices', data: { visitId: kept, services: [line, { ...line, serviceId: 'colour', price: 80.5 }], discount: 10 }, metadata },
          { type: 'MarkVisitArrived', data: { visitId: kept }, metadata },
          { type: 'RecordVisitPayment', data: { visitId: kept, amount: 20.25 }, metadata },
          { type: 'CompleteVisit', data: { visitId: kept }, metadata },
        ],
      ],
      [cancelled, [book(cancelled, 2, 24), { type: 'CancelVisit', data: { visitId: cancelled, by: 'client', late: true }, metadata }]],
      [missed, [book(missed, 3, -2), { type: 'MarkVisitNoShow', data: { visitId: missed }, metadata }]],
    ];
    for (const [visitId, commands] of histories) for (const command of commands) await visits.handle(toVisitStreamName(visitId), command);

    const toMessages = visitMessages(store, codec);
    const messages = (await Promise.all((await store.readAll()).map(toMessages))).flat();
    const check = asyncApiMessageChecker('visits.asyncapi.yaml');
    expect(messages.flatMap(check)).toEqual([]);
    expect([...new Set(messages.map((message) => message.headers['event-type']))].sort()).toEqual(
      asyncApiMessageNames('visits.asyncapi.yaml', TOPICS.visitEvents.name).sort(),
    );
  });
});
