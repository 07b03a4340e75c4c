import { AnyEvent } from './message';

type DataOf<Evt extends AnyEvent, Type extends Evt['type']> = Extract<Evt, { type: Type }>['data'];

/**
 * How one event type is stored. Declared by each domain (which knows its events), used by the
 * event codec (which encrypts and upcasts), so it lives here, below both.
 */
export interface EventTypeDefinition<Data> {
  /** The shape written today. Older stored shapes are upcast on read. */
  readonly schemaVersion: number;
  /** Fields with personal data: encrypted at rest with the subject's data key (crypto-shredding). */
  readonly personalFields?: readonly (keyof Data & string)[];
  /**
   * `upcasters[v]` turns data of version v into version v + 1. The old shapes are frozen in
   * the domain library next to the upcaster, with a fixture each.
   */
  readonly upcasters?: Readonly<Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>;
}

export type EventCatalog<Evt extends AnyEvent> = {
  readonly [Type in Evt['type']]: EventTypeDefinition<DataOf<Evt, Type>>;
};
