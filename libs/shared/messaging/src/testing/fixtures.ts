import { randomUUID } from 'node:crypto';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, headersOf } from '../lib/integration-message';
import { Projection, ReadModelDocument } from '../lib/projection';

/** The relay mapping used by the fault tests: one message per event, keyed by stream. */
export function toTestMessages(topic: string) {
  return (event: RecordedEvent): OutgoingMessage[] => [
    { topic, key: event.streamName, value: JSON.stringify(event.data), headers: headersOf(event) },
  ];
}

/**
 * Appends `streams × perStream` events, interleaved across streams (round-robin) so that
 * every relay batch mixes many keys, like real traffic. A round's appends are issued at once, in
 * stream order: the embedded store commits them in groups in that order (one fsync per group, not
 * per event), so $all holds the same order as appending one after the other.
 */
export async function appendInterleaved(store: EventStore, prefix: string, streams: number, perStream: number): Promise<void> {
  for (let n = 0; n < perStream; n++) {
    await Promise.all(
      Array.from({ length: streams }, (_, s) =>
        store.appendToStream(
          `${prefix}${s}`,
          [
            {
              id: randomUUID(),
              type: 'CounterIncremented',
              data: { stream: s, n, amount: (s % 7) + n },
              metadata: { tenantId: `tenant-${s % 3}`, correlationId: randomUUID(), causationId: randomUUID(), schemaVersion: 1 },
            },
          ],
          { expectedRevision: n === 0 ? 'no_stream' : BigInt(n - 1) },
        ),
      ),
    );
  }
}

interface CounterDocument extends ReadModelDocument {
  tenantId: string;
  lastN: number;
  events: number;
  total: number;
}

/** A projection with one document per stream: how many events, their total, the last n. */
export function counterProjection(name: string, topic: string): Projection<CounterDocument> {
  return {
    name,
    topics: [topic],
    collections: [`${name}_counters`],
    canHandle: (message) => message.topic === topic,
    documentId: (message) => message.key,
    evolve(document, message) {
      const data = message.data as { n: number; amount: number };
      return {
        _id: message.key,
        tenantId: message.tenantId,
        lastN: data.n,
        events: (document?.events ?? 0) + 1,
        total: (document?.total ?? 0) + data.amount,
      };
    },
  };
}
