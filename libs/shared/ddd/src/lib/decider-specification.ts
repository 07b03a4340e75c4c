import { Decider, fold } from './decider';
import { DomainError } from './domain-error';
import { AnyCommand, AnyEvent } from './message';

/**
 * Given / when / then over a decider, with no framework in sight:
 *
 *   spec.given([clientRegistered]).when(editProfile).then([profileEdited]);
 *   spec.given([]).when(editProfile).thenThrows('client-not-found');
 *
 * Assertions use plain `Error`s so the helper works under any test runner.
 */
export function specificationFor<State, Cmd extends AnyCommand, Evt extends AnyEvent>(
  decider: Decider<State, Cmd, Evt>,
) {
  return {
    given(history: readonly Evt[]) {
      return {
        when(command: Cmd) {
          const run = (): readonly Evt[] => decider.decide(command, fold(decider, history));
          return {
            then(expected: readonly Evt[]): void {
              const actual = run();
              const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
              if (a !== e) throw new Error(`Expected events\n  ${e}\nbut the decider returned\n  ${a}`);
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
              throw new Error(`Expected DomainError "${code}" but the decider returned ${JSON.stringify(actual)}`);
            },
          };
        },
      };
    },
  };
}
