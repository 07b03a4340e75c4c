import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AsyncApiDocument, breakingChanges, compatibilityVerdict } from './asyncapi-compatibility';
import { ASYNCAPI_DIRECTORY } from './asyncapi-documents';

type Json = Record<string, unknown>;

const HEADERS: Json = {
  type: 'object',
  required: ['event-type', 'schema-version'],
  properties: { 'event-type': { type: 'string', const: 'ThingBooked' }, 'schema-version': { type: 'string', const: '1' } },
};
const PAYLOAD: Json = {
  type: 'object',
  required: ['thingId', 'kind', 'at'],
  properties: {
    thingId: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['a', 'b'] },
    at: { type: 'string', format: 'date-time' },
    note: { type: 'string' },
    owner: { anyOf: [{ $ref: '#/components/schemas/Owner' }, { type: 'null' }] },
  },
};
const OWNER: Json = { type: 'object', required: ['ownerId'], properties: { ownerId: { type: 'string' } } };

interface Parts {
  readonly version?: string;
  readonly topic?: string;
  readonly partitions?: number;
  readonly headers?: Json;
  readonly payload?: Json;
  readonly owner?: Json;
  /** More messages on the topic, by name, with their payloads. */
  readonly more?: Record<string, Json>;
  /** More channels (id → address and one message of that payload). */
  readonly channels?: Record<string, { address: string; payload: Json }>;
  readonly withoutTopic?: boolean;
}

/** A document shaped as asyncapi-documents.ts writes them: one topic `things.thing-events.v1`, message ThingBooked. */
function documentWith(parts: Parts = {}): AsyncApiDocument {
  const message = (name: string, payload: Json, headers: Json = HEADERS) => ({
    name,
    contentType: 'application/json',
    headers,
    payload,
    bindings: { kafka: { key: { type: 'string', format: 'uuid' } } },
  });
  const messages: Json = { ThingBooked: message('ThingBooked', { $ref: '#/components/schemas/ThingBooked' }, parts.headers) };
  for (const [name, payload] of Object.entries(parts.more ?? {})) messages[name] = message(name, payload);
  const channels: Json = {};
  if (!parts.withoutTopic) {
    channels['thingEvents'] = {
      address: parts.topic ?? 'things.thing-events.v1',
      messages: Object.fromEntries(Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }])),
      bindings: { kafka: { partitions: parts.partitions ?? 6, topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': -1 } } },
    };
  }
  for (const [id, channel] of Object.entries(parts.channels ?? {})) {
    messages[`${id}Message`] = message(`${id}Message`, channel.payload);
    channels[id] = { address: channel.address, messages: { [`${id}Message`]: { $ref: `#/components/messages/${id}Message` } }, bindings: { kafka: { partitions: 6 } } };
  }
  return {
    info: { version: parts.version ?? '1.0.0' },
    channels: channels as AsyncApiDocument['channels'],
    components: { messages, schemas: { ThingBooked: parts.payload ?? PAYLOAD, Owner: parts.owner ?? OWNER } },
  };
}

const committed = documentWith();
const withProperties = (properties: Json, required = PAYLOAD['required']) => ({ ...PAYLOAD, required, properties });
const properties = PAYLOAD['properties'] as Json;
const { note: _note, ...withoutNote } = properties;
const WHERE = 'things.thing-events.v1 ThingBooked';

