import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@salon/contracts';
import { ConsentCommand, consentDecider, toConsentStreamName } from '@salon/consent/domain';
import { CommandHandler } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { asyncApiMessageChecker, asyncApiMessageNames } from '@salon/shared/testing';
import { consentEventCodec, consentMessages } from './consent-integration-events';

/**
 * The messages the consent relay really produces on both topics (from events recorded in an event
 * store) are what libs/contracts/asyncapi/consent.asyncapi.yaml says: key, every header and
 * nothing else, payload; the state topic's last message of a closed record is a tombstone.
 */
describe('the consent relay, against consent.asyncapi.yaml', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'consent-asyncapi-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every documented message on both topics, each as documented', async () => {
    const codec = consentEventCodec();
    const consent = new CommandHandler(store, consentDecider, codec);
    const clientId = randomUUID();
    const now = new Date();
    const metadata = { tenantId: 'chain-1', correlationId: randomUUID(), causationId: randomUUID(), actorId: 'desk-1', salonId: 'salon-1', now };
    const evidence = { documentRef: 'FORM-1', consentTextVersion: 'v3', signedAt: new Date(now.getTime() - 60_000).toISOString(), collectedBy: 'desk-1', salonId: 'salon-1' };
    const commands: ConsentCommand[] = [
      { type: 'ApplyRegistrationChoices', data: { clientId, smsCapable: true, hasEmail: true }, metadata },
      { type: 'WithdrawConsent', data: { clientId, permission: 'notifications', source: 'client-request' }, metadata },
      { type: 'GrantConsent', data: { clientId, permission: 'notifications', source: 'front-desk' }, metadata },
      { type: 'GrantMarketingConsent', data: { clientId, permission: 'newsletter', evidence, source: 'front-desk' }, metadata },
      { type: 'GrantMarketingConsent', data: { clientId, permission: 'marketingSms', evidence, source: 'front-desk' }, metadata },
      { type: 'WithdrawAllMarketing', data: { clientId, source: 'client-request' }, metadata },
      { type: 'NotePhoneLineChange', data: { clientId, smsCapable: false }, metadata },
      { type: 'CloseConsent', data: { clientId, reason: 'erased' }, metadata },
    ];
    for (const command of commands) await consent.handle(toConsentStreamName(clientId), command);

    const toMessages = consentMessages(store, codec);
    const messages = (await Promise.all((await store.readAll()).map(toMessages))).flat();
    const check = asyncApiMessageChecker('consent.asyncapi.yaml');
    expect(messages.flatMap(check)).toEqual([]);
    const events = messages.filter((message) => message.topic === TOPICS.consentEvents.name);
    expect([...new Set(events.map((message) => message.headers['event-type']))].sort()).toEqual(
      asyncApiMessageNames('consent.asyncapi.yaml', TOPICS.consentEvents.name).sort(),
    );
    const states = messages.filter((message) => message.topic === TOPICS.consentState.name);
    expect(states.map((message) => message.value === null)).toEqual([...events.slice(1).map(() => false), true]);
    expect(asyncApiMessageNames('consent.asyncapi.yaml', TOPICS.consentState.name)).toEqual(['ConsentState', 'ConsentStateTombstone']);
  });
});
