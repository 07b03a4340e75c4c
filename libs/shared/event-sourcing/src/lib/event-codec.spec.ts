import { EventCatalog, Event } from '@salon/shared/ddd';
import { RecordedEvent, START } from '@salon/shared/event-store';
import { guestCatalog } from '../testing/guest-book';
import { EventCodec } from './event-codec';

type Noted = Event<'Noted', { id: string; text: string }>;
const notes: EventCatalog<Noted> = { Noted: { schemaVersion: 1 } };
const metadata = { tenantId: 'chain-1', correlationId: 'c', causationId: 'c' };

describe('EventCodec.withoutPersonalData', () => {
  it('writes and reads events that hold no personal data, with no key store', async () => {
    const codec = EventCodec.withoutPersonalData(notes);
    const event: Noted = { type: 'Noted', data: { id: 'n-1', text: 'hello' } };
    const stored = await codec.encode(event, 'note-n-1', 'e-1', metadata);
    const recorded: RecordedEvent = { ...stored, streamName: 'note-n-1', revision: 0n, position: START, createdAt: new Date() };
    expect(stored.data).toEqual(event.data);
    expect(await codec.decode(recorded)).toEqual(event);
  });

  it('refuses a catalog that declares personal fields', () => {
    expect(() => EventCodec.withoutPersonalData(guestCatalog)).toThrow('need a codec with a cipher: GuestSignedIn');
  });

  it('refuses to read a stored event that carries an encrypted envelope', async () => {
    const recorded: RecordedEvent = {
      id: 'e-1',
      type: 'Noted',
      data: { id: 'n-1', pii: { v: 1, subject: 'n-1', iv: '', tag: '', data: '' } },
      metadata: { ...metadata, schemaVersion: 1 },
      streamName: 'note-n-1',
      revision: 0n,
      position: START,
      createdAt: new Date(),
    };
    await expect(EventCodec.withoutPersonalData(notes).decode(recorded)).rejects.toThrow('"Noted" holds personal data, and this codec has no cipher');
  });
});
