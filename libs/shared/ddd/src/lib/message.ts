/**
 * Messages are plain, readonly, JSON-serialisable objects (no classes): they cross process
 * boundaries (event store, Kafka) and must mean the same thing on the other side.
 */

/** Who asked, for which chain, and which request this belongs to. Travels with every event. */
export interface MessageMetadata {
  /** The salon chain. Always taken from the authenticated token, never from a request body. */
  readonly tenantId: string;
  /** Groups every message caused by one original request. */
  readonly correlationId: string;
  /** The id of the message (or request) that directly caused this one. */
  readonly causationId: string;
  /** The authenticated user (staff member or system actor) that issued the command. */
  readonly actorId?: string;
  /** The salon (location of the chain) where the action happened, when known. */
  readonly salonId?: string;
}

export interface CommandMetadata extends MessageMetadata {
  /** The moment the command is handled. Passed in so deciders stay deterministic. */
  readonly now: Date;
  /**
   * The caller's idempotency key (HTTP `Idempotency-Key`). A command handled twice with the
   * same id records its events once; the second call answers like the first.
   */
  readonly commandId?: string;
}

export type Command<Type extends string = string, Data = unknown> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  metadata: CommandMetadata;
}>;

export type Event<Type extends string = string, Data = unknown> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export type AnyEvent = Event<string, unknown>;
export type AnyCommand = Command<string, unknown>;
