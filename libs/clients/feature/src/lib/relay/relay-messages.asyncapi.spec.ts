import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@salon/contracts';
import { ClientEvent, toClientStreamName } from '@salon/clients/domain';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { asyncApiMessageChecker, asyncApiMessageNames } from '@salon/shared/testing';
import { clientEventCodec, clientMessages } from './client-integration-events';
import { CLIENT_ID, FULL_PROFILE, MINIMAL_PROFILE, everyClientEvent } from './test/every-client-event';

/**
 * The messages the clients relay really produces (from events encoded and recorded in an event
 * store, personal fields encrypted) are what libs/contracts/asyncapi/clients.asyncapi.yaml says:
 * key, every header and nothing else, payload with `pii` as an envelope of base64 bytes.
 */
describe('the clients relay, against clients.asyncapi.yaml', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clients-asyncapi-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['every field filled in', FULL_PROFILE],
    ['the smallest profile', MINIMAL_PROFILE],
  ])('publishes every documented message, each as documented (%s)', async (_, profile) => {
    const codec = clientEventCodec(new PersonalDataCipher(new InMemoryKeyStore()));
    const stream = toClientStreamName(CLIENT_ID);
    const metadata = { tenantId: 'chain-1', correlationId: randomUUID(), causationId: randomUUID(), actorId: 'desk-1' };
    // A visit id is a UUID on the wire (the visits service makes them); the fixture's is a name.
    const events = Object.values(everyClientEvent(profile)).map((event) =>
      event.type === 'ClientVisitNoted' ? ({ ...event, data: { ...event.data, visitId: randomUUID() } } as ClientEvent) : event,
    );
    const encoded = await Promise.all(events.map((event) => codec.encode(event, stream, randomUUID(), metadata)));
    await store.appendToStream(stream, encoded, { expectedRevision: 'no_stream' });

    const toMessages = clientMessages(codec);
    const messages = (await Promise.all((await store.readAll()).map(toMessages))).flat();
    const check = asyncApiMessageChecker('clients.asyncapi.yaml');
    expect(messages.flatMap(check)).toEqual([]);
    expect(messages.map((message) => message.headers['event-type']).sort()).toEqual(
      asyncApiMessageNames('clients.asyncapi.yaml', TOPICS.clientEvents.name).sort(),
    );
    if (profile === FULL_PROFILE) {
      const registered = JSON.parse(messages.find((message) => message.headers['event-type'] === 'ClientRegistered')?.value ?? '{}') as Record<string, unknown>;
      expect(JSON.stringify(registered)).not.toContain(FULL_PROFILE.lastName);
      expect(registered['pii']).toMatchObject({ v: 1, subject: CLIENT_ID });
    }
  });
});
