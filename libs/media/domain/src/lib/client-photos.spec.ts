import { CommandMetadata, specificationFor } from '@salon/shared/ddd';
import { ClientPhotosCommand, ClientPhotosEvent, clientIdOfPhotosStream, clientPhotosDecider, toClientPhotosStreamName } from './client-photos';
import { clientPrefix, originalKey, photoPrefix, renditionKey } from './photo-keys';

const spec = specificationFor(clientPhotosDecider);
const clientId = 'c-1';
const now = new Date('2025-06-15T10:00:00.000Z');
const at = now.toISOString();
const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'corr-1', causationId: 'cause-1', now };
const photo = (photoId: string) => ({ photoId, format: 'jpeg', sizes: [256, 1024], byteLength: 1234, original: { contentType: 'image/jpeg', extension: 'jpg' } });
const record = (photoId: string): ClientPhotosCommand => ({ type: 'RecordStoredPhoto', data: { clientId, ...photo(photoId) }, metadata });
const discard: ClientPhotosCommand = { type: 'DiscardPhoto', data: { clientId }, metadata };
const erase = (because: 'erased' | 'deleted'): ClientPhotosCommand => ({ type: 'EraseClientPhotos', data: { clientId, because }, metadata });
const stored = (photoId: string, replacedPhotoId?: string): ClientPhotosEvent => ({
  type: 'ClientPhotoStored',
  data: { clientId, ...photo(photoId), ...(replacedPhotoId ? { replacedPhotoId } : {}), storedAt: at },
});
const discarded = (photoId: string): ClientPhotosEvent => ({ type: 'ClientPhotoDiscarded', data: { clientId, photoId, discardedAt: at } });
const erased: ClientPhotosEvent = { type: 'ClientPhotosErased', data: { clientId, because: 'erased', erasedAt: at } };

describe('a client\'s photos', () => {
  it('stores a first photo, and a second one replacing it', () => {
    spec.given([]).when(record('p-1')).then([stored('p-1')]);
    spec.given([stored('p-1')]).when(record('p-2')).then([stored('p-2', 'p-1')]);
  });

  it('records a retried upload of the same photo once', () => {
    spec.given([stored('p-1')]).when(record('p-1')).then([]);
  });

  it('discards the current photo, and nothing when there is none', () => {
    spec.given([stored('p-1'), stored('p-2', 'p-1')]).when(discard).then([discarded('p-2')]);
    spec.given([]).when(discard).then([]);
    spec.given([stored('p-1'), discarded('p-1')]).when(discard).then([]);
  });

  it('erases once, whatever the photos; a redelivery or a later deletion records nothing', () => {
    spec.given([stored('p-1')]).when(erase('erased')).then([erased]);
    spec.given([]).when(erase('deleted')).then([{ type: 'ClientPhotosErased', data: { clientId, because: 'deleted', erasedAt: at } }]);
    spec.given([stored('p-1'), erased]).when(erase('erased')).then([]);
    spec.given([erased]).when(erase('deleted')).then([]);
  });

  it('refuses a photo for an erased client as for one nobody has', () => {
    expect(spec.given([erased]).when(record('p-9')).thenThrows('client-not-found').kind).toBe('not-found');
    spec.given([erased]).when(discard).thenThrows('client-not-found');
  });

  it('names streams and object keys by ids only', () => {
    expect(clientIdOfPhotosStream(toClientPhotosStreamName('c-1'))).toBe('c-1');
    expect(toClientPhotosStreamName('c-1').startsWith('client-')).toBe(false);
    expect(() => clientIdOfPhotosStream('client-c-1')).toThrow('not a client-photos stream');
    expect(clientPrefix('chain-1', 'c-1')).toBe('tenant/chain-1/client/c-1/');
    expect(photoPrefix('chain-1', 'c-1', 'p-1')).toBe('tenant/chain-1/client/c-1/photo/p-1/');
    expect(originalKey('chain-1', 'c-1', 'p-1', 'png')).toBe('tenant/chain-1/client/c-1/photo/p-1/original.png');
    expect(renditionKey('chain-1', 'c-1', 'p-1', 256)).toBe('tenant/chain-1/client/c-1/photo/p-1/256.webp');
    for (const bad of ['../c-2', 'a/b', '', '..']) expect(() => clientPrefix('chain-1', bad)).toThrow('not an id');
  });
});
