import { AnyCommand, AnyEvent, Decider, fold } from '@salon/shared/ddd';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import { EventCodec } from './event-codec';

const DEFAULT_CACHE_LIMIT = 10_000;

/**
 * For a relay publishing event-carried state: the aggregate's state right after a stored event,
 * never the stream's current state, so a relay catching up publishes every intermediate state in
 * order. The last folded state per stream is kept (a bounded cache), so the next event of a
 * stream costs no read; otherwise the stream is read up to that revision and folded.
 */
export function stateAfterEvent<State, Evt extends AnyEvent>(
  store: EventStore,
  decider: Pick<Decider<State, AnyCommand, Evt>, 'initialState' | 'evolve'>,
  codec: EventCodec<Evt>,
  cacheLimit = DEFAULT_CACHE_LIMIT,
): (event: RecordedEvent, decoded: Evt) => Promise<State> {
  const folded = new Map<string, { revision: bigint; state: State }>();
  return async (event, decoded) => {
    const cached = folded.get(event.streamName);
    let state: State;
    if (cached && cached.revision === event.revision - 1n) {
      state = decider.evolve(cached.state, decoded);
    } else {
      const recorded = await store.readStream(event.streamName, { maxCount: Number(event.revision) + 1 });
      const history = await Promise.all(recorded.filter((e) => e.revision <= event.revision).map((e) => codec.decode(e)));
      state = fold(decider, history);
    }
    // Re-inserted so that the Map's order is least recently used first.
    folded.delete(event.streamName);
    folded.set(event.streamName, { revision: event.revision, state });
    if (folded.size > cacheLimit) folded.delete(folded.keys().next().value as string);
    return state;
  };
}
