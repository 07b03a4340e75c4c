import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@salon/contracts';
import { ClientPhotosCommand, clientPhotosDecider, toClientPhotosStreamName } from '@salon/media/domain';
import { CommandHandler } from '@salon/shared/event-sourcing';
import { SqliteEventStore } from '@salon/shared/event-store';
import { asyncApiMessageChecker, asyncApiMessageNames } from '@salon/shared/testing';
import { clientPhotosEventCodec, mediaMessages } from './photo-integration-events';

/**
 * The messages the media relay really produces (from events recorded in an event store) are what
 * libs/contracts/asyncapi/media.asyncapi.yaml says: key, every header and nothing else, payload.
 */
describe('the media relay, against media.asyncapi.yaml', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'media-asyncapi-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every documented message, each as documented', async () => {
    const codec = clientPhotosEventCodec();
    const photos = new CommandHandler(store, clientPhotosDecider, codec);
    const clientId = randomUUID();
    const metadata = { tenantId: 'chain-1', correlationId: randomUUID(), causationId: randomUUID(), actorId: 'desk-1', now: new Date() };
    const stored = (photoId: string) => ({ clientId, photoId, format: 'jpeg', sizes: [256, 1024], byteLength: 1, original: { contentType: 'image/jpeg', extension: 'jpg' } });
    const commands: ClientPhotosCommand[] = [
      { type: 'RecordStoredPhoto', data: stored(randomUUID()), metadata },
      { type: 'RecordStoredPhoto', data: stored(randomUUID()), metadata },
      { type: 'DiscardPhoto', data: { clientId }, metadata },
      { type: 'EraseClientPhotos', data: { clientId, because: 'erased' }, metadata },
    ];
    for (const command of commands) await photos.handle(toClientPhotosStreamName(clientId), command);

    const toMessages = mediaMessages(codec);
    const messages = (await Promise.all((await store.readAll()).map(toMessages))).flat();
    const check = asyncApiMessageChecker('media.asyncapi.yaml');
    expect(messages.flatMap(check)).toEqual([]);
    expect([...new Set(messages.map((message) => message.headers['event-type']))].sort()).toEqual(
      asyncApiMessageNames('media.asyncapi.yaml', TOPICS.photoEvents.name).sort(),
    );
  });
});
