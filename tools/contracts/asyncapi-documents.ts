import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { stringify } from 'yaml';
import {
  CLIENT_EVENT_TYPES_V1,
  CLIENT_FIELDS_ADDED_TO_V1,
  CONSENT_EVENT_TYPES_V1,
  CONSENT_STATE_EVENT_TYPE_V1,
  DEAD_LETTER_HEADERS,
  HEADERS,
  MEDIA_EVENT_TYPES_V1,
  TOPICS,
  TopicDefinition,
  VISIT_EVENT_TYPES_V1,
} from '@salon/contracts';

/**
 * The AsyncAPI 3.0 documents of every Kafka topic, built from the contract itself: payload schemas
 * are generated from the TypeScript types of libs/contracts (ts-json-schema-generator, their doc
 * comments becoming descriptions), topics, partitions and topic configuration come from TOPICS,
 * header names from HEADERS and DEAD_LETTER_HEADERS. What the types cannot say (delivery
 * guarantees, what the key is, how personal fields travel) is written once here.
 *
 * `npm run asyncapi:generate` writes them to libs/contracts/asyncapi/; asyncapi-documents.spec.ts
 * fails when the committed files differ from what this builds (a contract type changed without its
 * document) or when the AsyncAPI parser finds them invalid.
 */

export const ASYNCAPI_DIRECTORY = join(__dirname, '../../libs/contracts/asyncapi');
const CONTRACTS_ENTRY = join(__dirname, '../../libs/contracts/src/index.ts');
const TSCONFIG = join(__dirname, '../../tsconfig.base.json');

type Schema = Record<string, unknown>;

/** Kafka bindings: https://github.com/asyncapi/bindings/tree/master/kafka */
const KAFKA_BINDING_VERSION = '0.5.0';

const DELIVERY = [
  'Delivery: at least once. Each context relays its event store to Kafka from a stored checkpoint',
  '(no write to Kafka inside a request), with an idempotent producer (`idempotent: true`, one',
  'request in flight, acks from all in-sync replicas) and saves the checkpoint only after the broker',
  'acknowledged the batch; a relay restarted between the two sends that batch again. So a consumer',
  'must be idempotent: skip a message whose `event-id` it has applied, or whose `stream-revision` is',
  'not higher than the one it holds for that stream.',
  '',
  'Order: per key. The key is the client id, so all messages of one client are in one partition, in',
  'the order they were recorded; there is no order between clients.',
].join('\n');

const TOPIC_PREFIX = 'Topic names are given without the environment\'s `KAFKA_TOPIC_PREFIX` (empty in production).';

const CLIENT_ID_KEY: Schema = {
  type: 'string',
  format: 'uuid',
  description: 'The client id (a UUID): every message of one client has the same key, so one partition keeps their order.',
};

/** The headers of every integration event; `event-type` is fixed per message. */
function integrationHeaders(eventType: string, streamOf: string): Schema {
  return {
    type: 'object',
    required: Object.values(HEADERS),
    properties: {
      [HEADERS.eventId]: { type: 'string', description: 'The stored event\'s id (a UUID; deterministic for an idempotent command): the deduplication key.' },
      [HEADERS.eventType]: { type: 'string', const: eventType, description: 'Names the message (and so the payload schema).' },
      [HEADERS.schemaVersion]: {
        type: 'string',
        const: '1',
        description:
          'The schema version of the event as it was recorded (decimal). Every v1 message carries 1; a change a v1 consumer could not read is a new `.v2` topic, not a new value here.',
      },
      [HEADERS.tenantId]: { type: 'string', description: 'The salon chain (tenant) the event belongs to. Never personal data.' },
      [HEADERS.correlationId]: { type: 'string', description: 'The id of the request or job that caused it, end to end.' },
      [HEADERS.causationId]: { type: 'string', description: 'The id of the command or message that caused it directly.' },
      [HEADERS.streamRevision]: {
        type: 'string',
        pattern: '^[0-9]+$',
        description: `The revision (decimal, from 0) of the ${streamOf} stream that recorded the event: drop a message whose revision is not higher than the one you hold.`,
      },
    },
  };
}

interface MessageSpec {
  readonly name: string;
  /** A schema name in components.schemas (generated from the contracts), or a literal payload schema. */
  readonly payload: string | Schema;
  readonly headers: Schema;
  readonly key: Schema;
  readonly summary?: string;
  readonly description?: string;
}

