import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLIENT_EVENT_TYPES_V1, CLIENT_FIELDS_ADDED_TO_V1, INITIAL_CONSENT_CHOICES_V1, PHONE_LINE_TYPES_V1, TOPICS } from '@salon/contracts';
import { toClientIntegrationEvent } from './client-integration-events';
import { MINIMAL_PROFILE, everyClientEvent } from './test/every-client-event';

/** Keeps libs/clients/feature/asyncapi.yaml true to the relay's mapping. */
type Schema = { required?: string[]; properties?: Record<string, Schema>; allOf?: Schema[]; enum?: string[]; $ref?: string; description?: string };
const document = parse(readFileSync(join(__dirname, '../../../asyncapi.yaml'), 'utf8')) as {
  channels: Record<string, { subscribe: { message: { oneOf: { $ref: string }[] } } }>;
  components: { messages: Record<string, { name: string; payload: Schema }>; schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  return document.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
}

/** The top-level fields of a payload: `allOf` parts merged. */
function fieldsOf(schema: Schema): { properties: Record<string, Schema>; required: string[] } {
  const parts = (schema.allOf ?? [schema]).map(resolve);
  return {
    properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
    required: parts.flatMap((part) => part.required ?? []).sort(),
  };
}

const sealed = { pii: { v: 1 as const, subject: 'c', iv: 'aQ==', tag: 'dA==', data: 'ZA==' } };

describe('clients asyncapi.yaml', () => {
  it('names the clients topic and lists every event published on it', () => {
    expect(Object.keys(document.channels)).toEqual([TOPICS.clientEvents.name]);
    const refs = document.channels[TOPICS.clientEvents.name].subscribe.message.oneOf.map((ref) => ref.$ref.split('/').pop());
    expect(refs).toEqual([...CLIENT_EVENT_TYPES_V1]);
    expect(Object.keys(document.components.messages).sort()).toEqual([...CLIENT_EVENT_TYPES_V1].sort());
  });

  it('describes every field the relay publishes, and requires those every message has', () => {
    const full = Object.values(everyClientEvent()).map((event) => toClientIntegrationEvent(event, sealed));
    const minimal = Object.values(everyClientEvent(MINIMAL_PROFILE)).map((event) => toClientIntegrationEvent(event, {}));
    for (const [index, published] of full.entries()) {
      const { properties, required } = fieldsOf(document.components.messages[published.type].payload);
      expect({ type: published.type, fields: Object.keys(published.data).sort() }).toEqual({ type: published.type, fields: Object.keys(properties).sort() });
      const always = Object.keys(minimal[index].data).filter((field) => !(CLIENT_FIELDS_ADDED_TO_V1 as readonly string[]).includes(field));
      expect({ type: published.type, required }).toEqual({ type: published.type, required: always.sort() });
    }
  });

  it('requires no field added to v1 later, and says what its absence means', () => {
    const facts = document.components.schemas['ContactFacts'];
    for (const field of CLIENT_FIELDS_ADDED_TO_V1) {
      expect(facts.required).not.toContain(field);
      expect(facts.properties?.[field].description).toMatch(/^Added in 1\.1\.0\..*Absent on older messages/s);
    }
  });

  it('describes written marketing consent of an import field by field, optional and added later', () => {
    const schema = document.components.schemas['RegistrationMarketingConsent'];
    const published = toClientIntegrationEvent(everyClientEvent().ClientRegistered, sealed).data as { marketingConsent?: object };
    expect(Object.keys(published.marketingConsent ?? {}).sort()).toEqual(Object.keys(schema.properties ?? {}).sort());
    expect(schema.description).toMatch(/^Added in 1\.2\.0, optional/);
    expect(schema.properties?.['permissions']).toMatchObject({ items: { enum: ['newsletter', 'marketingSms'] } });
  });

  it('names the line types and the consent boxes of the contract', () => {
    expect(document.components.schemas['PhoneLineType'].enum).toEqual([...PHONE_LINE_TYPES_V1]);
    expect(Object.keys(document.components.schemas['InitialConsentChoices'].properties ?? {})).toEqual([...INITIAL_CONSENT_CHOICES_V1]);
  });
});
