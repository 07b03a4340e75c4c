import { ConsumerStatus, assessConsumer } from './consumer-health';

const STALL_AFTER = 60_000;
const now = Date.parse('2030-01-01T12:00:00Z');
const running = (overrides: Partial<ConsumerStatus> = {}): ConsumerStatus => ({
  state: 'running',
  deadLetters: 0,
  restarts: 0,
  lag: 0,
  progressAt: now - 5_000,
  ...overrides,
});

describe('assessConsumer', () => {
  it('is ok while it consumes, and shows its dead letters without becoming unready', () => {
    expect(assessConsumer(running({ deadLetters: 2 }), now, STALL_AFTER)).toEqual({
      ok: true,
      state: 'running',
      deadLetters: 2,
      restarts: 0,
      lag: 0,
      lastProgressAt: new Date(now - 5_000).toISOString(),
    });
  });

  it('is ok when idle for long without lag (nothing to do)', () => {
    expect(assessConsumer(running({ progressAt: now - 3_600_000 }), now, STALL_AFTER)).toMatchObject({ ok: true, state: 'running' });
  });

  it('is ok while it works through a lag', () => {
    expect(assessConsumer(running({ lag: 5_000, progressAt: now - 1_000 }), now, STALL_AFTER)).toMatchObject({ ok: true, lag: 5_000 });
  });

  it('reports stalled when it has lag and made no progress for longer than the limit, naming what it retries', () => {
    const health = assessConsumer(running({ lag: 3, progressAt: now - 90_000, retrying: 'MongoServerSelectionError: timed out' }), now, STALL_AFTER);
    expect(health).toMatchObject({ ok: false, state: 'stalled', lag: 3 });
    expect(health.error).toBe('3 messages behind, no progress for 90 s; retrying MongoServerSelectionError: timed out');
  });

  it('shows a transient failure being retried while still within the limit', () => {
    expect(assessConsumer(running({ lag: 3, retrying: 'KafkaJSConnectionError: Connection error' }), now, STALL_AFTER)).toMatchObject({
      ok: true,
      error: 'retrying: KafkaJSConnectionError: Connection error',
    });
  });

  it('is not ok while restarting after a crash, naming the crash', () => {
    const status: ConsumerStatus = { state: 'restarting', lastCrash: 'KafkaJSProtocolError: The coordinator is loading', deadLetters: 0, restarts: 3 };
    expect(assessConsumer(status, now, STALL_AFTER)).toEqual({
      ok: false,
      state: 'restarting',
      error: 'KafkaJSProtocolError: The coordinator is loading',
      deadLetters: 0,
      restarts: 3,
    });
  });

  it('is not ok once stopped, nor before it joined its group', () => {
    expect(assessConsumer({ state: 'stopped', deadLetters: 1, restarts: 0 }, now, STALL_AFTER)).toMatchObject({ ok: false, state: 'stopped' });
    expect(assessConsumer({ state: 'starting', deadLetters: 0, restarts: 0 }, now, STALL_AFTER)).toMatchObject({ ok: false, state: 'starting' });
  });
});