interface ChannelSpec {
  readonly id: string;
  readonly topic: TopicDefinition;
  readonly description: string;
  readonly messages: readonly MessageSpec[];
  /** What the owning service does on it (AsyncAPI 3 operations are the application's own). */
  readonly operation: { readonly id: string; readonly action: 'send' | 'receive'; readonly summary: string };
}

interface DocumentSpec {
  readonly file: string;
  readonly title: string;
  readonly version: string;
  readonly description: string;
  /** Contract types whose generated schemas go to components.schemas, under their own names. */
  readonly types: readonly string[];
  /** Event maps (`{ [eventType]: payload }`): each property becomes components.schemas[eventType]. */
  readonly eventMaps: readonly string[];
  /**
   * Fields of the event payloads added to v1 after messages without them were published: never
   * required, whatever the type says (a reader meets the older messages too).
   */
  readonly addedToV1?: readonly string[];
  readonly channels: readonly ChannelSpec[];
}

function eventMessages(types: readonly string[], streamOf: string): MessageSpec[] {
  return types.map((type) => ({ name: type, payload: type, headers: integrationHeaders(type, streamOf), key: CLIENT_ID_KEY }));
}

function documentSpecs(): DocumentSpec[] {
  return [
    {
      file: 'clients.asyncapi.yaml',
      title: 'Clients context events',
      version: '1.2.1',
      description: [
        'The clients context publishes every change of a client profile.',
        '',
        'Personal data: the personal fields of a profile (phone, second phone, e-mail, first, last name and',
        'patronymic, birth date, gender, comment, the photo reference, a legal hold\'s case reference) never',
        'travel in clear. They are inside `pii` (PiiEnvelopeV1): one JSON object encrypted with AES-256-GCM',
        'under the client\'s own data key, `iv`, `tag` and `data` base64, `subject` the client id. Only the',
        'clients context holds the keys and reads it; once the client is erased the key is deleted and every',
        'copy of the envelope, on this topic and elsewhere, is unreadable (crypto-shredding). What other',
        'contexts act on travels in clear as facts (`smsCapable`, `phoneLineType`, `secondPhoneLineType`,',
        '`hasEmail`, `initialConsent`, `marketingConsent`), never the values.',
        '',
        'Fields added to v1 later (`hasEmail` in 1.1.0, `marketingConsent` in 1.2.0) are optional to a',
        'reader: the topic is read from the beginning, older messages lack them (CLIENT_FIELDS_ADDED_TO_V1).',
        '',
        TOPIC_PREFIX,
        '',
        DELIVERY,
      ].join('\n'),
      types: ['PiiEnvelopeV1'],
      eventMaps: ['ClientEventsV1'],
      addedToV1: CLIENT_FIELDS_ADDED_TO_V1,
      channels: [
        {
          id: 'clientEvents',
          topic: TOPICS.clientEvents,
          description: `${TOPICS.clientEvents.description} Kept for ever; the \`event-type\` header names the event.`,
          messages: eventMessages(CLIENT_EVENT_TYPES_V1, "client's"),
          operation: { id: 'publishClientEvents', action: 'send', summary: 'The clients service\'s relay publishes every recorded client event.' },
        },
      ],
    },
    {
      file: 'visits.asyncapi.yaml',
      title: 'Visits context events',
      version: '1.0.0',
      description: [
        'The visits context publishes every change of a visit, each message with the whole visit after it',
        '(event-carried state, VisitSnapshotV1): a consumer never folds a visit\'s history, and resolves a',
        'redelivered or late message by `stream-revision` (the visit stream\'s) alone.',
        '',
        'Personal data: none. A visit names its client by id only; services and specialists by id and name',
        '(staff, not the client); amounts in the chain\'s currency, at most two decimals. The value of a',
        'message is the whole VisitEventV1 object, its `type` equal to the `event-type` header.',
        '',
        TOPIC_PREFIX,
        '',
        DELIVERY,
      ].join('\n'),
      types: ['VisitEventV1'],
      eventMaps: ['VisitEventsV1'],
      channels: [
        {
          id: 'visitEvents',
          topic: TOPICS.visitEvents,
          description: `${TOPICS.visitEvents.description} Kept for ever. Key = the visit's client id, so one client's visits keep their order.`,
          messages: eventMessages(VISIT_EVENT_TYPES_V1, "visit's"),
          operation: { id: 'publishVisitEvents', action: 'send', summary: 'The visits service\'s relay publishes every recorded visit event.' },
        },
      ],
    },
    {
      file: 'consent.asyncapi.yaml',
      title: 'Consent context events and state',
      version: '1.0.0',
      description: [
        'What a client agreed to be contacted for, by which channel, with who changed it, when, where and',
        'through what. A sender (the notification service) consumes the compacted state topic; auditors',
        'and read models that want the history consume the events topic.',
        '',
        'Personal data: none on either topic: the client id, yes/no switches, whether the phone can take',
        'SMS, timestamps, staff and salon ids and references to signed consent documents.',
        '',
        TOPIC_PREFIX,
        '',
        DELIVERY,
      ].join('\n'),
      types: ['ConsentStateV1'],
      eventMaps: ['ConsentEventsV1'],
      channels: [
        {
          id: 'consentEvents',
          topic: TOPICS.consentEvents,
          description: `${TOPICS.consentEvents.description} Kept for ever; the \`event-type\` header names the event.`,
          messages: eventMessages(CONSENT_EVENT_TYPES_V1, "client's consent"),
          operation: { id: 'publishConsentEvents', action: 'send', summary: 'The consent service\'s relay publishes every recorded consent event.' },
        },
        {
          id: 'consentState',
          topic: TOPICS.consentState,
          description: [
            TOPICS.consentState.description,
            'After each consent event the relay publishes the client\'s complete current consent (ConsentStateV1),',
            'or a tombstone (null value) once the record is closed (the client was deleted or erased); compaction',
            'then keeps only the latest message per key and drops the key after the tombstone.',
            'To build a sender\'s table: read from the beginning with your own consumer group, keep the value',
            'with the highest `version` per key, delete the key on a tombstone, never send to a client you hold',
            'no value for. Decide from `permissions[purpose][channel].allowed`.',
          ].join(' '),
          messages: [
            {
              name: 'ConsentState',
              payload: 'ConsentStateV1',
              headers: integrationHeaders(CONSENT_STATE_EVENT_TYPE_V1, "client's consent"),
              key: CLIENT_ID_KEY,
              summary: 'The client\'s complete current consent.',
            },
            {
              name: 'ConsentStateTombstone',
              payload: { type: 'null', description: 'No value: the client was deleted or erased. Forget the key.' },
              headers: integrationHeaders(CONSENT_STATE_EVENT_TYPE_V1, "client's consent"),
              key: CLIENT_ID_KEY,
              summary: 'A tombstone: the client was deleted or erased; compaction removes the key.',
            },
          ],
          operation: {
            id: 'publishConsentState',
            action: 'send',
            summary: 'The consent service\'s relay publishes the state after every consent event, a tombstone once closed.',
          },
        },
      ],
    },
    {
      file: 'media.asyncapi.yaml',
      title: 'Media context events',
      version: '1.0.0',
      description: [
        'The lifecycle of client photos. Personal data: none; a photo is named by a random id (`photoId`,',
        'the `photoRef` the clients context keeps encrypted), never by anything of the person, and the image',
        'stays in the media store.',
        '',
        TOPIC_PREFIX,
        '',
        DELIVERY,
      ].join('\n'),
      types: [],
      eventMaps: ['MediaEventsV1'],
      channels: [
        {
          id: 'photoEvents',
          topic: TOPICS.photoEvents,
          description: `${TOPICS.photoEvents.description} Kept for ever; the \`event-type\` header names the event.`,
          messages: eventMessages(MEDIA_EVENT_TYPES_V1, "client's photos"),
          operation: { id: 'publishPhotoEvents', action: 'send', summary: 'The media service\'s relay publishes every recorded photo event.' },
        },
      ],
    },
    {
      file: 'dead-letters.asyncapi.yaml',
      title: 'Dead letters',
      version: '1.0.0',
      description: [
        'Messages a consumer group gave up on for a non-transient reason, kept for the operators (`npm run',
        'dead-letters` lists and replays them). A dead letter is the source message\'s own key, value and',
        'headers, byte for byte (personal data still encrypted, so erasure shreds these copies too), plus',
        'headers that say where it came from, which group gave up and why (never the data).',
        '',
        TOPIC_PREFIX,
        '',
        'Delivery: at least once, idempotent producer with acks from all in-sync replicas; one partition, so',
        'dead letters read in the order they were written. A replay re-publishes the source message on its',
        `source topic with a \`${DEAD_LETTER_HEADERS.replayOf}\` header.`,
      ].join('\n'),
      types: [],
      eventMaps: [],
      channels: [
        {
          id: 'deadLetters',
          topic: TOPICS.deadLetters,
          description: TOPICS.deadLetters.description,
          messages: [
            {
              name: 'DeadLetter',
              payload: {
                description:
                  'The source message\'s value, unchanged: usually one of the integration events of the other documents, but possibly bytes that were not one (reason `undecodable`), or null (a tombstone that failed).',
              },
              headers: deadLetterHeaders(),
              key: { type: ['string', 'null'], description: 'The source message\'s key, unchanged (a client id for every integration event).' },
              summary: 'A message a consumer group could not process, with why.',
            },
          ],
          operation: { id: 'publishDeadLetters', action: 'send', summary: 'Every consumer publishes here what it gives up on, then moves past it.' },
        },
      ],
    },
  ];
}

