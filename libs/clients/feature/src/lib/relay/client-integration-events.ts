import { CLIENT_EVENT_TYPES_V1, ClientEventTypeV1, TOPICS } from '@salon/contracts';
import { clientIdOfStream } from '@salon/clients/domain';
import { RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, headersOf } from '@salon/shared/messaging';

/** The streams the clients relay reads: client streams only (not phone reservations, not counters). */
export const CLIENT_STREAM_PREFIXES = ['client-'] as const;

type StoredData = Record<string, unknown>;

/**
 * Which stored fields each public event exposes. Anything not listed stays private to the
 * context (e.g. the visit count on ClientErased), so the domain can change without breaking
 * consumers. `pii` is the encrypted envelope and passes through as it is.
 */
const PUBLIC_FIELDS: Record<ClientEventTypeV1, readonly string[]> = {
  ClientRegistered: ['clientId', 'phoneLineType', 'smsCapable', 'secondPhoneLineType', 'initialConsent', 'registeredAt', 'pii'],
  ClientProfileEdited: ['clientId', 'phoneLineType', 'smsCapable', 'secondPhoneLineType', 'editedAt', 'pii'],
  ClientDiscountsSet: ['clientId', 'productDiscountPercent', 'serviceDiscountPercent', 'setAt'],
  ClientPhotoSet: ['clientId', 'setAt', 'pii'],
  ClientPhotoRemoved: ['clientId', 'removedAt'],
  ClientVisitNoted: ['clientId', 'visitId', 'notedAt'],
  ClientDeleted: ['clientId', 'deletedAt'],
  ClientErased: ['clientId', 'archivedNumber', 'erasedAt'],
};

const PUBLISHED = new Set<string>(CLIENT_EVENT_TYPES_V1);

/**
 * The relay's mapping from stored client events to `clients.client-events.v1` messages
 * (`topic` is that name, with the environment's prefix if any).
 */
export const toClientIntegrationMessages =
  (topic: string = TOPICS.clientEvents.name) =>
  (event: RecordedEvent): OutgoingMessage[] => {
  if (!event.streamName.startsWith(CLIENT_STREAM_PREFIXES[0]) || !PUBLISHED.has(event.type)) return [];
  const data = event.data as StoredData;
  const fields = PUBLIC_FIELDS[event.type as ClientEventTypeV1];
  const value = Object.fromEntries(fields.filter((field) => data[field] !== undefined).map((field) => [field, data[field]]));
  return [
    {
      topic,
      key: clientIdOfStream(event.streamName),
      value: JSON.stringify(value),
      headers: headersOf(event),
    },
  ];
};
