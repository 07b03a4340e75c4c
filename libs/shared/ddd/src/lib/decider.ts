import { AnyCommand, AnyEvent } from './message';

/**
 * An aggregate as a pure decider: no I/O, no framework. `decide` either returns the events
 * that record the decision or throws a DomainError explaining why the command is refused.
 */
export interface Decider<State, Cmd extends AnyCommand, Evt extends AnyEvent> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Evt) => State;
  readonly decide: (command: Cmd, state: State) => readonly Evt[];
}

export function fold<State, Evt extends AnyEvent>(
  decider: Pick<Decider<State, AnyCommand, Evt>, 'initialState' | 'evolve'>,
  events: readonly Evt[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** For exhaustive `switch` statements over discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
