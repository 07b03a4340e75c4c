import { HEADERS } from '@salon/contracts';
import { RecordedEvent } from '@salon/shared/event-store';
import type { MessageHeaders } from './messaging-port';

/**
 * An event as it travels on Kafka. The value is the integration event's JSON (personal fields
 * still encrypted, read only by the context that owns them; other contexts get facts in clear),
 * the key is the client id.
 */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  /** null is a tombstone (compacted topics). */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** What a consumer reads back from a Kafka message: the headers decoded, the value parsed. */
export interface IncomingMessage<Data = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly tenantId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly streamRevision: bigint;
  /** null for a tombstone. */
  readonly data: Data | null;
}

/** The headers every integration event carries, taken from the stored event. */
export function headersOf(event: RecordedEvent, type: string = event.type): Record<string, string> {
  return {
    [HEADERS.eventId]: event.id,
    [HEADERS.eventType]: type,
    [HEADERS.schemaVersion]: String(event.metadata.schemaVersion),
    [HEADERS.tenantId]: event.metadata.tenantId,
    [HEADERS.correlationId]: event.metadata.correlationId,
    [HEADERS.causationId]: event.metadata.causationId,
    [HEADERS.streamRevision]: String(event.revision),
  };
}

/**
 * An integration event as a contract declares it (ClientIntegrationEventV1, VisitIntegrationEventV1,
 * ConsentIntegrationEventV1): `type` goes in the `event-type` header, `data` is the message value.
 * Each context maps its domain events to these in `relay/<context>-integration-events.ts`.
 */
export interface IntegrationEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** The Kafka message of an integration event mapped from a stored event: its data as JSON, the stored event's headers. */
export function integrationMessage(topic: string, key: string, event: IntegrationEvent, recorded: RecordedEvent): OutgoingMessage {
  return { topic, key, value: JSON.stringify(event.data), headers: headersOf(recorded, event.type) };
}

export function decodeMessage(
  topic: string,
  partition: number,
  message: { key: Buffer | null; value: Buffer | null; offset: string; headers?: MessageHeaders },
): IncomingMessage {
  return incomingMessage({
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? '',
    value: message.value?.toString() ?? null,
    header: (name) => {
      const value = message.headers?.[name];
      return Array.isArray(value) ? value[0]?.toString() : value?.toString();
    },
  });
}

/** The message a consumer would read, built without a broker (rebuilds): no partition or offset. */
export function toIncomingMessage(message: OutgoingMessage): IncomingMessage {
  return incomingMessage({
    topic: message.topic,
    partition: -1,
    offset: '-1',
    key: message.key,
    value: message.value,
    header: (name) => message.headers[name],
  });
}

function incomingMessage(source: {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string | null;
  header: (name: string) => string | undefined;
}): IncomingMessage {
  const where = `${source.topic}/${source.partition}@${source.offset}`;
  const header = (name: string): string => {
    const text = source.header(name);
    if (text === undefined) throw new UndecodableMessageError(`Message ${where} has no "${name}" header`);
    return text;
  };
  return {
    topic: source.topic,
    partition: source.partition,
    offset: source.offset,
    key: source.key,
    eventId: header(HEADERS.eventId),
    eventType: header(HEADERS.eventType),
    schemaVersion: parseSchemaVersion(header(HEADERS.schemaVersion), where),
    tenantId: header(HEADERS.tenantId),
    correlationId: header(HEADERS.correlationId),
    causationId: header(HEADERS.causationId),
    streamRevision: parseStreamRevision(header(HEADERS.streamRevision), where),
    data: source.value === null ? null : parseValue(source.value, where),
  };
}

/**
 * A Kafka message that cannot be read as an integration event (bad JSON, a missing or malformed
 * header). Its text names the message and what is wrong, never the value: JSON.parse's own
 * message quotes the data, which may be personal.
 */
export class UndecodableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndecodableMessageError';
  }
}

function parseValue(value: string, where: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new UndecodableMessageError(`Message ${where}: the value is not JSON (${Buffer.byteLength(value)} bytes)`);
  }
}

function parseStreamRevision(text: string, where: string): bigint {
  if (!/^\d+$/.test(text)) throw new UndecodableMessageError(`Message ${where}: "${HEADERS.streamRevision}" is not a revision`);
  return BigInt(text);
}

function parseSchemaVersion(text: string, where: string): number {
  const version = Number(text);
  if (!Number.isInteger(version) || version < 0) {
    throw new UndecodableMessageError(`Message ${where}: "${HEADERS.schemaVersion}" is not a version number`);
  }
  return version;
}
