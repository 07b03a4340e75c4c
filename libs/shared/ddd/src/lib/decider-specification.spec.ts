import { Decider } from './decider';
import { specificationFor } from './decider-specification';
import { DomainError } from './domain-error';
import { Command, CommandMetadata, Event } from './message';

type Count = Command<'Count', { by: number; note?: string }>;
type Counted = Event<'Counted', { by: number; note?: string }>;
const decider: Decider<number, Count, Counted> = {
  initialState: () => 0,
  evolve: (state, event) => state + event.data.by,
  decide: (command, state) => {
    if (command.data.by < 0) throw DomainError.invalid('negative', 'counts go up', { field: 'by' });
    if (command.data.by === 0 || state >= 10) return [];
    return [{ type: 'Counted', data: { by: command.data.by, note: command.data.note } }];
  },
};
const metadata: CommandMetadata = { tenantId: 't', correlationId: 'c', causationId: 'c', now: new Date(0) };
const count = (by: number, note?: string): Count => ({ type: 'Count', data: { by, note }, metadata });
const spec = specificationFor(decider);

describe('specificationFor', () => {
  it('compares events deeply, whatever the order of their keys', () => {
    spec.given([]).when(count(1, 'a')).then([{ data: { note: 'a', by: 1 }, type: 'Counted' }]);
  });

  it('sees a member that is undefined where none was expected (JSON would not)', () => {
    expect(() => spec.given([]).when(count(1)).then([{ type: 'Counted', data: { by: 1 } }])).toThrow(/note: undefined/);
  });

  it('sees a different value', () => {
    expect(() => spec.given([]).when(count(2, 'a')).then([{ type: 'Counted', data: { by: 1, note: 'a' } }])).toThrow(/Expected events/);
  });

  it('says when nothing happened, and when something did', () => {
    spec.given([{ type: 'Counted', data: { by: 10 } }]).when(count(1)).thenNothingHappened();
    spec.given([]).when(count(0)).thenNothingHappened();
    expect(() => spec.given([]).when(count(1)).thenNothingHappened()).toThrow(/Expected events/);
  });

  it('names the refusal expected', () => {
    expect(spec.given([]).when(count(-1)).thenThrows('negative').details).toEqual({ field: 'by' });
    expect(() => spec.given([]).when(count(-1)).thenThrows('other')).toThrow(/Expected DomainError "other"/);
    expect(() => spec.given([]).when(count(1)).thenThrows('negative')).toThrow(/but the decider returned/);
  });
});