function deadLetterHeaders(): Schema {
  const described: Record<keyof typeof DEAD_LETTER_HEADERS, Schema> = {
    sourceTopic: { type: 'string', description: 'The topic the message was read from (with the environment\'s prefix).' },
    sourcePartition: { type: 'string', pattern: '^[0-9]+$' },
    sourceOffset: { type: 'string', pattern: '^[0-9]+$' },
    group: { type: 'string', description: 'The consumer group that gave up on it.' },
    reason: { type: 'string', enum: ['undecodable', 'rejected'], description: '`undecodable`: bad bytes or headers; `rejected`: the handler failed for good.' },
    error: { type: 'string', description: 'What went wrong, without the message\'s data.' },
    at: { type: 'string', format: 'date-time', description: 'When it was dead-lettered (ISO-8601 UTC).' },
    replayOf: { type: 'string', description: 'Only on a dead letter of a replayed message: the id (partition:offset) of the dead letter it was replayed from.' },
  };
  const names = Object.keys(DEAD_LETTER_HEADERS) as (keyof typeof DEAD_LETTER_HEADERS)[];
  // The source's own headers are kept as they were: those of an integration event, none of them
  // required and none checked (an undecodable message may lack any, or carry a malformed one).
  const source = integrationHeaders('', 'source') as { properties: Record<string, Schema> };
  const { [HEADERS.eventType]: _fixedPerMessage, ...sourceHeaders } = source.properties;
  const asSent = (schema: Schema): Schema => ({ type: 'string', description: `The source message's own, as it was. ${String(schema['description'] ?? '')}`.trim() });
  return {
    type: 'object',
    description: 'The source message\'s own headers, unchanged (those of an integration event, when it was one), and the dead-letter headers.',
    required: names.filter((name) => name !== 'replayOf').map((name) => DEAD_LETTER_HEADERS[name]),
    properties: {
      ...Object.fromEntries(Object.entries(sourceHeaders).map(([name, schema]) => [name, asSent(schema)])),
      [HEADERS.eventType]: asSent({ description: 'The event it was.' }),
      ...Object.fromEntries(names.map((name) => [DEAD_LETTER_HEADERS[name], described[name]])),
    },
  };
}

