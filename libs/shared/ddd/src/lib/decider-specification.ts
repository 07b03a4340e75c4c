import { inspect, isDeepStrictEqual } from 'node:util';
import { Decider, fold } from './decider';
import { DomainError } from './domain-error';
import { AnyCommand, AnyEvent } from './message';

/**
 * Given / when / then over a decider, with no framework in sight:
 *
 *   spec.given([clientRegistered]).when(editProfile).then([profileEdited]);
 *   spec.given([clientRegistered]).when(editProfile).thenNothingHappened();
 *   spec.given([]).when(editProfile).thenThrows('client-not-found');
 *
 * Events are compared deeply and strictly (isDeepStrictEqual): key order does not matter, while a
 * member that is `undefined` differs from a missing one — an event is stored as it was decided,
 * so a stray `undefined` is a difference worth seeing. Assertions use plain `Error`s so the helper
 * works under any test runner.
 */
export function specificationFor<State, Cmd extends AnyCommand, Evt extends AnyEvent>(
  decider: Decider<State, Cmd, Evt>,
) {
  return {
    given(history: readonly Evt[]) {
      return {
        when(command: Cmd) {
          const run = (): readonly Evt[] => decider.decide(command, fold(decider, history));
          const then = (expected: readonly Evt[]): void => {
            const actual = run();
            if (!isDeepStrictEqual(actual, expected)) {
              throw new Error(`Expected events\n  ${show(expected)}\nbut the decider returned\n  ${show(actual)}`);
            }
          };
          return {
            then,
            /** The command is accepted and changes nothing (a repeat, a no-op): no event. */
            thenNothingHappened(): void {
              then([]);
            },
            thenReturns(): readonly Evt[] {
              return run();
            },
            thenThrows(code: string): DomainError {
              let actual: readonly Evt[];
              try {
                actual = run();
              } catch (error) {
                if (error instanceof DomainError && error.code === code) return error;
                throw new Error(`Expected DomainError "${code}" but got ${String(error)}`);
              }
              throw new Error(`Expected DomainError "${code}" but the decider returned ${show(actual)}`);
            },
          };
        },
      };
    },
  };
}

/** Shows `undefined` members and nested values, which JSON would hide. */
function show(events: readonly unknown[]): string {
  return inspect(events, { depth: null, breakLength: Infinity, sorted: true });
}
