import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The published AsyncAPI documents (generated from the contract types by `npm run asyncapi:generate`). */
export const ASYNCAPI_DOCUMENTS_DIRECTORY = join(__dirname, '../../../../contracts/asyncapi');

/** A Kafka message as a relay hands it to the producer (OutgoingMessage of @salon/shared/messaging). */
export interface MessageOnTheWire {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

type Schema = Record<string, unknown>;
interface AsyncApiMessage {
  readonly name: string;
  readonly headers: Schema;
  readonly payload: Schema;
  readonly bindings: { readonly kafka: { readonly key: Schema } };
}
interface AsyncApiDocument {
  readonly channels: Record<string, { readonly address: string; readonly messages: Record<string, { readonly $ref: string }> }>;
  readonly components: { readonly messages: Record<string, AsyncApiMessage>; readonly schemas: Record<string, Schema> };
}

/**
 * Checks real messages against what an AsyncAPI document of libs/contracts/asyncapi says of them:
 * the message of the channel whose address is the topic, named by the `event-type` header (a null
 * value: the channel's message whose payload is null, a tombstone), its key, headers and payload
 * validated as JSON Schema. Answers the problems, [] when the message is as documented.
 */
export function asyncApiMessageChecker(documentFile: string): (message: MessageOnTheWire) => string[] {
  const document = parse(readFileSync(join(ASYNCAPI_DOCUMENTS_DIRECTORY, documentFile), 'utf8')) as AsyncApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Closed for the check: a field the relay publishes must be documented (a reader is told to
  // accept fields it does not know, which is why the documents themselves leave objects open).
  ajv.addSchema({ $id: 'asyncapi', components: { schemas: closed(document.components.schemas) } });
  const rebased = (schema: Schema): Schema => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"asyncapi#/components/')) as Schema;
  const validators = new Map<string, ReturnType<Ajv['compile']>>();
  const validatorOf = (id: string, schema: Schema) => {
    if (!validators.has(id)) validators.set(id, ajv.compile(rebased(schema)));
    return validators.get(id) as ReturnType<Ajv['compile']>;
  };
  return (message) => {
    const channel = Object.values(document.channels).find((candidate) => candidate.address === message.topic);
    if (!channel) return [`${documentFile} has no channel for topic ${message.topic}`];
    const names = Object.values(channel.messages).map((ref) => ref.$ref.split('/').pop() as string);
    const candidates = names.map((name) => document.components.messages[name]);
    // A channel of one message (the dead letters') has it for every message; else the event-type header (or a tombstone) names it.
    const documented =
      candidates.length === 1
        ? candidates[0]
        : message.value === null
        ? candidates.find((candidate) => candidate.payload['type'] === 'null')
        : candidates.find((candidate) => (candidate.headers['properties'] as Record<string, Schema>)['event-type']?.['const'] === message.headers['event-type'] && candidate.payload['type'] !== 'null');
    if (!documented) return [`${message.topic}: no documented message for event-type ${message.headers['event-type']}${message.value === null ? ' (tombstone)' : ''}`];
    const problems: string[] = [];
    const check = (part: string, schema: Schema, value: unknown) => {
      const validate = validatorOf(`${documented.name}/${part}`, schema);
      if (!validate(value)) problems.push(...(validate.errors ?? []).map((error) => `${documented.name} ${part}${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`));
    };
    check('key', documented.bindings.kafka.key, message.key);
    check('headers', { ...documented.headers, additionalProperties: false }, message.headers);
    // A payload documented as anything (a dead letter's: the source's bytes as they were) need not be JSON.
    const unconstrained = Object.keys(documented.payload).every((keyword) => keyword === 'description');
    if (!unconstrained) {
      const value = message.value === null ? null : parsedJson(message.value);
      if (value === undefined) problems.push(`${documented.name} payload is not JSON`);
      else check('payload', closed(documented.payload) as Schema, value);
    }
    return problems;
  };
}

/** The names of the messages a document declares on the channel of a topic. */
export function asyncApiMessageNames(documentFile: string, topic: string): string[] {
  const document = parse(readFileSync(join(ASYNCAPI_DOCUMENTS_DIRECTORY, documentFile), 'utf8')) as AsyncApiDocument;
  const channel = Object.values(document.channels).find((candidate) => candidate.address === topic);
  return Object.keys(channel?.messages ?? {});
}

/** The schema with every object that lists its properties closed to others. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)])) as Schema;
  if (node['type'] === 'object' && node['properties'] && !('additionalProperties' in node)) node['additionalProperties'] = false;
  return node;
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
