import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONSENT_EVENT_TYPES_V1, INITIAL_CONSENT_CHOICES_V1, TOPICS } from '@salon/contracts';
import {
  CONSENT_PERMISSIONS,
  CONSENT_SOURCES,
  CONTACT_CHANNELS,
  CONTACT_PURPOSES,
  CONTACT_REASONS,
  ConsentCommand,
  ConsentEvent,
  ConsentState,
  consentDecider,
  toConsentState,
} from '@salon/consent/domain';

/** Keeps libs/consent/feature/asyncapi.yaml true to the code. */
type Schema = { required?: string[]; properties?: Record<string, Schema>; allOf?: Schema[]; enum?: string[]; $ref?: string };
const document = parse(readFileSync(join(__dirname, '../../../asyncapi.yaml'), 'utf8')) as {
  channels: Record<string, { subscribe: { message: { $ref?: string; oneOf?: { $ref: string }[] } } }>;
  components: { messages: Record<string, { name: string; payload: Schema & { oneOf?: Schema[] } }>; schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  return document.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
}

/** The top-level fields of a payload: `allOf` parts merged. */
function fieldsOf(schema: Schema): { properties: string[]; required: string[] } {
  const parts = (schema.allOf ?? [schema]).map(resolve);
  return {
    properties: parts.flatMap((part) => Object.keys(part.properties ?? {})).sort(),
    required: parts.flatMap((part) => part.required ?? []).sort(),
  };
}

/** A history that records every consent event type once at least. */
function everyEvent(): { events: ConsentEvent[]; marketingOn: ConsentState } {
  const clientId = 'c-1';
  const metadata = { tenantId: 't', correlationId: 'c', causationId: 'c', actorId: 'staff-1', salonId: 'salon-1', now: new Date('2025-06-15T10:00:00Z') };
  const evidence = { documentRef: 'FORM-1', consentTextVersion: 'v3', signedAt: '2025-06-15T09:00:00Z', collectedBy: 'staff-1', salonId: 'salon-1' };
  const commands: ConsentCommand[] = [
    { type: 'ApplyRegistrationChoices', data: { clientId, smsCapable: true, hasEmail: true }, metadata },
    { type: 'WithdrawConsent', data: { clientId, permission: 'notifications', source: 'client-request' }, metadata },
    { type: 'GrantConsent', data: { clientId, permission: 'notifications', source: 'front-desk' }, metadata },
    { type: 'GrantMarketingConsent', data: { clientId, permission: 'newsletter', evidence, source: 'front-desk' }, metadata },
    { type: 'GrantMarketingConsent', data: { clientId, permission: 'marketingSms', evidence, source: 'front-desk' }, metadata },
    { type: 'WithdrawAllMarketing', data: { clientId, source: 'client-request' }, metadata },
    { type: 'NotePhoneLineChange', data: { clientId, smsCapable: false }, metadata },
    { type: 'CloseConsent', data: { clientId, reason: 'erased' }, metadata },
  ];
  let state = consentDecider.initialState();
  let marketingOn = state;
  const events: ConsentEvent[] = [];
  for (const command of commands) {
    const decided = consentDecider.decide(command, state);
    events.push(...decided);
    state = decided.reduce(consentDecider.evolve, state);
    if (command.type === 'GrantMarketingConsent') marketingOn = state;
  }
  return { events, marketingOn };
}

describe('asyncapi.yaml', () => {
  it('names the two consent topics', () => {
    expect(Object.keys(document.channels).sort()).toEqual([TOPICS.consentEvents.name, TOPICS.consentState.name].sort());
  });

  it('lists every consent event on the events topic', () => {
    const refs = document.channels[TOPICS.consentEvents.name].subscribe.message.oneOf?.map((ref) => ref.$ref.split('/').pop());
    expect(refs).toEqual([...CONSENT_EVENT_TYPES_V1]);
  });

  it('describes the fields of every event as the domain records them', () => {
    const { events } = everyEvent();
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(CONSENT_EVENT_TYPES_V1));
    for (const event of events) {
      const { properties, required } = fieldsOf(document.components.messages[event.type].payload);
      const fields = Object.keys(event.data).sort();
      expect({ type: event.type, fields }).toEqual({ type: event.type, fields: properties });
      expect({ type: event.type, missing: required.filter((field) => !fields.includes(field)) }).toEqual({ type: event.type, missing: [] });
    }
  });

  it('describes the consent state as toConsentState publishes it', () => {
    const { marketingOn } = everyEvent();
    const published = toConsentState(marketingOn);
    const schema = document.components.schemas['ConsentState'];
    expect(Object.keys(published ?? {}).sort()).toEqual(Object.keys(schema.properties ?? {}).sort());
    expect([...(schema.required ?? [])].sort()).toEqual(Object.keys(published ?? {}).sort());
    expect(Object.keys(schema.properties?.['permissions'].properties ?? {})).toEqual([...CONTACT_PURPOSES]);
    expect(Object.keys(document.components.schemas['ChannelAnswers'].properties ?? {})).toEqual([...CONTACT_CHANNELS]);
    expect(document.components.schemas['ContactAnswer'].properties?.['reason'].enum).toEqual([...CONTACT_REASONS]);
    expect(document.components.schemas['Permission'].enum).toEqual([...CONSENT_PERMISSIONS]);
    expect(document.components.schemas['ChangeOrigin'].properties?.['source'].enum).toEqual([...CONSENT_SOURCES]);
  });

  it('describes the grant of an imported registration\'s written marketing consent as any other grant', () => {
    const metadata = { tenantId: 't', correlationId: 'c', causationId: 'c', now: new Date('2025-06-15T10:00:00Z') };
    const marketingConsent = {
      source: 'import' as const,
      permissions: ['newsletter', 'marketingSms'] as const,
      documentRef: 'ZG-1',
      signedAt: '2025-06-15T09:00:00Z',
      collectedBy: 'staff-1',
      salonId: 'salon-1',
    };
    const events = consentDecider.decide(
      { type: 'ApplyRegistrationChoices', data: { clientId: 'c-1', smsCapable: false, hasEmail: true, marketingConsent }, metadata },
      consentDecider.initialState(),
    );
    expect(events.map((event) => event.type)).toEqual(['RegistrationConsentApplied', 'MarketingConsentGranted']);
    const [registration, grant] = events;
    const granted = fieldsOf(document.components.messages['MarketingConsentGranted'].payload);
    expect(Object.keys(grant.data).sort()).toEqual(granted.properties);
    const evidence = document.components.messages['MarketingConsentGranted'].payload.allOf?.map(resolve).find((part) => part.properties?.['evidence'])
      ?.properties?.['evidence'];
    expect(Object.keys((grant.data as { evidence: object }).evidence).sort()).toEqual(
      Object.keys(evidence?.properties ?? {}).filter((field) => field !== 'consentTextVersion').sort(),
    );
    expect(document.components.schemas['ChangeOrigin'].properties?.['source'].enum).toContain((grant.data as { source: string }).source);
    const notApplied = document.components.messages['RegistrationConsentApplied'].payload.allOf?.map(resolve).find((part) => part.properties?.['notApplied'])
      ?.properties?.['notApplied'] as Schema & { items?: Schema };
    expect(resolve(notApplied.items?.properties?.['permission'] ?? {}).enum).toContain(
      (registration.data as unknown as { notApplied: { permission: string }[] }).notApplied[0].permission,
    );
  });

  it('names the boxes of the registration form as the contract defines them', () => {
    expect(Object.keys(document.components.schemas['InitialConsentChoices'].properties ?? {})).toEqual([...INITIAL_CONSENT_CHOICES_V1]);
    const registration = document.components.messages['RegistrationConsentApplied'].payload.allOf ?? [];
    expect(registration.map(resolve).find((part) => part.properties?.['choices'])?.properties?.['choices'].$ref).toBe('#/components/schemas/InitialConsentChoices');
  });
});
