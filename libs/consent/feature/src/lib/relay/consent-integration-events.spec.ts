import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSENT_STATE_EVENT_TYPE_V1, ConsentStateV1, HEADERS } from '@salon/contracts';
import { ConsentCommand, ConsentEvent, ConsentState, consentDecider, consentEventCatalog, clientIdOfConsentStream } from '@salon/consent/domain';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { consentMessages } from './consent-integration-events';

describe('consentMessages (the consent relay mapping)', () => {
  const clientId = '6f1c1c1e-0000-4000-8000-000000000001';
  const stream = `consent-${clientId}`;
  const metadata = { tenantId: 'chain-1', correlationId: 'corr', causationId: 'cause', actorId: 'staff-1', salonId: 'salon-1', now: new Date('2025-06-15T10:00:00Z') };
  let store: SqliteEventStore;
  let codec: EventCodec<ConsentEvent>;
  let handler: CommandHandler<ConsentState, ConsentCommand, ConsentEvent>;

  beforeEach(() => {
    store = new SqliteEventStore({ path: join(mkdtempSync(join(tmpdir(), 'consent-relay-')), 'events.db') });
    codec = new EventCodec(consentEventCatalog, new PersonalDataCipher(new InMemoryKeyStore()), clientIdOfConsentStream);
    handler = new CommandHandler(store, consentDecider, codec);
  });
  afterEach(() => store.close());

  const topics = { events: 'p.consent.consent-events.v1', state: 'p.consent.consent-state.v1' };

  it('publishes each event and the state right after it (not the latest state), then a tombstone', async () => {
    await handler.handle(stream, { type: 'ApplyRegistrationChoices', data: { clientId, smsCapable: true, hasEmail: false }, metadata });
    await handler.handle(stream, { type: 'WithdrawConsent', data: { clientId, permission: 'notifications', source: 'client-request' }, metadata });
    await handler.handle(stream, { type: 'CloseConsent', data: { clientId, reason: 'erased' }, metadata });
    const recorded = await store.readStream(stream);

    // A relay that follows the stream from its start (cached fold) and one that starts in its middle
    // (after a restart: it reads the stream up to the event) publish the same states.
    for (const fromMiddle of [recorded, recorded.slice(1)]) {
      const map = consentMessages(store, codec, topics);
      const messages = [];
      for (const event of fromMiddle) messages.push(...(await map(event)));
      const states = messages.filter((message) => message.topic === topics.state);
      const stateAt = (revision: number) => states.find((message) => message.headers[HEADERS.streamRevision] === String(revision));

      const afterWithdrawal = JSON.parse(String(stateAt(1)?.value)) as ConsentStateV1;
      expect(afterWithdrawal).toMatchObject({ clientId, version: 2, switches: { notifications: false, remindersBySms: true } });
      expect(afterWithdrawal.permissions.reminders.sms).toEqual({ allowed: false, reason: 'notifications-off' });
      expect(stateAt(2)).toMatchObject({ key: clientId, value: null });
      expect(stateAt(2)?.headers[HEADERS.eventType]).toBe(CONSENT_STATE_EVENT_TYPE_V1);
      const events = messages.filter((message) => message.topic === topics.events);
      expect(events.map((message) => message.headers[HEADERS.eventType])).toEqual(fromMiddle.map((event) => event.type));
    }
  });

  it('publishes nothing for streams of other contexts', async () => {
    await handler.handle(stream, { type: 'ApplyRegistrationChoices', data: { clientId, smsCapable: true, hasEmail: false }, metadata });
    const [event] = await store.readStream(stream);
    expect(await consentMessages(store, codec, topics)({ ...event, streamName: `client-${clientId}` })).toEqual([]);
  });
});
