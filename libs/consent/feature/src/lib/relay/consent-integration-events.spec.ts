import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSENT_EVENT_TYPES_V1, CONSENT_STATE_EVENT_TYPE_V1, ConsentIntegrationEventV1, ConsentStateV1, HEADERS } from '@salon/contracts';
import { ConsentCommand, ConsentEvent, ConsentState, consentDecider } from '@salon/consent/domain';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { RecordedEvent, SqliteEventStore, START } from '@salon/shared/event-store';
import { consentEventCodec, consentMessages, toConsentIntegrationEvent } from './consent-integration-events';

describe('consentMessages (the consent relay mapping)', () => {
  const clientId = '6f1c1c1e-0000-4000-8000-000000000001';
  const stream = `consent-${clientId}`;
  const metadata = { tenantId: 'chain-1', correlationId: 'corr', causationId: 'cause', actorId: 'staff-1', salonId: 'salon-1', now: new Date('2025-06-15T10:00:00Z') };
  let store: SqliteEventStore;
  let codec: EventCodec<ConsentEvent>;
  let handler: CommandHandler<ConsentState, ConsentCommand, ConsentEvent>;

  beforeEach(() => {
    store = new SqliteEventStore({ path: join(mkdtempSync(join(tmpdir(), 'consent-relay-')), 'events.db') });
    codec = consentEventCodec();
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

describe('toConsentIntegrationEvent (the consent mapping, event by event)', () => {
  /** Every consent event type, as the decider records them. */
  function everyEvent(): ConsentEvent[] {
    const clientId = 'c-1';
    const metadata = { tenantId: 't', correlationId: 'c', causationId: 'c', actorId: 'staff-1', salonId: 'salon-1', now: new Date('2025-06-15T10:00:00Z') };
    const evidence = { documentRef: 'FORM-1', consentTextVersion: 'v3', signedAt: '2025-06-15T09:00:00Z', collectedBy: 'staff-1', salonId: 'salon-1' };
    const commands: ConsentCommand[] = [
      { type: 'ApplyRegistrationChoices', data: { clientId, smsCapable: true, hasEmail: true, initialConsent: { remindersByEmail: false } }, metadata },
      { type: 'WithdrawConsent', data: { clientId, permission: 'notifications', source: 'client-request' }, metadata },
      { type: 'GrantConsent', data: { clientId, permission: 'notifications', source: 'front-desk' }, metadata },
      { type: 'GrantMarketingConsent', data: { clientId, permission: 'newsletter', evidence, source: 'front-desk' }, metadata },
      { type: 'WithdrawAllMarketing', data: { clientId, source: 'client-request' }, metadata },
      { type: 'NotePhoneLineChange', data: { clientId, smsCapable: false }, metadata },
      { type: 'CloseConsent', data: { clientId, reason: 'deleted' }, metadata },
    ];
    let state = consentDecider.initialState();
    const events: ConsentEvent[] = [];
    for (const command of commands) {
      const decided = consentDecider.decide(command, state);
      events.push(...decided);
      state = decided.reduce(consentDecider.evolve, state);
    }
    return events;
  }

  it('publishes every domain event under its own type, as recorded, and every contract type comes from one', () => {
    const events = everyEvent();
    const published: ConsentIntegrationEventV1[] = events.map(toConsentIntegrationEvent);
    expect(published).toEqual(events);
    expect(new Set(published.map((event) => event.type))).toEqual(new Set(CONSENT_EVENT_TYPES_V1));
  });

  it('has a codec without a key store: it refuses a stored event that carries personal data', async () => {
    const [registration] = everyEvent();
    const stored = await consentEventCodec().encode(registration, 'consent-c-1', 'event-1', { tenantId: 't', correlationId: 'c', causationId: 'c' });
    const recorded: RecordedEvent = { ...stored, streamName: 'consent-c-1', revision: 0n, position: START, createdAt: new Date() };
    expect(await consentEventCodec().decode(recorded)).toEqual(registration);
    const withEnvelope: RecordedEvent = { ...recorded, data: { ...(recorded.data as object), pii: { v: 1, subject: 'c-1', iv: '', tag: '', data: '' } } };
    await expect(consentEventCodec().decode(withEnvelope)).rejects.toThrow('has no cipher');
  });
});
