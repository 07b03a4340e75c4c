import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_EVENT_TYPES_V1, ClientEventsV1, ClientIntegrationEventV1, HEADERS, PiiEnvelopeV1 } from '@salon/contracts';
import { ClientCommand, ClientEvent, ClientState, clientDecider, toClientStreamName } from '@salon/clients/domain';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandMetadata } from '@salon/shared/ddd';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { clientEventCodec, clientMessages, toClientIntegrationEvent } from './client-integration-events';
import { AT, CLIENT_ID, FULL_PROFILE, IMPORTED_MARKETING_CONSENT, everyClientEvent } from './test/every-client-event';

const clientId = CLIENT_ID;
const at = AT;
const profile = FULL_PROFILE;
const sealed: PiiEnvelopeV1 = { v: 1, subject: clientId, iv: 'aXY=', tag: 'dGFn', data: 'ZGF0YQ==' };
const PERSONAL_VALUES = [profile.phone, profile.secondPhone, profile.email, profile.firstName, profile.lastName, profile.patronymic, profile.birthDate, profile.comment, 'photos/anna.jpg'];
const EVERY_EVENT = everyClientEvent();

/** The payload each event type publishes, field for field (ClientEventsV1). */
const PUBLISHED: { readonly [Type in keyof ClientEventsV1]: ClientEventsV1[Type] } = {
  ClientRegistered: {
    clientId,
    phoneLineType: 'mobile',
    smsCapable: true,
    secondPhoneLineType: 'fixed-line',
    hasEmail: true,
    initialConsent: { remindersByEmail: false },
    marketingConsent: IMPORTED_MARKETING_CONSENT,
    registeredAt: at,
    pii: sealed,
  },
  ClientProfileEdited: { clientId, phoneLineType: 'mobile', smsCapable: true, secondPhoneLineType: 'fixed-line', hasEmail: true, editedAt: at, pii: sealed },
  ClientDiscountsSet: { clientId, productDiscountPercent: 5, serviceDiscountPercent: 12.5, setAt: at },
  ClientPhotoSet: { clientId, setAt: at, pii: sealed },
  ClientPhotoRemoved: { clientId, removedAt: at },
  ClientVisitNoted: { clientId, visitId: 'visit-1', notedAt: at },
  ClientDeleted: { clientId, deletedAt: at },
  ClientErased: { clientId, archivedNumber: 7, erasedAt: at },
  ClientLegalHoldPlaced: { clientId, reason: 'litigation', placedAt: at, pii: sealed },
  ClientLegalHoldLifted: { clientId, liftedAt: at },
};

describe('toClientIntegrationEvent (the clients relay mapping)', () => {
  it.each(Object.values(EVERY_EVENT))('maps $type to the contract, field for field', (event) => {
    const published: ClientIntegrationEventV1 = toClientIntegrationEvent(event, { pii: sealed });
    expect(published.type).toBe(event.type);
    expect(published.data).toEqual(PUBLISHED[event.type]);
  });

  it('publishes every domain event under a contract type, and every contract type comes from one', () => {
    const types = Object.values(EVERY_EVENT).map((event) => toClientIntegrationEvent(event, {}).type);
    expect([...types].sort()).toEqual([...CLIENT_EVENT_TYPES_V1].sort());
  });

  it('never puts a personal value in clear, nor a private field (the visit count)', () => {
    for (const event of Object.values(EVERY_EVENT)) {
      const json = JSON.stringify(toClientIntegrationEvent(event, { pii: sealed }).data);
      for (const value of PERSONAL_VALUES) expect({ type: event.type, leaks: json.includes(value) }).toEqual({ type: event.type, leaks: false });
      expect(json).not.toContain('visitCount');
    }
  });

  it('says in clear whether there is an e-mail', () => {
    const { email: _email, ...withoutEmail } = EVERY_EVENT.ClientRegistered.data;
    expect(toClientIntegrationEvent(EVERY_EVENT.ClientRegistered, {}).data).toMatchObject({ hasEmail: true });
    expect(toClientIntegrationEvent({ type: 'ClientRegistered', data: withoutEmail }, {}).data).toMatchObject({ hasEmail: false });
  });

  it('leaves the second line type out for a client without a second phone', () => {
    const { secondPhone: _phone, secondPhoneLineType: _type, ...oneLine } = EVERY_EVENT.ClientProfileEdited.data;
    const published = toClientIntegrationEvent({ type: 'ClientProfileEdited', data: oneLine }, {}).data;
    expect(Object.keys(published).sort()).toEqual(['clientId', 'editedAt', 'hasEmail', 'phoneLineType', 'smsCapable']);
  });
});