/**
 * What the JSON Schema of a TypeScript type cannot carry: a string named `...At` is an ISO-8601
 * date-time on every topic (the contracts say so in prose), an id of a client or visit is a UUID.
 */
function refine(schema: unknown, name?: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => refine(item));
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Schema;
  const refined: Schema = Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === 'properties' && value && typeof value === 'object') {
        return [key, Object.fromEntries(Object.entries(value as Schema).map(([property, child]) => [property, refine(child, property)]))];
      }
      if (key === '$ref' && typeof value === 'string') return [key, value.replace('#/definitions/', '#/components/schemas/')];
      return [key, refine(value)];
    }),
  );
  if (name && refined['type'] === 'string' && !('format' in refined) && !('const' in refined)) {
    if (/At$/.test(name)) refined['format'] = 'date-time';
    if (name === 'clientId' || name === 'visitId') refined['format'] = 'uuid';
  }
  return refined;
}

/** A payload schema as a reader meets it: the fields added to v1 later are not required. */
function withoutAddedFieldsRequired(schema: Schema, added: readonly string[]): Schema {
  const required = schema['required'];
  if (!Array.isArray(required) || !required.some((field) => added.includes(field as string))) return schema;
  return { ...schema, required: required.filter((field) => !added.includes(field as string)) };
}