describe('breaking changes of an AsyncAPI document', () => {
  it('finds none between a document and itself', () => {
    expect(breakingChanges(committed, committed)).toEqual([]);
    expect(compatibilityVerdict(committed, committed)).toEqual({ ok: true, breaks: [] });
  });

  it.each([
    ['a new optional field', documentWith({ payload: withProperties({ ...properties, extra: { type: 'integer' } }) })],
    ['a new optional field in a nested object', documentWith({ owner: { ...OWNER, properties: { ...(OWNER['properties'] as Json), since: { type: 'string' } } } })],
    ['a new message on the topic (a consumer skips an event-type it does not handle)', documentWith({ more: { ThingCancelled: { type: 'object', properties: {} } } })],
    ['a new topic', documentWith({ channels: { otherEvents: { address: 'things.other-events.v1', payload: { type: 'object' } } } })],
    ['new words', documentWith({ payload: { ...PAYLOAD, description: 'A thing was booked.' } })],
  ])('finds none in %s', (_case, changed) => {
    expect(breakingChanges(committed, changed)).toEqual([]);
  });

  it.each([
    ['a field removed', documentWith({ payload: withProperties(withoutNote) }), `${WHERE} payload.note: removed (messages on the topic carry it)`],
    ['a field made required', documentWith({ payload: withProperties(properties, ['thingId', 'kind', 'at', 'note']) }), `${WHERE} payload.note: now required (messages already on the topic may lack it)`],
    [
      'a new required field',
      documentWith({ payload: withProperties({ ...properties, code: { type: 'string' } }, ['thingId', 'kind', 'at', 'code']) }),
      `${WHERE} payload.code: new and required (messages already on the topic lack it)`,
    ],
    ['a field no longer always there', documentWith({ payload: withProperties(properties, ['thingId', 'kind']) }), `${WHERE} payload.at: no longer always present`],
    ['a changed type', documentWith({ payload: withProperties({ ...properties, note: { type: 'integer' } }) }), `${WHERE} payload.note: type string became integer`],
    ['a field made nullable', documentWith({ payload: withProperties({ ...properties, note: { type: ['string', 'null'] } }) }), `${WHERE} payload.note: type string became null or string`],
    [
      'null no longer possible (an anyOf of a schema and null)',
      documentWith({ payload: withProperties({ ...properties, owner: { $ref: '#/components/schemas/Owner' } }) }),
      `${WHERE} payload.owner: type null or object became object`,
    ],
    ['an enum value removed', documentWith({ payload: withProperties({ ...properties, kind: { type: 'string', enum: ['a'] } }) }), `${WHERE} payload.kind: ["b"] no longer listed (messages on the topic carry them)`],
    [
      'an enum value added (a consumer handles every value)',
      documentWith({ payload: withProperties({ ...properties, kind: { type: 'string', enum: ['a', 'b', 'c'] } }) }),
      `${WHERE} payload.kind: may now be ["c"] (a consumer handles every value it is given)`,
    ],
    ['a format changed', documentWith({ payload: withProperties({ ...properties, at: { type: 'string', format: 'date' } }) }), `${WHERE} payload.at: format "date-time" became "date"`],
    ['a bound added', documentWith({ payload: withProperties({ ...properties, note: { type: 'string', maxLength: 100 } }) }), `${WHERE} payload.note: maxLength none became 100`],
    ['a field removed in a referenced schema', documentWith({ owner: { type: 'object', properties: {} } }), `${WHERE} payload.owner.ownerId: removed (messages on the topic carry it)`],
    [
      'a new schema version in the header of the same topic',
      documentWith({ headers: { ...HEADERS, properties: { ...(HEADERS['properties'] as Json), 'schema-version': { type: 'string', const: '2' } } } }),
      `${WHERE} headers.schema-version: fixed value "1" became "2"`,
    ],
    ['a header removed', documentWith({ headers: { ...HEADERS, required: ['event-type'], properties: { 'event-type': { type: 'string', const: 'ThingBooked' } } } }), `${WHERE} headers.schema-version: removed (messages on the topic carry it)`],
    ['fewer partitions', documentWith({ partitions: 3 }), 'things.thing-events.v1: partitions 6 became 3 (a key may move to another partition, so its order is lost)'],
    ['a topic removed', documentWith({ withoutTopic: true }), 'things.thing-events.v1: topic removed'],
    ['a topic renamed to v2 in place', documentWith({ topic: 'things.thing-events.v2' }), 'things.thing-events.v1: topic removed'],
  ])('finds %s', (_case, changed, expected) => {
    expect(breakingChanges(committed, changed)).toContain(expected);
  });

  it('finds a message removed from a topic that stays', () => {
    const before = documentWith({ more: { ThingCancelled: { type: 'object' } } });
    expect(breakingChanges(before, committed)).toEqual(['things.thing-events.v1 ThingCancelled: no longer published (messages on the topic carry it)']);
  });

  it('takes a change a consumer could not read on a new topic, the old one kept as it was', () => {
    const v2 = documentWith({ channels: { thingEventsV2: { address: 'things.thing-events.v2', payload: { type: 'object', required: ['code'], properties: { code: { type: 'integer' } } } } } });
    expect(compatibilityVerdict(committed, v2)).toEqual({ ok: true, breaks: [] });
  });

  it('lets a topic be retired only with a new major version of its document', () => {
    const retired = documentWith({ withoutTopic: true });
    expect(compatibilityVerdict(committed, retired).ok).toBe(false);
    expect(compatibilityVerdict(committed, { ...retired, info: { version: '1.1.0' } }).ok).toBe(false);
    expect(compatibilityVerdict(committed, { ...retired, info: { version: '2.0.0' } })).toEqual({ ok: true, breaks: ['things.thing-events.v1: topic removed'] });
  });

  it('never lets a topic that stays change incompatibly, whatever the version', () => {
    const changed = documentWith({ version: '2.0.0', payload: withProperties(withoutNote) });
    expect(compatibilityVerdict(committed, changed)).toEqual({ ok: false, breaks: [`${WHERE} payload.note: removed (messages on the topic carry it)`] });
  });
});

describe('the checker on the committed documents of libs/contracts/asyncapi', () => {
  const documents = Object.fromEntries(
    readdirSync(ASYNCAPI_DIRECTORY)
      .filter((file) => file.endsWith('.asyncapi.yaml'))
      .map((file) => [file, parse(readFileSync(join(ASYNCAPI_DIRECTORY, file), 'utf8')) as AsyncApiDocument]),
  );

  it.each(Object.keys(documents))('finds no break between %s and itself', (file) => {
    expect(breakingChanges(documents[file], documents[file])).toEqual([]);
  });

  it('finds a fact removed from a client event and a consent source added, through their references', () => {
    const clients = structuredClone(documents['clients.asyncapi.yaml']) as { components: { schemas: Record<string, { properties: Record<string, unknown>; enum?: string[] }> } };
    delete clients.components.schemas['ClientRegistered'].properties['smsCapable'];
    expect(breakingChanges(documents['clients.asyncapi.yaml'], clients as AsyncApiDocument)).toContain(
      'clients.client-events.v1 ClientRegistered payload.smsCapable: removed (messages on the topic carry it)',
    );
    const consent = structuredClone(documents['consent.asyncapi.yaml']) as { components: { schemas: Record<string, { enum?: string[] }> } };
    consent.components.schemas['ConsentSourceV1'].enum?.push('kiosk');
    expect(breakingChanges(documents['consent.asyncapi.yaml'], consent as AsyncApiDocument).some((line) => line.endsWith('may now be ["kiosk"] (a consumer handles every value it is given)'))).toBe(true);
  });
});