describe('clientMessages (stored client events to clients.client-events.v1)', () => {
  const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'corr', causationId: 'cause', actorId: 'desk-1', now: new Date(at) };
  let dir: string;
  let keys: InMemoryKeyStore;
  let store: SqliteEventStore;
  let codec: EventCodec<ClientEvent>;
  let clients: CommandHandler<ClientState, ClientCommand, ClientEvent>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-relay-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    keys = new InMemoryKeyStore();
    codec = clientEventCodec(new PersonalDataCipher(keys));
    clients = new CommandHandler(store, clientDecider, codec);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the facts in clear and the stored envelope unopened, keyed by the client, with the stored headers', async () => {
    const stream = toClientStreamName(clientId);
    await clients.handle(stream, {
      type: 'RegisterClient',
      data: { clientId, defaultCountry: 'PL', phone: '601 234 567', email: profile.email, firstName: 'Anna', initialConsent: { notifications: true } },
      metadata,
    });
    await clients.handle(stream, { type: 'EditClientProfile', data: { clientId, defaultCountry: 'PL', phone: '22 123 45 67' }, metadata });
    const recorded = await store.readStream(stream);
    const toMessages = clientMessages(codec, 'p.clients.client-events.v1');
    const [registered, edited] = (await Promise.all(recorded.map(toMessages))).flat();

    expect([registered.topic, registered.key, registered.headers[HEADERS.eventType], registered.headers[HEADERS.streamRevision]]).toEqual([
      'p.clients.client-events.v1',
      clientId,
      'ClientRegistered',
      '0',
    ]);
    expect(registered.headers[HEADERS.eventId]).toBe(recorded[0].id);
    const registration = JSON.parse(String(registered.value)) as ClientEventsV1['ClientRegistered'];
    expect(registration).toEqual({
      clientId,
      phoneLineType: 'mobile',
      smsCapable: true,
      hasEmail: true,
      initialConsent: { notifications: true },
      registeredAt: at,
      pii: (recorded[0].data as { pii: PiiEnvelopeV1 }).pii,
    });
    expect(String(registered.value)).not.toContain(profile.email);
    expect(JSON.parse(String(edited.value))).toMatchObject({ phoneLineType: 'fixed-line', smsCapable: false, hasEmail: false });
  });

  it('publishes an event read after the erasure with no e-mail, its envelope as stored (unreadable for good)', async () => {
    const stream = toClientStreamName(clientId);
    await clients.handle(stream, { type: 'RegisterClient', data: { clientId, defaultCountry: 'PL', phone: '22 123 45 67', email: profile.email }, metadata });
    await keys.deleteKey('chain-1', clientId);
    const [recorded] = await store.readStream(stream);
    const [message] = await clientMessages(codec)(recorded);
    expect(JSON.parse(String(message.value))).toEqual({
      clientId,
      phoneLineType: 'fixed-line',
      smsCapable: false,
      hasEmail: false,
      initialConsent: {},
      registeredAt: at,
      pii: (recorded.data as { pii: PiiEnvelopeV1 }).pii,
    });
  });

  it('publishes nothing for streams that are not client streams', async () => {
    const stream = toClientStreamName(clientId);
    await clients.handle(stream, { type: 'RegisterClient', data: { clientId, defaultCountry: 'PL', phone: '601 234 567' }, metadata });
    const [event] = await store.readStream(stream);
    expect(await clientMessages(codec)({ ...event, streamName: `phone-reservation-${clientId}` })).toEqual([]);
  });
});
