import {
  CONSENT_EVENT_TYPES_V1,
  CONSENT_STATE_EVENT_TYPE_V1,
  ConsentIntegrationEventV1,
  ConsentStateV1,
  HEADERS,
  TOPICS,
} from '@salon/contracts';
import { ConsentEvent, ConsentState, clientIdOfConsentStream, consentDecider, toConsentState } from '@salon/consent/domain';
import { EventCodec, stateAfterEvent } from '@salon/shared/event-sourcing';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, headersOf } from '@salon/shared/messaging';

/** The streams the consent relay reads. */
export const CONSENT_STREAM_PREFIXES = ['consent-'] as const;

const PUBLISHED = new Set<string>(CONSENT_EVENT_TYPES_V1);

/** The contract is a restatement of the domain's types: the compiler keeps the two equal. */
export function toConsentEventV1(event: ConsentEvent): ConsentIntegrationEventV1 {
  return event;
}

export function toConsentStateV1(state: ConsentState): ConsentStateV1 | null {
  return toConsentState(state);
}

export interface ConsentTopics {
  readonly events: string;
  readonly state: string;
}

/**
 * The relay's mapping of one stored consent event to two messages: the event itself on
 * `consent.consent-events.v1`, and the client's whole consent after it on the compacted
 * `consent.consent-state.v1` (null value, a tombstone, once the record is closed). The state
 * is the one right after that event (see stateAfterEvent), so the last message per key is
 * always the latest state.
 */
export function consentMessages(
  store: EventStore,
  codec: EventCodec<ConsentEvent>,
  topics: ConsentTopics = { events: TOPICS.consentEvents.name, state: TOPICS.consentState.name },
): (event: RecordedEvent) => Promise<OutgoingMessage[]> {
  const stateAfter = stateAfterEvent(store, consentDecider, codec);

  return async (event) => {
    if (!event.streamName.startsWith(CONSENT_STREAM_PREFIXES[0]) || !PUBLISHED.has(event.type)) return [];
    const clientId = clientIdOfConsentStream(event.streamName);
    const decoded = await codec.decode(event);
    const published = toConsentStateV1(await stateAfter(event, decoded));
    return [
      { topic: topics.events, key: clientId, value: JSON.stringify(toConsentEventV1(decoded).data), headers: headersOf(event) },
      {
        topic: topics.state,
        key: clientId,
        value: published === null ? null : JSON.stringify(published),
        headers: { ...headersOf(event, CONSENT_STATE_EVENT_TYPE_V1), [HEADERS.schemaVersion]: '1' },
      },
    ];
  };
}
