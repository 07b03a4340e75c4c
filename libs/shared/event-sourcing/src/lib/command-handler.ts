import { createHash, randomUUID } from 'node:crypto';
import { AnyCommand, AnyEvent, Decider, fold } from '@salon/shared/ddd';
import { EventStore, RecordedEvent, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { ConflictRetryPolicy, ORDINARY_STREAM, retryOnConflict } from './conflict-retry';
import { EventCodec } from './event-codec';

export interface CommandResult<State, Evt> {
  /** The events this command recorded ([] when it changed nothing). */
  readonly events: readonly Evt[];
  readonly state: State;
  /** The stream's revision after the command: the next `If-Match` / ETag. */
  readonly revision: bigint | undefined;
}

export interface HandleCommandOptions {
  /** The revision the caller saw (`If-Match`). A different current revision is a conflict. */
  readonly expectedRevision?: bigint;
  /** How a lost race is decided again when the caller named no revision (ORDINARY_STREAM unless said). */
  readonly conflictRetry?: ConflictRetryPolicy;
}

/**
 * The path of every command: read the stream, fold it, decide, append with the revision that
 * was read. A concurrent writer makes the append fail with WrongExpectedRevisionError (409),
 * so two decisions are never taken on the same state.
 */
export class CommandHandler<State, Cmd extends AnyCommand, Evt extends AnyEvent> {
  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<State, Cmd, Evt>,
    private readonly codec: EventCodec<Evt>,
  ) {}

  /** The current state of a stream of `tenantId`, and the events it came from; another tenant's stream reads as absent. */
  async load(streamName: string, tenantId: string): Promise<{ state: State; revision: bigint | undefined; history: readonly Evt[] }> {
    const { state, revision, history } = await this.read(streamName, tenantId);
    return { state, revision, history };
  }

  /**
   * When the caller named no revision, a concurrent append (e.g. a policy noting a visit) is not
   * their conflict: the command is decided again on the new state (`conflictRetry`). With
   * `expectedRevision` the conflict is the caller's to resolve (409).
   */
  async handle(streamName: string, command: Cmd, options: HandleCommandOptions = {}): Promise<CommandResult<State, Evt>> {
    if (options.expectedRevision !== undefined) return this.handleOnce(streamName, command, options);
    return retryOnConflict(() => this.handleOnce(streamName, command, options), options.conflictRetry ?? ORDINARY_STREAM);
  }

  private async handleOnce(streamName: string, command: Cmd, options: HandleCommandOptions): Promise<CommandResult<State, Evt>> {
    const { recorded, history, state, revision } = await this.read(streamName, command.metadata.tenantId);

    const retried = command.metadata.commandId && findRetry(recorded, streamName, command.metadata.commandId);
    if (retried) return { events: history.slice(retried.from, retried.from + retried.count), state, revision };

    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      throw new WrongExpectedRevisionError(streamName, options.expectedRevision, revision ?? 'no_stream');
    }
    const events = this.decider.decide(command, state);
    if (events.length === 0) return { events, state, revision };

    const ids = eventIdsFor(streamName, command.metadata.commandId, events.length);
    const toAppend = await Promise.all(
      events.map((event, index) => this.codec.encode(event, streamName, ids[index], command.metadata, { newStream: revision === undefined })),
    );
    const result = await this.store.appendToStream(streamName, toAppend, { expectedRevision: revision ?? 'no_stream' });
    return { events, state: events.reduce(this.decider.evolve, state), revision: result.nextExpectedRevision };
  }

  private async read(streamName: string, tenantId: string) {
    const stored = await this.store.readStream(streamName);
    // Ids are not secrets, but whether an id exists in another chain is: another chain's stream
    // reads as a missing one, so every answer (the domain's own "no such client/visit/record")
    // is exactly the one for an unknown id. Nothing is ever appended to it: the append expects
    // no stream and fails.
    const recorded = stored.length > 0 && stored[0].metadata.tenantId !== tenantId ? [] : stored;
    const history = await Promise.all(recorded.map((event) => this.codec.decode(event)));
    return {
      recorded,
      history,
      state: fold(this.decider, history),
      revision: recorded.length ? recorded[recorded.length - 1].revision : undefined,
    };
  }
}

/** Where the events of an already handled command (same idempotency key) sit in the stream. */
function findRetry(recorded: readonly RecordedEvent[], streamName: string, commandId: string) {
  const from = recorded.findIndex((event) => event.id === eventIdsFor(streamName, commandId, 1)[0]);
  if (from < 0) return undefined;
  const expected = eventIdsFor(streamName, commandId, recorded.length - from);
  let count = 0;
  while (count < expected.length && recorded[from + count].id === expected[count]) count++;
  return { from, count };
}

/** Event ids derived from the idempotency key, so a retry produces the same ids; random otherwise. */
export function eventIdsFor(streamName: string, commandId: string | undefined, count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    commandId ? deterministicUuid(streamName, commandId, String(index)) : randomUUID(),
  );
}

/** A UUID that is always the same for the same parts (RFC 9562 version 8, from SHA-256). */
export function deterministicUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
