import { MEDIA_EVENT_TYPES_V1, MediaIntegrationEventV1, TOPICS } from '@salon/contracts';
import { CLIENT_PHOTOS_STREAM_PREFIXES, ClientPhotosEvent, clientIdOfPhotosStream, clientPhotosEventCatalog } from '@salon/media/domain';
import { assertNever } from '@salon/shared/ddd';
import { EventCodec } from '@salon/shared/event-sourcing';
import { RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, integrationMessage } from '@salon/shared/messaging';

export { CLIENT_PHOTOS_STREAM_PREFIXES };

const PUBLISHED = new Set<string>(MEDIA_EVENT_TYPES_V1);

/** Photo events hold ids, formats, sizes and times only: a codec without a key store. */
export function clientPhotosEventCodec(): EventCodec<ClientPhotosEvent> {
  return EventCodec.withoutPersonalData(clientPhotosEventCatalog);
}

/**
 * The media context's mapping from its domain events to `media.photo-events.v1` (a new domain
 * event does not compile until it is mapped here). The domain's events are the contract's
 * shapes, so each is published as recorded.
 */
export function toMediaIntegrationEvent(event: ClientPhotosEvent): MediaIntegrationEventV1 {
  switch (event.type) {
    case 'ClientPhotoStored':
      return { type: event.type, data: event.data };
    case 'ClientPhotoDiscarded':
      return { type: event.type, data: event.data };
    case 'ClientPhotosErased':
      return { type: event.type, data: event.data };
    default:
      return assertNever(event);
  }
}

/** The relay's mapping of one stored event to its message (key = client id, the usual headers). */
export function mediaMessages(
  codec: EventCodec<ClientPhotosEvent>,
  topic: string = TOPICS.photoEvents.name,
): (event: RecordedEvent) => Promise<OutgoingMessage[]> {
  return async (event) => {
    if (!event.streamName.startsWith(CLIENT_PHOTOS_STREAM_PREFIXES[0]) || !PUBLISHED.has(event.type)) return [];
    const clientId = clientIdOfPhotosStream(event.streamName);
    return [integrationMessage(topic, clientId, toMediaIntegrationEvent(await codec.decode(event)), event)];
  };
}
