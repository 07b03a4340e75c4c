import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MEDIA_EVENT_TYPES_V1, TOPICS } from '@salon/contracts';
import { ClientPhotosCommand, ClientPhotosEvent, clientPhotosDecider } from '@salon/media/domain';
import { toMediaIntegrationEvent } from './photo-integration-events';

/** Keeps libs/media/feature/asyncapi.yaml true to the code. */
type Schema = { required?: string[]; properties?: Record<string, Schema> };
const document = parse(readFileSync(join(__dirname, '../../../asyncapi.yaml'), 'utf8')) as {
  channels: Record<string, { subscribe: { message: { oneOf: { $ref: string }[] } } }>;
  components: { messages: Record<string, { name: string; payload: Schema }> };
};

/** Every media event, as the decider records it, with every optional field present. */
function everyEvent(): ClientPhotosEvent[] {
  const clientId = 'c-1';
  const metadata = { tenantId: 't', correlationId: 'c', causationId: 'c', now: new Date('2025-06-15T10:00:00Z') };
  const stored = (photoId: string) => ({ clientId, photoId, format: 'jpeg', sizes: [256, 1024], byteLength: 1, original: { contentType: 'image/jpeg', extension: 'jpg' } });
  const commands: ClientPhotosCommand[] = [
    { type: 'RecordStoredPhoto', data: stored('p-1'), metadata },
    { type: 'RecordStoredPhoto', data: stored('p-2'), metadata },
    { type: 'DiscardPhoto', data: { clientId }, metadata },
    { type: 'EraseClientPhotos', data: { clientId, because: 'erased' }, metadata },
  ];
  let state = clientPhotosDecider.initialState();
  const events: ClientPhotosEvent[] = [];
  for (const command of commands) {
    const decided = clientPhotosDecider.decide(command, state);
    events.push(...decided);
    state = decided.reduce(clientPhotosDecider.evolve, state);
  }
  return events;
}

describe('the media AsyncAPI document', () => {
  it('describes the topic and every event type published on it', () => {
    const channel = document.channels[TOPICS.photoEvents.name];
    expect(channel).toBeDefined();
    const names = channel.subscribe.message.oneOf.map((message) => document.components.messages[message.$ref.split('/').pop() as string].name);
    expect(names.sort()).toEqual([...MEDIA_EVENT_TYPES_V1].sort());
  });

  it('lists each payload field the relay publishes, and requires those always present', () => {
    const published = new Map<string, Set<string>>();
    const always = new Map<string, Set<string>>();
    for (const event of everyEvent().map(toMediaIntegrationEvent)) {
      const fields = Object.keys(event.data);
      published.set(event.type, new Set([...(published.get(event.type) ?? []), ...fields]));
      const previous = always.get(event.type);
      always.set(event.type, new Set(previous ? fields.filter((field) => previous.has(field)) : fields));
    }
    expect([...published.keys()].sort()).toEqual([...MEDIA_EVENT_TYPES_V1].sort());
    for (const [type, fields] of published) {
      const payload = document.components.messages[type].payload;
      expect([type, Object.keys(payload.properties ?? {}).sort()]).toEqual([type, [...fields].sort()]);
      expect([type, [...(payload.required ?? [])].sort()]).toEqual([type, [...(always.get(type) ?? [])].sort()]);
    }
  });
});
