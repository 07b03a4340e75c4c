import { EventSerialisationError } from './errors';
import { EventToAppend } from './event-store.port';

export interface SerialisedEvent {
  readonly data: string;
  readonly metadata: string;
}

/**
 * The JSON text of an event's data and metadata, or an EventSerialisationError. Both adapters
 * call it before the store sees the event: the EventStoreDB client serialises inside a promise
 * executor, where a throw (a BigInt, a cycle) is an unhandled rejection and the append never
 * settles; the embedded store would fail half-way through a batch.
 */
export function serialiseEvent(streamName: string, event: EventToAppend): SerialisedEvent {
  return { data: toJson(streamName, event, 'data'), metadata: toJson(streamName, event, 'metadata') };
}

function toJson(streamName: string, event: EventToAppend, part: 'data' | 'metadata'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(event[part]);
  } catch (error) {
    // The serialiser's reasons name types and property paths, never values.
    throw new EventSerialisationError(streamName, event.id, event.type, part, error instanceof Error ? error.message : String(error));
  }
  if (text === undefined) throw new EventSerialisationError(streamName, event.id, event.type, part, `${typeof event[part]} is not a JSON value`);
  return text;
}
