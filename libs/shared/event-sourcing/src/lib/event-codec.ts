import { PII_PROPERTY, PersonalDataCipher } from '@salon/shared/crypto';
import { AnyEvent, EventCatalog, EventTypeDefinition, MessageMetadata } from '@salon/shared/ddd';
import { EventToAppend, RecordedEvent } from '@salon/shared/event-store';

export type { EventCatalog, EventTypeDefinition };

/** Marks events whose personal fields can no longer be read because the client was erased. */
export interface ErasedMarker {
  readonly piiErased?: true;
}

/**
 * Translates between a context's domain events and what the event store keeps: personal
 * fields encrypted per subject, the schema version in the metadata, old versions upcast on read.
 */
export class EventCodec<Evt extends AnyEvent> {
  constructor(
    private readonly catalog: EventCatalog<Evt>,
    /** null: the events hold no personal data (see withoutPersonalData). */
    private readonly cipher: PersonalDataCipher | null,
    /** Whose personal data an event holds (the client id); the key that encrypts it. */
    private readonly subjectOf: (streamName: string) => string,
  ) {}

  /**
   * The codec of a context whose events hold no personal data: it has no key store, so whoever
   * holds it can read no one's personal data. A catalog that declares personal fields is refused
   * here, and a stored event that carries an encrypted envelope does not decode.
   */
  static withoutPersonalData<Evt extends AnyEvent>(catalog: EventCatalog<Evt>): EventCodec<Evt> {
    const definitions = Object.entries(catalog as Record<string, EventTypeDefinition<unknown>>);
    const personal = definitions.filter(([, definition]) => definition.personalFields?.length).map(([type]) => type);
    if (personal.length > 0) throw new Error(`Events with personal fields need a codec with a cipher: ${personal.join(', ')}`);
    return new EventCodec(catalog, null, (streamName) => streamName);
  }

  /** `newStream`: the event opens a stream that did not exist, so its subject most likely has no key yet. */
  async encode(event: Evt, streamName: string, id: string, metadata: MessageMetadata, options: { readonly newStream?: boolean } = {}): Promise<EventToAppend> {
    const definition = this.definition(event.type);
    const data = definition.personalFields?.length
      ? await this.requireCipher(event.type).encrypt(
          metadata.tenantId,
          this.subjectOf(streamName),
          event.data as Record<string, unknown>,
          [...(definition.personalFields as readonly string[])],
          { newSubject: options.newStream === true },
        )
      : event.data;
    return {
      id,
      type: event.type,
      data,
      metadata: { ...withoutUndefined(metadata), schemaVersion: definition.schemaVersion },
    };
  }

  async decode(recorded: RecordedEvent): Promise<Evt> {
    const definition = this.definition(recorded.type);
    const stored = recorded.data as Record<string, unknown>;
    const clear =
      this.cipher === null && !(PII_PROPERTY in stored)
        ? stored
        : await this.requireCipher(recorded.type).decrypt(recorded.metadata.tenantId, stored, {
            expectedSubjectId: this.subjectOf(recorded.streamName),
          });
    let data = { ...clear } as Record<string, unknown>;
    for (let version = recorded.metadata.schemaVersion ?? 1; version < definition.schemaVersion; version++) {
      const upcast = definition.upcasters?.[version];
      if (!upcast) throw new Error(`No upcaster for ${recorded.type} from schema version ${version}`);
      data = upcast(data);
    }
    return { type: recorded.type, data } as unknown as Evt;
  }

  private requireCipher(type: string): PersonalDataCipher {
    if (this.cipher === null) throw new Error(`"${type}" holds personal data, and this codec has no cipher to read or write it`);
    return this.cipher;
  }

  private definition(type: string): EventTypeDefinition<unknown> {
    const definition = (this.catalog as Record<string, EventTypeDefinition<unknown>>)[type];
    if (!definition) throw new Error(`Unknown event type "${type}"`);
    return definition;
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