type SchemaGenerator = ReturnType<typeof createGenerator>;

function generatedSchemas(generator: SchemaGenerator, spec: DocumentSpec): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  const add = (root: string): Schema => {
    const generated = generator.createSchema(root) as Schema & { definitions?: Record<string, Schema> };
    for (const [name, definition] of Object.entries(generated.definitions ?? {})) schemas[name] = refine(definition) as Schema;
    return generated;
  };
  for (const type of spec.types) {
    const { $schema: _draft, definitions: _shared, ...root } = add(type);
    schemas[type] = refine(root) as Schema;
  }
  for (const map of spec.eventMaps) {
    const generated = add(map);
    for (const [type, payload] of Object.entries(generated['properties'] as Record<string, Schema>)) schemas[type] = withoutAddedFieldsRequired(refine(payload) as Schema, spec.addedToV1 ?? []);
  }
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

function buildDocument(generator: SchemaGenerator, spec: DocumentSpec): Schema {
  const schemas = generatedSchemas(generator, spec);
  const channels: Schema = {};
  const operations: Schema = {};
  const messages: Schema = {};
  for (const channel of spec.channels) {
    const { topic } = channel;
    channels[channel.id] = {
      address: topic.name,
      description: channel.description,
      messages: Object.fromEntries(channel.messages.map((message) => [message.name, { $ref: `#/components/messages/${message.name}` }])),
      bindings: {
        kafka: {
          topic: topic.name,
          partitions: topic.partitions,
          topicConfiguration: topicConfiguration(topic),
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    operations[channel.operation.id] = {
      action: channel.operation.action,
      channel: { $ref: `#/channels/${channel.id}` },
      summary: channel.operation.summary,
      messages: channel.messages.map((message) => ({ $ref: `#/channels/${channel.id}/messages/${message.name}` })),
    };
    for (const message of channel.messages) {
      const payload = typeof message.payload === 'string' ? schemas[message.payload] : message.payload;
      if (!payload) throw new Error(`No schema generated for ${message.name} (${String(message.payload)})`);
      messages[message.name] = {
        name: message.name,
        ...(message.summary ? { summary: message.summary } : {}),
        ...(typeof message.payload === 'string' && typeof payload['description'] === 'string' ? { description: payload['description'] } : {}),
        contentType: 'application/json',
        headers: message.headers,
        payload: typeof message.payload === 'string' ? { $ref: `#/components/schemas/${message.payload}` } : message.payload,
        correlationId: { location: `$message.header#/${HEADERS.correlationId}` },
        bindings: { kafka: { key: message.key, bindingVersion: KAFKA_BINDING_VERSION } },
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: { title: spec.title, version: spec.version, description: spec.description },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages, schemas },
  };
}

/** The topic's own configuration as the Kafka binding names it (retention.ms -1: kept for ever). */
function topicConfiguration(topic: TopicDefinition): Schema {
  const config: Schema = {};
  for (const [key, value] of Object.entries(topic.config)) {
    if (key === 'cleanup.policy') config[key] = value.split(',');
    else if (key === 'retention.ms') config[key] = Number(value);
    else config['x-' + key] = value;
  }
  return config;
}

const HEADER_COMMENT = [
  '# GENERATED by `npm run asyncapi:generate` (tools/contracts/asyncapi-documents.ts) from the',
  '# contract types of libs/contracts. Do not edit: change the contract and regenerate;',
  '# tools/contracts/asyncapi-documents.spec.ts fails while this file and the contract differ.',
].join('\n');

/** Every document, as the YAML text to commit, by file name. */
export function buildAsyncApiDocuments(): Record<string, string> {
  const generator = createGenerator({
    path: CONTRACTS_ENTRY,
    tsconfig: TSCONFIG,
    type: '*',
    expose: 'export',
    topRef: false,
    jsDoc: 'extended',
    skipTypeCheck: true,
    // A consumer must accept fields added to v1 later (the versioning rule), so none is closed.
    additionalProperties: true,
  });
  return Object.fromEntries(
    documentSpecs().map((spec) => [spec.file, `${HEADER_COMMENT}\n${stringify(buildDocument(generator, spec), { lineWidth: 0, aliasDuplicateObjects: false })}`]),
  );
}
